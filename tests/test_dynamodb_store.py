"""The dynamodb store on moto server: what lands in each table, idempotence, TTL, truck state."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from fleetctl.core import RejectedRecord
from fleetctl.errors import InputError, StoreError
from fleetctl.scd2.rules import versions
from tests import dynamodb_tables as db
from tests.scd2_events import as_event
from tests.warehouse_records import alert, telemetry

pytestmark = pytest.mark.integration
DAY_S = 86_400


def test_telemetry_items_equal_the_records_loaded_and_a_reload_writes_nothing(
    dynamodb_env: str,
) -> None:
    records = db.transformed_telemetry(seed=3, trucks=6, minutes=45)
    names = db.names()
    first = db.load("telemetry", records)
    tables = {table: db.scan(table) for _, table in names.roles()}
    again = db.load("telemetry", records)

    assert db.stored_records(names.telemetry) == sorted(records, key=lambda r: r["event_id"])
    keys = {(i["truck_id"], i["event_key"]) for i in tables[names.telemetry]}
    assert keys == {(r["truck_id"], f"{r['event_ts']}#{r['event_id']}") for r in records}
    assert (first.inserted, first.skipped_duplicates) == (len(records), 0)
    assert first.enriched[names.truck_state] == 6
    assert (again.inserted, again.skipped_duplicates) == (0, len(records))
    assert again.enriched == {names.alerts: 0, names.truck_state: 0, names.dim_truck: 0}
    # not one item rewritten: the dimension's updated_at stamps are those of the first load
    assert {table: db.scan(table) for _, table in names.roles()} == tables


def test_ttl_is_enabled_and_items_expire_ttl_days_after_their_event(dynamodb_env: str) -> None:
    records = db.transformed_telemetry(seed=4, trucks=2, minutes=3)
    clicks = db.transformed_clicks(seed=4, minutes=2)
    names = db.names()
    db.load("telemetry", records)
    db.load("clickstream", clicks)

    for table, loaded in ((names.telemetry, records), (names.clickstream, clicks)):
        description = db.client().describe_time_to_live(TableName=table)
        assert description["TimeToLiveDescription"] == {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": "expires_at",
        }
        expected = {
            r["event_id"]: int(
                datetime.strptime(r["event_ts"], db.FORMAT).replace(tzinfo=UTC).timestamp()
            )
            + 90 * DAY_S
            for r in loaded
        }
        assert {i["event_id"]: i["expires_at"] for i in db.scan(table)} == expected


def test_ttl_days_zero_writes_no_expiry(dynamodb_env: str, aws_env: pytest.MonkeyPatch) -> None:
    aws_env.setenv("FLEETCTL_DYNAMODB_TTL_DAYS", "0")
    db.load("telemetry", [telemetry(1)])
    assert "expires_at" not in db.scan(db.names().telemetry)[0]


def test_repeated_event_ids_in_a_batch_are_one_item_and_the_first_wins(dynamodb_env: str) -> None:
    original = telemetry(5)
    repeat = copy.deepcopy(original) | {"depot_id": "DEP-OTHER"}
    result = db.load("telemetry", [original, telemetry(6), repeat])
    stored = db.stored_records(db.names().telemetry)
    assert (result.inserted, result.skipped_duplicates) == (2, 1)
    assert [r["depot_id"] for r in stored if r["event_id"] == original["event_id"]] == [
        original["depot_id"]
    ]


def test_alerts_are_one_item_per_reading_and_code(dynamodb_env: str) -> None:
    records = [
        telemetry(0, alerts=[alert("BRAKE_FAULT", "critical", brake_status="FAULT")]),
        telemetry(
            5, alerts=[alert("OIL_PRESSURE_LOW", oil_pressure_kpa=61.5), alert("BRAKE_WORN")]
        ),
        telemetry(10),
    ]
    names = db.names()
    result = db.load("telemetry", records)
    db.load("telemetry", records)

    expected = [
        {
            "truck_id": r["truck_id"],
            "alert_key": f"{r['event_ts']}#{r['event_id']}#{a['code']}",
            "event_id": r["event_id"],
            "event_ts": r["event_ts"],
            **a,
        }
        for r in records
        for a in r["derived"]["alerts"]
    ]
    assert sorted(db.scan(names.alerts), key=lambda a: a["alert_key"]) == sorted(
        expected, key=lambda a: a["alert_key"]
    )
    assert result.enriched[names.alerts] == 3


def test_truck_state_keeps_the_newest_reading_whatever_the_load_order(dynamodb_env: str) -> None:
    # telemetry(n): truck n % 5 at minute n // 5; 0, 5, 10 are one truck's minutes 0, 1, 2
    newest, older, oldest = telemetry(10), telemetry(5), telemetry(0)
    tie_low = telemetry(10) | {"event_id": "00000000-0000-0000-0000-000000000000"}
    db.load("telemetry", [older])
    db.load("telemetry", [newest, oldest])
    db.load("telemetry", [tie_low])  # same minute, smaller event_id: not newer

    (state,) = db.scan(db.names().truck_state)
    assert {k: v for k, v in state.items() if k != "revision"} == newest
    assert state["revision"] == 3  # each load brought new events of the truck


def test_truck_state_ties_go_to_the_larger_event_id(dynamodb_env: str) -> None:
    tie_high = telemetry(10) | {"event_id": "ffffffff-0000-0000-0000-000000000000"}
    db.load("telemetry", [telemetry(10)])
    db.load("telemetry", [tie_high])
    (state,) = db.scan(db.names().truck_state)
    assert state["event_id"] == tie_high["event_id"]


def test_dimension_equals_the_rule_over_the_loaded_records(dynamodb_env: str) -> None:
    records = db.transformed_telemetry(seed=11, trucks=4, minutes=60)
    db.load("telemetry", records)
    assert db.dimension(db.names().dim_truck) == versions(as_event(r) for r in records)


def test_clickstream_items_equal_the_records_and_reload_is_idempotent(dynamodb_env: str) -> None:
    clicks = db.transformed_clicks(seed=2, minutes=10)
    first = db.load("clickstream", clicks)
    again = db.load("clickstream", clicks[: len(clicks) // 2])
    stored = db.scan(db.names().clickstream)

    assert sorted(({k: v for k, v in i.items() if k not in ("event_key", "expires_at")}
                   for i in stored), key=lambda r: r["event_id"]) == sorted(
        clicks, key=lambda r: r["event_id"]
    )  # fmt: skip
    assert {(i["item_id"], i["event_key"]) for i in stored} == {
        (c["item_id"], f"{c['event_ts']}#{c['event_id']}") for c in clicks
    }
    assert (first.inserted, again.inserted, again.skipped_duplicates) == (
        len(clicks),
        0,
        len(clicks) // 2,
    )


def test_rejected_records_are_kept_once_per_stream_and_bytes(dynamodb_env: str) -> None:
    at = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    bad = RejectedRecord("telemetry", "Invalid JSON: x", b"{not json\n", rejected_at=at)
    other = RejectedRecord("clickstream", "Expected `int`", b'{"click_count": 0}\n', "e-1", at)
    with db.opened() as store:
        first = store.load_rejected([bad, other, bad])
        again = store.load_rejected([other])

    stored = sorted(db.scan(db.names().rejected), key=lambda r: r["stream"])
    assert stored == [
        {
            "reject_id": other.reject_id,
            "stream": "clickstream",
            "reason": "Expected `int`",
            "raw": b'{"click_count": 0}\n',
            "event_id": "e-1",
            "rejected_at": "2026-11-27T08:30:00.000Z",
        },
        {
            "reject_id": bad.reject_id,
            "stream": "telemetry",
            "reason": "Invalid JSON: x",
            "raw": b"{not json\n",
            "rejected_at": "2026-11-27T08:30:00.000Z",
        },
    ]
    assert (first.inserted, first.skipped_duplicates) == (2, 1)
    assert (again.inserted, again.skipped_duplicates) == (0, 1)


def test_a_record_without_its_key_fields_is_an_input_error_naming_it(dynamodb_env: str) -> None:
    broken = telemetry(2)
    del broken["truck_id"]
    with pytest.raises(InputError, match=r"^telemetry record 2: truck_id is missing$"):
        db.load("telemetry", [telemetry(1), broken])
    late = telemetry(3) | {"event_ts": "2026-11-27 08:00"}
    with pytest.raises(InputError, match="record 1: event_ts '2026-11-27 08:00' is not"):
        db.load("telemetry", [late])


def test_missing_tables_are_one_clear_error(aws_env: pytest.MonkeyPatch, moto_url: str) -> None:
    aws_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_url)
    aws_env.setenv("FLEETCTL_STORE", "dynamodb")
    aws_env.setenv("FLEETCTL_DYNAMODB_TABLE_PREFIX", "never-created-")
    with pytest.raises(StoreError) as raised:
        db.load("telemetry", [telemetry(1)])
    assert str(raised.value) == (
        "DynamoDB table never-created-telemetry does not exist: "
        "run `fleetctl db create-tables --store dynamodb`"
    )


def test_floats_keep_their_value_through_decimal(dynamodb_env: str) -> None:
    record = telemetry(7)
    record["gps"] |= {"lat": 0.1 + 0.2, "lon": -1e-07, "alt_m": 123456.789012345}
    db.load("telemetry", [record])
    (stored,) = db.stored_records(db.names().telemetry)
    assert stored["gps"] == record["gps"]
    assert isinstance(stored["gps"]["lat"], float)


def test_later_minutes_for_one_truck_never_overwrite_each_other(dynamodb_env: str) -> None:
    same_minute = [telemetry(0), telemetry(0) | {"event_id": "0e7c-second-reading"}]
    start = datetime.strptime(same_minute[0]["event_ts"], db.FORMAT)
    later = telemetry(0) | {
        "event_id": "x",
        "event_ts": (start + timedelta(minutes=1)).strftime(db.FORMAT),
    }
    db.load("telemetry", [*same_minute, later])
    assert len(db.scan(db.names().telemetry)) == 3
