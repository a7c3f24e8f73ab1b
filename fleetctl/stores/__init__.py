"""Store registry: where the pipeline lands transformed records, chosen by `store` in one place.

A store loads batches of transformed records idempotently (keyed on event_id) and keeps the
records the handlers refused. `snowflake` is the warehouse layer (embedded fakesnow by default,
real Snowflake when configured); `dynamodb` is the alternative on boto3.
"""

from __future__ import annotations

import importlib

from fleetctl.config import Settings
from fleetctl.core import Store
from fleetctl.errors import ConfigError

# module names, imported on use so `--help` never pays for boto3 or the connector
STORES = {
    "snowflake": "fleetctl.warehouse.store",
    "dynamodb": "fleetctl.dynamodb.store",
}


def open_store(settings: Settings) -> Store:
    """The store `store` names; its module's `open_store(settings)` reads its own settings."""
    name = str(settings.get("store"))
    try:
        module = importlib.import_module(STORES[name])
    except KeyError:
        raise ConfigError(
            f"store: unknown store {name!r} (choose from {', '.join(STORES)})"
        ) from None
    return module.open_store(settings)
