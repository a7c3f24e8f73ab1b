"""Store registry: where the pipeline lands transformed records, chosen by `store` in one place.

A store loads batches of transformed records idempotently (keyed on event_id) and keeps the
records the handlers refused. `snowflake` is the warehouse layer (embedded fakesnow by default,
real Snowflake when configured); `dynamodb` is the alternative on boto3.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.warehouse.base import LoadResult, RejectedRecord

# module names, imported on use so `--help` never pays for boto3 or the connector
STORES = {
    "snowflake": "fleetctl.stores.snowflake",
    "dynamodb": "fleetctl.stores.dynamodb.store",
}


class Store(Protocol):
    name: str

    def load(self, stream: str, records: Iterable[Mapping[str, Any]]) -> LoadResult: ...

    def load_rejected(self, rows: Iterable[RejectedRecord]) -> LoadResult: ...

    def close(self) -> None: ...


@runtime_checkable
class FinishesRun(Protocol):
    """A store with work to do once a run's last batch has landed (derived tables to refresh)."""

    def finish(self) -> None: ...


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
