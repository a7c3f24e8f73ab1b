"""What one truck's stored versions need to become the recomputed ones, as DynamoDB actions.

Pure: compares the dimension items read (from the anchor on) with `fleetctl.scd2.rules`
versions, and writes each difference as a TransactWriteItems action conditioned on the item
being exactly as read, so a concurrent change makes the whole transaction fail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fleetctl.dynamodb.calls import serialize
from fleetctl.dynamodb.items import format_ts
from fleetctl.scd2.rules import Version, row_hash, surrogate_key

PLACEHOLDER = re.compile(r"#(\w+)")
# an item as read: same values and hash, same end (or still current)
AS_READ_CLOSED = "#row_hash = :old_hash AND #tracked = :old_tracked AND #effective_to = :old_to"
AS_READ_CURRENT = "#row_hash = :old_hash AND #tracked = :old_tracked AND #is_current = :true"
NEW_KEY = "attribute_not_exists(#truck_id)"


@dataclass(frozen=True)
class Change:
    """`put` a new version, `delete` a stale one, `end` (only effective_to moves) or `replace`
    one whose values changed at the same start."""

    kind: str
    old: Mapping[str, Any] | None
    new: Version | None


def plan(
    stored: Sequence[Mapping[str, Any]], computed: Sequence[Version], tracked: Sequence[str]
) -> list[Change]:
    """The changes turning `stored` into `computed`; empty when they already agree."""
    old = {item["effective_from"]: item for item in stored}
    new = {format_ts(v.effective_from): v for v in computed}
    changes = [Change("delete", old[start], None) for start in old.keys() - new.keys()]
    for start, version in new.items():
        item = old.get(start)
        if item is None:
            changes.append(Change("put", None, version))
        elif not _same_values(item, version, tracked):
            changes.append(Change("replace", item, version))
        elif item.get("effective_to") != _end(version):
            changes.append(Change("end", item, version))
    return sorted(changes, key=lambda c: (_start(c), c.kind))


def version_item(version: Version, tracked: Sequence[str], now: str) -> dict[str, Any]:
    item = {
        "truck_id": version.truck_id,
        "effective_from": format_ts(version.effective_from),
        "is_current": version.is_current,
        **dict(zip(tracked, version.values, strict=True)),
        "row_hash": row_hash(version.values),
        "truck_sk": surrogate_key(version.truck_id, version.effective_from),
        "tracked": ",".join(tracked),
        "updated_at": now,
    }
    if version.effective_to is not None:
        item["effective_to"] = format_ts(version.effective_to)
    return item


def action(table: str, change: Change, tracked: Sequence[str], now: str) -> dict[str, Any]:
    """One TransactWriteItems entry for `change`."""
    if change.kind == "put":
        assert change.new is not None
        return _entry("Put", table, NEW_KEY, {}, Item=version_item(change.new, tracked, now))
    assert change.old is not None
    condition, values = _as_read(change.old)
    key = {"truck_id": change.old["truck_id"], "effective_from": change.old["effective_from"]}
    if change.kind == "delete":
        return _entry("Delete", table, condition, values, Key=key)
    assert change.new is not None
    if change.kind == "replace":
        item = version_item(change.new, tracked, now)
        return _entry("Put", table, condition, values, Item=item)
    end = _end(change.new)
    if end is None:  # reopened: every version after it went away
        update = "SET #is_current = :true, #updated_at = :now REMOVE #effective_to"
        values |= {":true": True, ":now": now}
    else:
        update = "SET #effective_to = :to, #is_current = :false, #updated_at = :now"
        values |= {":to": end, ":false": False, ":now": now}
    return _entry("Update", table, condition, values, Key=key, UpdateExpression=update)


def revision_check(table: str, truck_id: str, revision: int) -> dict[str, Any]:
    """The truck's event revision is still what it was when its events were read: no load
    has added events of this truck since (each bumps it after writing them; 0: never)."""
    key = {"truck_id": truck_id}
    if revision == 0:
        return _entry("ConditionCheck", table, "attribute_not_exists(#revision)", {}, Key=key)
    values = {":revision": revision}
    return _entry("ConditionCheck", table, "#revision = :revision", values, Key=key)


def _entry(
    kind: str, table: str, condition: str, values: dict[str, Any], **parts: Any
) -> dict[str, Any]:
    expressions = [condition, parts.get("UpdateExpression", "")]
    body: dict[str, Any] = {"TableName": table, "ConditionExpression": condition}
    body["ExpressionAttributeNames"] = {
        f"#{name}": name for text in expressions for name in PLACEHOLDER.findall(text)
    }
    if values:
        body["ExpressionAttributeValues"] = serialize(values)
    for part, value in parts.items():
        body[part] = serialize(value) if part in ("Item", "Key") else value
    return {kind: body}


def _as_read(item: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    values = {":old_hash": item["row_hash"], ":old_tracked": item["tracked"]}
    if "effective_to" in item:
        return AS_READ_CLOSED, values | {":old_to": item["effective_to"]}
    return AS_READ_CURRENT, values | {":true": True}


def _same_values(item: Mapping[str, Any], version: Version, tracked: Sequence[str]) -> bool:
    return item.get("tracked") == ",".join(tracked) and all(
        item.get(name) == value for name, value in zip(tracked, version.values, strict=True)
    )


def _end(version: Version) -> str | None:
    return None if version.effective_to is None else format_ts(version.effective_to)


def _start(change: Change) -> str:
    if change.old is not None:
        return str(change.old["effective_from"])
    assert change.new is not None
    return format_ts(change.new.effective_from)
