"""Store registry: where the pipeline lands transformed records, chosen by `store` in one place.

A store loads batches of transformed records idempotently (keyed on event_id) and keeps the
records the handlers refused (`fleetctl.core.Store`). `warehouse` (also accepted as `snowflake`,
its earlier name) is the warehouse of `warehouse.target`: embedded fakesnow by default, real
Snowflake when configured; `dynamodb` is the alternative on boto3. What
a store can do beyond loading it says through the capabilities in `fleetctl.core` (a backfill's
landing, for one), and what it has to set up, here: no caller compares a store's name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from fleetctl.config import Settings
from fleetctl.core import Store
from fleetctl.errors import ConfigError, InputError


@dataclass(frozen=True)
class StoreSpec:
    """Where a store lives: `module` has `open_store(settings)` and the store's class, named by
    `store_class`; `tables`, if the store has tables of its own to create, a module with
    `create_store_tables(settings)` (the warehouse's come from its migrations instead)."""

    module: str
    store_class: str
    tables: str | None = None


# module names, imported on use so `--help` never pays for boto3 or the connector
STORES = {
    "warehouse": StoreSpec("fleetctl.warehouse.store", "WarehouseStore"),
    "dynamodb": StoreSpec(
        "fleetctl.dynamodb.store", "DynamoStore", tables="fleetctl.dynamodb.tables"
    ),
}


# names accepted for a store besides its own
ALIASES = {"snowflake": "warehouse"}


def store_name(settings: Settings) -> str:
    """The store `store` names, by its own name (an alias resolved)."""
    name = str(settings.get("store"))
    return ALIASES.get(name, name)


def store_spec(name: str) -> StoreSpec:
    try:
        return STORES[ALIASES.get(name, name)]
    except KeyError:
        raise ConfigError(
            f"store: unknown store {name!r} (choose from {', '.join([*STORES, *ALIASES])})"
        ) from None


def open_store(settings: Settings) -> Store:
    """The store `store` names; its module's `open_store(settings)` reads its own settings."""
    spec = store_spec(store_name(settings))
    return importlib.import_module(spec.module).open_store(settings)


def require(settings: Settings, capability: type, doing: str) -> None:
    """Refuse, before anything is opened, a store `store` names that cannot do `doing`: whose
    class does not implement `capability` (a runtime-checkable protocol of fleetctl.core)."""
    name = store_name(settings)
    if not issubclass(_store_class(store_spec(name)), capability):
        able = [n for n, spec in STORES.items() if issubclass(_store_class(spec), capability)]
        raise InputError(f"{doing}; the {name} store cannot (use --store {' or '.join(able)})")


def create_store_tables(settings: Settings) -> Any:
    """Create the tables of the store `store` names, for a store that has tables of its own."""
    name = store_name(settings)
    spec = store_spec(name)
    if spec.tables is None:
        owners = " or ".join(n for n, s in STORES.items() if s.tables is not None)
        raise InputError(
            f"--store {name}: only the {owners} store has tables to create; "
            "the warehouse's come from `fleetctl db migrate`"
        )
    return importlib.import_module(spec.tables).create_store_tables(settings)


def _store_class(spec: StoreSpec) -> type:
    return getattr(importlib.import_module(spec.module), spec.store_class)
