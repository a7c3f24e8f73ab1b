"""The difference between stored and recomputed versions, and the conditioned actions it becomes
(pure; the moto tests run them)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from fleetctl.dynamodb.dimension_plan import action, plan, revision_check, version_item
from fleetctl.scd2.rules import Version

TRACKED = ["driver_id", "depot_id"]
T0 = datetime(2026, 11, 27, 8, 0)
NOW = "2026-11-27T09:00:00.000Z"
PLACEHOLDERS = re.compile(r"[#:]\w+")


def at(minute: int | None) -> datetime | None:
    return None if minute is None else T0 + timedelta(minutes=minute)


def version(driver: str | None, start: int, end: int | None) -> Version:
    return Version("TRK-1", (driver, "DEP-1"), at(start), at(end))  # type: ignore[arg-type]


def stored(*versions: Version) -> list[dict[str, Any]]:
    return [version_item(v, TRACKED, "2026-11-27T08:30:00.000Z") for v in versions]


def kinds(changes) -> list[tuple[str, str]]:
    return [
        (
            c.kind,
            (c.old or {}).get("effective_from")
            or version_item(c.new, TRACKED, NOW)["effective_from"],
        )
        for c in changes
    ]


def test_an_append_in_order_ends_the_current_version_and_puts_the_next() -> None:
    changes = plan(
        stored(version("A", 0, None)), [version("A", 0, 3), version("B", 3, None)], TRACKED
    )
    assert kinds(changes) == [("end", "2026-11-27T08:00:00Z"), ("put", "2026-11-27T08:03:00Z")]
    update = action("dim", changes[0], TRACKED, NOW)["Update"]
    assert update["Key"] == {
        "truck_id": {"S": "TRK-1"},
        "effective_from": {"S": "2026-11-27T08:00:00Z"},
    }
    assert update["ConditionExpression"] == (
        "#row_hash = :old_hash AND #tracked = :old_tracked AND #is_current = :true"
    )
    assert update["ExpressionAttributeValues"][":to"] == {"S": "2026-11-27T08:03:00Z"}
    put = action("dim", changes[1], TRACKED, NOW)["Put"]
    assert put["ConditionExpression"] == "attribute_not_exists(#truck_id)"
    assert put["Item"]["is_current"] == {"BOOL": True}


def test_versions_that_agree_need_no_change() -> None:
    versions = [version("A", 0, 2), version(None, 2, 5), version("A", 5, None)]
    assert plan(stored(*versions), versions, TRACKED) == []


def test_a_split_ends_one_version_and_puts_two() -> None:
    before = [version("A", 0, 20), version("B", 20, None)]
    after = [version("A", 0, 5), version("C", 5, 10), version("A", 10, 20), version("B", 20, None)]
    assert [k for k, _ in kinds(plan(stored(*before), after, TRACKED))] == ["end", "put", "put"]


def test_a_merge_deletes_the_version_that_went_away_and_reopens_the_one_before() -> None:
    changes = plan(
        stored(version("A", 0, 5), version("B", 5, None)), [version("A", 0, None)], TRACKED
    )
    assert kinds(changes) == [("end", "2026-11-27T08:00:00Z"), ("delete", "2026-11-27T08:05:00Z")]
    reopen = action("dim", changes[0], TRACKED, NOW)["Update"]
    assert reopen["UpdateExpression"] == (
        "SET #is_current = :true, #updated_at = :now REMOVE #effective_to"
    )
    assert reopen["ConditionExpression"].endswith("#effective_to = :old_to")
    delete = action("dim", changes[1], TRACKED, NOW)["Delete"]
    assert delete["ConditionExpression"].endswith("#is_current = :true")


def test_new_values_at_the_same_start_replace_the_item_as_read() -> None:
    (change,) = plan(stored(version("A", 0, None)), [version("Z", 0, None)], TRACKED)
    put = action("dim", change, TRACKED, NOW)["Put"]
    assert change.kind == "replace"
    assert put["Item"]["driver_id"] == {"S": "Z"}
    assert put["ExpressionAttributeValues"][":old_hash"] == {
        "S": stored(version("A", 0, None))[0]["row_hash"]
    }


def test_versions_built_tracking_other_attributes_are_replaced() -> None:
    built_before = Version("TRK-1", ("A",), T0, None)
    old = version_item(built_before, ["driver_id"], NOW) | {"depot_id": "DEP-1"}
    (change,) = plan([old], [version("A", 0, None)], TRACKED)
    assert change.kind == "replace"


SCENARIOS = [
    ([version("A", 0, None)], [version("A", 0, 3), version("B", 3, None)]),
    ([version("A", 0, 5), version("B", 5, None)], [version("A", 0, None)]),
    (
        [version("A", 0, 5), version("B", 5, None)],
        [version("C", 0, 5), version("B", 5, 9), version(None, 9, None)],
    ),
    (
        [version("A", 0, 5), version("B", 5, 7), version("A", 7, None)],
        [version("A", 0, 6), version("B", 6, None)],
    ),
]


@pytest.mark.parametrize(("before", "after"), SCENARIOS)
def test_every_placeholder_given_is_used_and_every_one_used_is_given(before, after) -> None:
    """DynamoDB refuses a request naming an unused placeholder, or using an undefined one."""
    entries = [action("dim", c, TRACKED, NOW) for c in plan(stored(*before), after, TRACKED)]
    entries.append(revision_check("state", "TRK-1", 0))
    entries.append(revision_check("state", "TRK-1", 7))
    for entry in entries:
        (body,) = entry.values()
        text = body["ConditionExpression"] + " " + body.get("UpdateExpression", "")
        used = set(PLACEHOLDERS.findall(text))
        given = set(body.get("ExpressionAttributeNames", {})) | set(
            body.get("ExpressionAttributeValues", {})
        )
        assert used == given, entry
