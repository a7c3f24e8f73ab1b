"""Records as DynamoDB items: keys, TTL, numbers as Decimal, checks (pure, no server)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetctl.dynamodb import items
from fleetctl.errors import InputError
from tests.warehouse_records import telemetry

PLACEHOLDERS = re.compile(r"[#:]\w+")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_becomes_a_decimal_that_reads_back_as_the_same_float(value: float) -> None:
    converted = items.to_dynamo({"nested": [{"x": value}]})["nested"][0]["x"]
    assert isinstance(converted, Decimal)
    assert float(converted) == value


def test_other_values_are_kept_as_they_are() -> None:
    record = {"n": 3, "ok": True, "none": None, "s": "x", "list": [1, "a"], "map": {"k": False}}
    assert items.to_dynamo(record) == record


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_numbers_that_are_not_finite_are_refused(value: float) -> None:
    with pytest.raises(InputError, match="numbers must be finite"):
        items.to_dynamo({"x": value})


def test_an_event_item_has_its_sort_key_and_expires_ttl_days_after_the_event() -> None:
    record = telemetry(0)  # 2026-11-27T00:00:00Z
    item = items.event_item(record, ttl_days=2)
    assert item["event_key"] == f"2026-11-27T00:00:00Z#{record['event_id']}"
    assert item["expires_at"] == 1_795_737_600 + 2 * 86_400
    assert "expires_at" not in items.event_item(record, ttl_days=0)


def test_sort_keys_order_like_event_ts_then_event_id() -> None:
    records = [
        telemetry(0) | {"event_ts": ts, "event_id": eid}
        for ts, eid in [
            ("2026-11-27T08:01:00Z", "0"),
            ("2026-11-27T08:00:00Z", "f"),
            ("2026-11-27T08:00:00Z", "a"),
            ("2026-11-27T10:00:00Z", "0"),
        ]
    ]
    by_key = sorted(records, key=items.event_key)
    assert by_key == sorted(records, key=lambda r: (r["event_ts"], r["event_id"]))


def test_newest_and_earliest_per_truck_break_ties_by_event_id() -> None:
    first, tie_low, tie_high = (
        telemetry(0),
        telemetry(5) | {"event_id": "0"},
        telemetry(5) | {"event_id": "z"},
    )
    assert items.newest([tie_high, first, tie_low]) == {first["truck_id"]: tie_high}
    assert items.earliest([tie_high, first]) == {first["truck_id"]: first["event_ts"]}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("text", "telemetry record 3: not an object"),
        (
            {"truck_id": "T", "event_ts": "2026-11-27T08:00:00Z"},
            "telemetry record 3: event_id is missing",
        ),
        (telemetry(1) | {"truck_id": ""}, "telemetry record 3: truck_id is missing"),
        (telemetry(1) | {"event_ts": "2026-11-27T08:00:00+01:00"}, "telemetry record 3: event_ts"),
    ],
)
def test_records_without_usable_keys_are_refused_by_position(record, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        items.first_of_each_event("telemetry", [telemetry(1), telemetry(2), record])


def test_the_first_record_of_each_event_id_is_kept() -> None:
    first = telemetry(1)
    again = first | {"depot_id": "ELSEWHERE"}
    assert items.first_of_each_event("telemetry", [first, telemetry(2), again]) == [
        first,
        telemetry(2),
    ]


@pytest.mark.parametrize("bump", [True, False])
def test_the_state_update_uses_exactly_the_placeholders_it_defines(bump: bool) -> None:
    update = items.latest_reading_update(telemetry(3), bump=bump)
    used = set(
        PLACEHOLDERS.findall(update["UpdateExpression"] + " " + update["ConditionExpression"])
    )
    given = set(update["ExpressionAttributeNames"]) | set(update["ExpressionAttributeValues"])
    assert used == given
    assert ("ADD #revision :one" in update["UpdateExpression"]) is bump
    assert update["Key"] == {"truck_id": telemetry(3)["truck_id"]}


def test_alert_items_share_their_readings_sort_key_prefix() -> None:
    record = telemetry(
        0,
        alerts=[
            {"code": "BRAKE_WORN", "severity": "warning", "message": "m", "readings": {"x": 1.5}}
        ],
    )
    (alert,) = items.alert_items(record)
    assert alert["alert_key"].startswith(items.event_key(record) + "#")
    assert alert["readings"] == {"x": Decimal("1.5")}
    assert items.alert_items(telemetry(1)) == []
