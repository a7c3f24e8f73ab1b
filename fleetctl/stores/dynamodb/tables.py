"""The DynamoDB store's tables: names from config, key schemas, and idempotent creation.

Every table is on-demand (PAY_PER_REQUEST: loads come in bursts, and nothing needs sizing);
the raw event tables have TTL on `expires_at`. Creating them again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.retries import classify
from fleetctl.stores.dynamodb.calls import open_client, store_error
from fleetctl.stores.dynamodb.items import TTL_ATTRIBUTE

NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")  # DynamoDB's rule for table names
WAIT_DELAY_S = 2
WAIT_ATTEMPTS = 150  # five minutes; an on-demand table is usually ACTIVE in seconds


@dataclass(frozen=True)
class TableSpec:
    key: tuple[str, ...]  # partition key, then sort key if any; all strings
    ttl: bool = False


SPECS = {
    "telemetry": TableSpec(("truck_id", "event_key"), ttl=True),
    "truck_state": TableSpec(("truck_id",)),
    "alerts": TableSpec(("truck_id", "alert_key")),
    # by item: the questions asked of clicks are per item over time (as CORE.ITEM_CLICKS_MINUTE)
    "clickstream": TableSpec(("item_id", "event_key"), ttl=True),
    "rejected": TableSpec(("reject_id",)),
    "dim_truck": TableSpec(("truck_id", "effective_from")),
}


@dataclass(frozen=True)
class TableNames:
    """The full name of each table: `dynamodb.table_prefix` + `dynamodb.tables.<role>`."""

    telemetry: str
    truck_state: str
    alerts: str
    clickstream: str
    rejected: str
    dim_truck: str

    @classmethod
    def from_settings(cls, settings: Settings) -> TableNames:
        prefix = str(settings.get("dynamodb.table_prefix"))
        names = {}
        for role in SPECS:
            name = prefix + str(settings.get(f"dynamodb.tables.{role}"))
            if not NAME.fullmatch(name):
                raise ConfigError(
                    f"dynamodb.tables.{role}: {name!r} is not a DynamoDB table name "
                    "(3 to 255 letters, digits, '_', '-' and '.')"
                )
            names[role] = name
        return cls(**names)

    def roles(self) -> list[tuple[str, str]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class TableState:
    role: str
    table: str
    created: bool  # False: it was there already
    ttl_attribute: str | None


def create_store_tables(settings: Settings) -> list[TableState]:
    """Create the tables `dynamodb.*` names on the standard AWS configuration chain."""
    client = open_client(settings, own_retries=False)
    return create_tables(client, TableNames.from_settings(settings))


def create_tables(client: Any, names: TableNames) -> list[TableState]:
    """Create the tables that are missing, wait until they are ACTIVE, and enable TTL where
    it belongs; tables that exist must have the key schema fleetctl expects."""
    created = [role for role, table in names.roles() if _create(client, table, SPECS[role])]
    waiter = client.get_waiter("table_exists")
    for role in created:
        config = {"Delay": WAIT_DELAY_S, "MaxAttempts": WAIT_ATTEMPTS}
        waiter.wait(TableName=getattr(names, role), WaiterConfig=config)
    states = []
    for role, table in names.roles():
        ttl = SPECS[role].ttl
        if ttl:
            _enable_ttl(client, table)
        states.append(TableState(role, table, role in created, TTL_ATTRIBUTE if ttl else None))
    return states


def _create(client: Any, table: str, spec: TableSpec) -> bool:
    """Create `table` if it does not exist; False when it does (with the expected keys)."""
    try:
        existing = client.describe_table(TableName=table)["Table"]
    except Exception as error:
        if _code(error) != "ResourceNotFoundException":
            raise _failed(error, "DescribeTable", table) from None
    else:
        _check_keys(table, spec, existing)
        return False
    kinds = ["HASH", "RANGE"]
    try:
        client.create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in spec.key],
            KeySchema=[
                {"AttributeName": a, "KeyType": kind}
                for a, kind in zip(spec.key, kinds, strict=False)
            ],
        )
    except Exception as error:
        # another create-tables got there first: its table is as good as ours
        if _code(error) != "ResourceInUseException":
            raise _failed(error, "CreateTable", table) from None
    return True


def _check_keys(table: str, spec: TableSpec, description: dict[str, Any]) -> None:
    keys = tuple(k["AttributeName"] for k in description.get("KeySchema", []))
    if keys != spec.key:
        raise ConfigError(
            f"DynamoDB table {table} exists with key ({', '.join(keys)}) but fleetctl needs "
            f"({', '.join(spec.key)}): choose other names with dynamodb.table_prefix"
        )


def _enable_ttl(client: Any, table: str) -> None:
    try:
        description = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        enabled = description.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
        if not enabled:
            client.update_time_to_live(
                TableName=table,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
            )
    except Exception as error:
        raise _failed(error, "UpdateTimeToLive", table) from None
    if enabled and description.get("AttributeName") != TTL_ATTRIBUTE:
        raise ConfigError(
            f"DynamoDB table {table} expires items on {description.get('AttributeName')!r}, "
            f"not {TTL_ATTRIBUTE!r} (a table has one TTL attribute): choose other names with "
            "dynamodb.table_prefix"
        )


def _code(error: Exception) -> str | None:
    failure = classify(error)
    return failure.code if failure else None


def _failed(error: Exception, operation: str, table: str) -> Exception:
    """A StoreError for an AWS failure; any other exception as it is."""
    failure = classify(error)
    if failure is None:
        return error
    return store_error(operation, table, failure.code, failure.message)
