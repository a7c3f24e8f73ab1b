"""Warehouse registry: the one place a target name becomes a connection, and the shared settings.

Targets: `embedded` (default; fakesnow over DuckDB files under FLEETCTL_HOME/warehouse/) and
`snowflake` (the real connector; with host/port/protocol it also reaches the fakesnow server).
Both speak Snowflake SQL through the Snowflake connector's API, so everything above is shared.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.warehouse.base import (
    LoadResult,
    Migration,
    RejectedRecord,
    Result,
    TableCount,
    Warehouse,
    WarehouseStatus,
)

__all__ = [
    "TARGETS",
    "LoadResult",
    "Migration",
    "RejectedRecord",
    "Result",
    "TableCount",
    "Warehouse",
    "WarehouseStatus",
    "identifier",
    "open_warehouse",
]

# module names, imported on use so `--help` never pays for the connector, fakesnow or DuckDB
TARGETS = {
    "embedded": "fleetctl.warehouse.embedded",
    "snowflake": "fleetctl.warehouse.snowflake",
}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")  # whole string: fullmatch


def open_warehouse(settings: Settings) -> Warehouse:
    """Open the warehouse `warehouse.target` names; its module reads the other `warehouse.*`."""
    target = str(settings.get("warehouse.target"))
    try:
        module = importlib.import_module(TARGETS[target])
    except KeyError:
        known = ", ".join(TARGETS)
        raise ConfigError(
            f"warehouse.target: unknown target {target!r} (choose from {known})"
        ) from None
    return module.open_warehouse(settings)


def identifier(settings: Settings, key: str, *, optional: bool = False) -> str:
    """The identifier configured at `key`, checked so it can be written into SQL as is."""
    value: Any = settings.get(key)
    if optional and value in (None, ""):
        return ""
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise ConfigError(
            f"{key}: {value!r} is not a valid identifier "
            "(letters, digits, _ and $, not starting with a digit)"
        )
    return value
