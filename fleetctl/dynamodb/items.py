"""Transformed records as DynamoDB items: keys, the TTL attribute, Decimal numbers, alert items.

Pure functions over plain Python values; `calls.py` turns them into DynamoDB's wire format.
Sort keys put `event_ts` first so a Query returns a truck's readings in time order, and end in
`event_id` because readings are minute-aligned: two events of one truck in the same minute (a
duplicate reading under a new id, a replay with fixed ids) must be two items, not one overwrite.
With `event_ts` fixed at 20 characters, sorting `event_ts#event_id` sorts by (event_ts, event_id),
the order of the SCD2 rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fleetctl.core import RECORD_KEYS, RejectedRecord
from fleetctl.errors import InputError

TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
TTL_ATTRIBUTE = "expires_at"
SECONDS_PER_DAY = 86_400


def to_dynamo(value: Any) -> Any:
    """The same value with every float a Decimal (boto3 refuses floats); maps and lists kept."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{value} cannot be stored in DynamoDB (numbers must be finite)")
        return Decimal(repr(value))  # the shortest text that reads back as the same float
    if isinstance(value, Mapping):
        return {key: to_dynamo(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamo(item) for item in value]
    return value


def parse_ts(text: str) -> datetime:
    """A record timestamp as a naive UTC datetime, as the SCD2 rule and the warehouse use them."""
    return datetime.strptime(text, TIMESTAMP_FORMAT)


def format_ts(moment: datetime) -> str:
    return moment.strftime(TIMESTAMP_FORMAT)


def event_key(record: Mapping[str, Any]) -> str:
    return f"{record['event_ts']}#{record['event_id']}"


def checked(stream: str, record: Any, position: int) -> Mapping[str, Any]:
    """`record` if its key fields are usable; an InputError naming the record otherwise."""
    if not isinstance(record, Mapping):
        raise InputError(f"{stream} record {position}: not an object")
    for key in RECORD_KEYS[stream]:
        value = record.get(key)
        if not isinstance(value, str) or not value:
            raise InputError(f"{stream} record {position}: {key} is missing")
    if not TIMESTAMP.fullmatch(record["event_ts"]):
        raise InputError(
            f"{stream} record {position}: event_ts {record['event_ts']!r} "
            "is not YYYY-MM-DDTHH:MM:SSZ"
        )
    return record


def first_of_each_event(
    stream: str, records: Sequence[Any], offset: int = 0
) -> list[Mapping[str, Any]]:
    """Checked records, the first of each event_id only (as the warehouse load keeps them)."""
    seen: set[str] = set()
    unique = []
    for position, record in enumerate(records, start=offset + 1):
        checked(stream, record, position)
        if record["event_id"] not in seen:
            seen.add(record["event_id"])
            unique.append(record)
    return unique


def expires_at(event_ts: str, ttl_days: int) -> int:
    """Epoch seconds `ttl_days` after the event: from event time, so a re-load writes the same
    item, and retention means the age of the data rather than of the load."""
    return int(parse_ts(event_ts).replace(tzinfo=UTC).timestamp()) + ttl_days * SECONDS_PER_DAY


def event_item(record: Mapping[str, Any], ttl_days: int) -> dict[str, Any]:
    """A telemetry or clickstream record as its item: every field, the sort key, the TTL."""
    item = to_dynamo(record) | {"event_key": event_key(record)}
    if ttl_days > 0:
        item[TTL_ATTRIBUTE] = expires_at(record["event_ts"], ttl_days)
    return item


def alert_items(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One item per alert in `derived.alerts`, keyed so a reading's alerts share its sort-key
    prefix: `event_ts#event_id#code` (the warehouse keys alerts on EVENT_ID + CODE alike)."""
    derived = record.get("derived") or {}
    return [
        {
            "truck_id": record["truck_id"],
            "alert_key": f"{event_key(record)}#{alert['code']}",
            "event_id": record["event_id"],
            "event_ts": record["event_ts"],
            "code": alert["code"],
            "severity": alert.get("severity"),
            "message": alert.get("message"),
            "readings": to_dynamo(alert.get("readings") or {}),
        }
        for alert in derived.get("alerts") or []
    ]


def rejected_item(row: RejectedRecord, now: datetime) -> dict[str, Any]:
    rejected_at = row.rejected_at or now
    if rejected_at.tzinfo is not None:
        rejected_at = rejected_at.astimezone(UTC).replace(tzinfo=None)
    item: dict[str, Any] = {
        "reject_id": row.reject_id,
        "stream": row.stream,
        "reason": row.reason,
        "raw": bytes(row.raw),
        "rejected_at": rejected_at.isoformat(timespec="milliseconds") + "Z",
    }
    if row.event_id is not None:
        item["event_id"] = row.event_id
    return item


def newest(records: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Per truck, its reading that comes last in (event_ts, event_id) order."""
    latest: dict[str, Mapping[str, Any]] = {}
    for record in records:
        current = latest.get(record["truck_id"])
        if current is None or event_key(record) > event_key(current):
            latest[record["truck_id"]] = record
    return latest


def earliest(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Per truck, the earliest event_ts among `records`."""
    first: dict[str, str] = {}
    for record in records:
        truck, ts = record["truck_id"], record["event_ts"]
        if truck not in first or ts < first[truck]:
            first[truck] = ts
    return first


def latest_reading_update(record: Mapping[str, Any], *, bump: bool) -> dict[str, Any]:
    """UpdateItem arguments writing `record` as its truck's state only if it is newer than the
    stored one in (event_ts, event_id) order, the order that decides ties in the SCD2 rule too.
    `bump` adds 1 to the truck's `revision`, which the dimension's transactions check."""
    fields = [(key, to_dynamo(value)) for key, value in record.items() if key != "truck_id"]
    names = {f"#f{i}": key for i, (key, _) in enumerate(fields)}
    values = {f":f{i}": value for i, (_, value) in enumerate(fields)}
    expression = "SET " + ", ".join(f"#f{i} = :f{i}" for i in range(len(fields)))
    if bump:
        expression += " ADD #revision :one"
        names["#revision"] = "revision"
        values[":one"] = 1
    names |= {"#ts": "event_ts", "#id": "event_id"}
    values |= {":ts": record["event_ts"], ":id": record["event_id"]}
    return {
        "Key": {"truck_id": record["truck_id"]},
        "UpdateExpression": expression,
        "ConditionExpression": (
            "attribute_not_exists(#ts) OR #ts < :ts OR (#ts = :ts AND #id < :id)"
        ),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
