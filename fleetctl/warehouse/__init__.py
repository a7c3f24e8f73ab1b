"""Warehouse registry: the one place a target name becomes a connection, and the shared settings.

Targets: `embedded` (default; fakesnow over DuckDB files under FLEETCTL_HOME/warehouse/) and
`snowflake` (the real connector; with host/port/protocol it also reaches the fakesnow server).
Both speak Snowflake SQL through the Snowflake connector's API, so everything above is shared.
"""

from __future__ import annotations

import importlib
import re

import msgspec

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.warehouse.connection import (
    Migration,
    Result,
    TableCount,
    Warehouse,
    WarehouseStatus,
)

__all__ = [
    "TARGETS",
    "Migration",
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
SECTION = "warehouse"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")  # whole string: fullmatch


class WarehouseOptions(msgspec.Struct, kw_only=True):
    """`warehouse.*`, decoded once; each target reads what it needs (see config/default.toml)."""

    target: str
    database: str
    schema: str
    load_batch_rows: int
    account: str
    user: str
    role: str
    warehouse: str
    host: str
    port: int
    protocol: str
    authenticator: str
    password_env: str
    private_key_file: str
    private_key_passphrase_env: str
    login_timeout_s: int

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseOptions:
        return settings.options(SECTION, cls)


def open_warehouse(settings: Settings) -> Warehouse:
    """Open the warehouse `warehouse.target` names; its module reads the other `warehouse.*`."""
    target = WarehouseOptions.from_settings(settings).target
    try:
        module = importlib.import_module(TARGETS[target])
    except KeyError:
        known = ", ".join(TARGETS)
        raise ConfigError(
            f"warehouse.target: unknown target {target!r} (choose from {known})"
        ) from None
    return module.open_warehouse(settings)


def identifier(value: str, key: str, *, optional: bool = False) -> str:
    """`value`, configured at `warehouse.<key>`, checked so it can be written into SQL as is."""
    key = f"{SECTION}.{key}"
    if optional and value in (None, ""):
        return ""
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise ConfigError(
            f"{key}: {value!r} is not a valid identifier "
            "(letters, digits, _ and $, not starting with a digit)"
        )
    return value
