"""What the dynamodb store's tables hold, read back with plain boto3 (not fleetctl's code), and
transformed records made by the simulators and the production handlers."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import Binary, TypeDeserializer

from fleetctl.config import load_settings
from fleetctl.core import LoadResult
from fleetctl.dynamodb.store import DynamoStore
from fleetctl.dynamodb.tables import TableNames
from fleetctl.scd2.rules import Version
from fleetctl.stores import open_store
from handlers import clickstream, telemetry
from simulators import ClickstreamSimulator, TelemetrySimulator
from tests.handler_records import decoded_data, event_of

TRACKED = ("driver_id", "depot_id", "brake_status", "transmission_status")
FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def opened() -> DynamoStore:
    """The configured store, which must be the dynamodb one; close it (or use `with`)."""
    store = open_store(load_settings())
    assert isinstance(store, DynamoStore)
    return store


def load(stream: str, records: list[dict[str, Any]]) -> LoadResult:
    with opened() as store:
        return store.load(stream, records)


def names() -> TableNames:
    return TableNames.from_settings(load_settings())


def client(endpoint: str | None = None) -> Any:
    # plain boto3 reads AWS_DEFAULT_REGION, not AWS_REGION (fleetctl reads both)
    return boto3.client("dynamodb", region_name=os.environ["AWS_REGION"], endpoint_url=endpoint)


def scan(table: str, endpoint: str | None = None) -> list[dict[str, Any]]:
    """Every item of `table`, numbers as int/float, binary as bytes."""
    deserializer = TypeDeserializer()
    pages = client(endpoint).get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return [
        plain({k: deserializer.deserialize(v) for k, v in item.items()})
        for page in pages
        for item in page["Items"]
    ]


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Binary):
        return bytes(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def stored_records(table: str, added: tuple[str, ...] = ("event_key", "expires_at")) -> list[dict]:
    """The items of an event table without the attributes the store adds, by event_id."""
    rows = [{k: v for k, v in item.items() if k not in added} for item in scan(table)]
    return sorted(rows, key=lambda r: r["event_id"])


def dimension(table: str, trucks: list[str] | None = None) -> list[Version]:
    """The dimension table (or only `trucks`' versions) as rule versions, in the rule's order."""
    rows = scan(table) if trucks is None else [row for t in trucks for row in query(table, t)]
    result = [
        Version(
            row["truck_id"],
            tuple(row[name] for name in TRACKED),
            parse(row["effective_from"]),
            parse(row["effective_to"]) if "effective_to" in row else None,
        )
        for row in rows
    ]
    return sorted(result, key=lambda v: (v.truck_id, v.effective_from))


def query(table: str, truck_id: str) -> list[dict[str, Any]]:
    deserializer = TypeDeserializer()
    pages = (
        client()
        .get_paginator("query")
        .paginate(
            TableName=table,
            KeyConditionExpression="truck_id = :truck",
            ExpressionAttributeValues={":truck": {"S": truck_id}},
            ConsistentRead=True,
        )
    )
    return [
        plain({k: deserializer.deserialize(v) for k, v in item.items()})
        for page in pages
        for item in page["Items"]
    ]


def parse(text: str) -> datetime:
    return datetime.strptime(text, FORMAT)


def transformed_telemetry(seed: int, trucks: int, minutes: int) -> list[dict[str, Any]]:
    """Simulated readings as the telemetry handler returns them (every one Ok)."""
    fleet = TelemetrySimulator(seed=seed, start=datetime(2026, 11, 27, tzinfo=UTC), trucks=trucks)
    readings = [r for _ in range(minutes) for r in fleet.next_minute()]
    answers = telemetry.handler(event_of(readings), None)["records"]
    assert {a["result"] for a in answers} == {"Ok"}
    return [decoded_data(a) for a in answers]


def transformed_clicks(seed: int, minutes: int) -> list[dict[str, Any]]:
    shop = ClickstreamSimulator(
        seed=seed, start=datetime(2026, 11, 27, tzinfo=UTC), clicks_per_minute=30
    )
    clicks = [r for _ in range(minutes) for r in shop.next_minute()]
    answers = clickstream.handler(event_of(clicks, "clickstream"), None)["records"]
    assert {a["result"] for a in answers} == {"Ok"}
    return [decoded_data(a) for a in answers]
