"""Loads into the embedded warehouse: typed columns, VARIANTs, idempotence, enrichment."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from fleetctl.config import load_settings
from fleetctl.core import LoadResult, RejectedRecord
from fleetctl.errors import InputError, WarehouseError
from fleetctl.warehouse import Warehouse, loading, migrations, open_warehouse
from tests.warehouse_records import (
    alert,
    clicks_per_minute,
    clickstream,
    expected_clicks_per_minute,
    telemetry,
)

FACTORIES = {"telemetry": telemetry, "clickstream": clickstream}
TABLES = (
    "RAW.TRUCK_TELEMETRY",
    "RAW.CLICKSTREAM",
    "CORE.MAINTENANCE_ALERTS",
    "CORE.ITEM_CLICKS_MINUTE",
)
LOAD_COLUMNS = {"LOAD_ID", "LOADED_AT", "UPDATED_AT"}  # differ between two loads of equal data


def rows(wh: Warehouse, table: str, order_by: str = "1, 2") -> list[dict[str, Any]]:
    return wh.query(f"SELECT * FROM {table} ORDER BY {order_by}")


def contents(wh: Warehouse) -> dict[str, list[dict[str, Any]]]:
    """Every loaded table, without the columns that only say when and by which load."""
    return {
        table: [{k: v for k, v in row.items() if k not in LOAD_COLUMNS} for row in rows(wh, table)]
        for table in TABLES
    }


def expected_telemetry_row(r: dict[str, Any]) -> dict[str, Any]:
    """Written out by hand, not from the mapping, so a field mapped to the wrong column fails."""
    gps, engine, health, env = r["gps"], r["engine"], r["health"], r["environment"]
    tires = health["tire_pressure_kpa"]
    return {
        "EVENT_ID": r["event_id"],
        "SCHEMA_VERSION": 1,
        "TRUCK_ID": r["truck_id"],
        "EVENT_TS": datetime.strptime(r["event_ts"], "%Y-%m-%dT%H:%M:%SZ"),
        "DRIVER_ID": r["driver_id"],
        "DEPOT_ID": r["depot_id"],
        "GPS_LAT": gps["lat"],
        "GPS_LON": gps["lon"],
        "GPS_ALT_M": gps["alt_m"],
        "GPS_SPEED_KMH": gps["speed_kmh"],
        "GPS_HEADING_DEG": gps["heading_deg"],
        "VEHICLE_SPEED_KMH": r["vehicle_speed_kmh"],
        "ENGINE_RPM": engine["rpm"],
        "ENGINE_FUEL_LEVEL_PCT": engine["fuel_level_pct"],
        "ENGINE_COOLANT_TEMP_C": engine["coolant_temp_c"],
        "ENGINE_OIL_PRESSURE_KPA": engine["oil_pressure_kpa"],
        "ENGINE_BATTERY_VOLTAGE_V": engine["battery_voltage_v"],
        "ODOMETER_KM": r["odometer_km"],
        "FUEL_RATE_LPH": r["fuel_rate_lph"],
        "BRAKE_STATUS": health["brake_status"],
        "TRANSMISSION_STATUS": health["transmission_status"],
        "TIRE_PRESSURE_FL_KPA": tires["fl"],
        "TIRE_PRESSURE_FR_KPA": tires["fr"],
        "TIRE_PRESSURE_RL_KPA": tires["rl"],
        "TIRE_PRESSURE_RR_KPA": tires["rr"],
        "ENVIRONMENT_TEMP_C": env["temp_c"],
        "ENVIRONMENT_HUMIDITY_PCT": env["humidity_pct"],
        "ENVIRONMENT_PRESSURE_HPA": env["pressure_hpa"],
    }


def expected_clickstream_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "EVENT_ID": r["event_id"],
        "SCHEMA_VERSION": 1,
        "EVENT_TS": datetime.strptime(r["event_ts"], "%Y-%m-%dT%H:%M:%SZ"),
        "SESSION_ID": r["session_id"],
        "USER_ID": r["user_id"],
        "ITEM_ID": r["item_id"],
        "ITEM_NAME": r["item_name"],
        "CATEGORY": r["category"],
        "CLICK_COUNT": r["click_count"],
        "PAGE": r["page"],
        "DEVICE": r["device"],
    }


@pytest.mark.parametrize(
    ("stream", "table", "expected_row"),
    [
        ("telemetry", "RAW.TRUCK_TELEMETRY", expected_telemetry_row),
        ("clickstream", "RAW.CLICKSTREAM", expected_clickstream_row),
    ],
)
def test_typed_columns_equal_the_source_values(
    warehouse: Warehouse, stream: str, table: str, expected_row: Any
) -> None:
    records = [FACTORIES[stream](n) for n in range(40)]
    result = loading.load_records(warehouse, stream, records)
    typed = [
        {k: v for k, v in row.items() if k not in {"RECORD", "DERIVED", *LOAD_COLUMNS}}
        for row in rows(warehouse, table, order_by="EVENT_ID")
    ]
    assert (result.inserted, result.skipped_duplicates) == (40, 0)
    assert typed == sorted((expected_row(r) for r in records), key=lambda r: r["EVENT_ID"])


def test_record_and_derived_are_variants_queryable_by_path(warehouse: Warehouse) -> None:
    records = [telemetry(n) for n in range(12)]
    loading.load_records(warehouse, "telemetry", records)
    found = warehouse.query(
        "SELECT EVENT_ID, RECORD:gps.lat::float AS LAT, "
        "RECORD:health.tire_pressure_kpa.rr::float AS RR, "
        "RECORD:health.brake_status::varchar AS BRAKES, "
        "DERIVED:fuel_used_l::float AS FUEL, RECORD, DERIVED "
        "FROM RAW.TRUCK_TELEMETRY ORDER BY EVENT_ID"
    )
    by_id = {r["event_id"]: r for r in records}
    assert len(found) == 12
    for row in found:
        record = by_id[row["EVENT_ID"]]
        assert row["LAT"] == record["gps"]["lat"]
        assert row["RR"] == record["health"]["tire_pressure_kpa"]["rr"]
        assert row["BRAKES"] == record["health"]["brake_status"]
        assert row["FUEL"] == record["derived"]["fuel_used_l"]
        assert row["RECORD"] == {k: v for k, v in record.items() if k != "derived"}
        assert row["DERIVED"] == record["derived"]


def test_the_same_batch_twice_changes_nothing(warehouse: Warehouse) -> None:
    batch = [telemetry(n, alerts=[alert("BRAKE_WORN")] if n % 4 == 0 else []) for n in range(30)]
    clicks = [clickstream(n) for n in range(30)]
    first = loading.load_records(warehouse, "telemetry", batch)
    loading.load_records(warehouse, "clickstream", clicks)
    before = contents(warehouse)
    again = loading.load_records(warehouse, "telemetry", batch)
    clicks_again = loading.load_records(warehouse, "clickstream", clicks)
    assert first == LoadResult(30, 0, {"CORE.MAINTENANCE_ALERTS": 8})
    assert again == LoadResult(0, 30, {"CORE.MAINTENANCE_ALERTS": 0})
    assert clicks_again == LoadResult(0, 30, {"CORE.ITEM_CLICKS_MINUTE": 0})
    assert contents(warehouse) == before


def test_overlapping_batches_hold_each_event_once(warehouse: Warehouse) -> None:
    first = loading.load_records(warehouse, "telemetry", [telemetry(n) for n in range(0, 60)])
    second = loading.load_records(warehouse, "telemetry", [telemetry(n) for n in range(30, 90)])
    ids = [r["EVENT_ID"] for r in warehouse.query("SELECT EVENT_ID FROM RAW.TRUCK_TELEMETRY")]
    assert (first.inserted, second.inserted, second.skipped_duplicates) == (60, 30, 30)
    assert sorted(ids) == sorted(telemetry(n)["event_id"] for n in range(90))


def test_a_repeat_within_a_batch_keeps_the_first_copy(warehouse: Warehouse) -> None:
    original = telemetry(5)
    altered = telemetry(5, odometer_km=1.0)
    result = loading.load_records(warehouse, "telemetry", [original, telemetry(6), altered])
    kept = warehouse.query(
        "SELECT ODOMETER_KM FROM RAW.TRUCK_TELEMETRY WHERE EVENT_ID = %s", (original["event_id"],)
    )
    assert (result.inserted, result.skipped_duplicates) == (2, 1)
    assert kept == [{"ODOMETER_KM": original["odometer_km"]}]


def test_loading_in_small_chunks_gives_the_same_tables(tmp_path: Path, home: Path) -> None:
    telemetry_batch = [
        telemetry(n, alerts=[alert("OIL_PRESSURE_LOW")] * (n % 2)) for n in range(23)
    ]
    clicks = [clickstream(n) for n in range(23)]
    tables = []
    for batch_rows in ("1000", "7"):
        env = {"FLEETCTL_HOME": str(tmp_path / batch_rows)}
        env["FLEETCTL_WAREHOUSE_LOAD_BATCH_ROWS"] = batch_rows
        with open_warehouse(load_settings(environ=env)) as wh:
            migrations.apply(wh)
            result = loading.load_records(wh, "telemetry", telemetry_batch + telemetry_batch[:9])
            loading.load_records(wh, "clickstream", clicks)
            tables.append(contents(wh))
        assert (result.inserted, result.skipped_duplicates) == (23, 9)
    assert tables[0] == tables[1]
    assert len(tables[0]["CORE.MAINTENANCE_ALERTS"]) == 11


def test_alerts_land_once_per_reading_and_code(warehouse: Warehouse) -> None:
    records = [
        telemetry(0, alerts=[alert("BRAKE_FAULT", "critical", brake_status="FAULT")]),
        telemetry(
            1,
            alerts=[
                alert("OIL_PRESSURE_LOW", "warning", oil_pressure_kpa=95.0, rpm=900.0),
                alert("TIRE_PRESSURE_LOW", "critical", fl_kpa=560.0),
                alert("OIL_PRESSURE_LOW", "critical", oil_pressure_kpa=60.0, rpm=900.0),
            ],
        ),
        telemetry(2),
    ]
    loading.load_records(warehouse, "telemetry", records)
    loading.load_records(warehouse, "telemetry", records[1:])
    found = warehouse.query(
        "SELECT EVENT_ID, CODE, TRUCK_ID, EVENT_TS, SEVERITY, MESSAGE, READINGS "
        "FROM CORE.MAINTENANCE_ALERTS ORDER BY EVENT_ID, CODE"
    )
    expected = []
    for record in records:
        first_of_code: dict[str, dict[str, Any]] = {}
        for a in record["derived"]["alerts"]:
            first_of_code.setdefault(a["code"], a)
        expected += [
            {
                "EVENT_ID": record["event_id"],
                "CODE": a["code"],
                "TRUCK_ID": record["truck_id"],
                "EVENT_TS": datetime.strptime(record["event_ts"], "%Y-%m-%dT%H:%M:%SZ"),
                "SEVERITY": a["severity"],
                "MESSAGE": a["message"],
                "READINGS": a["readings"],
            }
            for a in first_of_code.values()
        ]
    assert found == sorted(expected, key=lambda r: (r["EVENT_ID"], r["CODE"]))


def test_clicks_per_minute_stay_exact_across_split_and_replayed_batches(
    warehouse: Warehouse,
) -> None:
    records = [clickstream(n) for n in range(60)]
    loading.load_records(warehouse, "clickstream", records[:40])
    assert clicks_per_minute(warehouse) == expected_clicks_per_minute(records[:40])
    # the second batch completes minutes the first one started, and replays part of it
    loading.load_records(warehouse, "clickstream", records[20:] + records[:10])
    assert clicks_per_minute(warehouse) == expected_clicks_per_minute(records)


def test_rejected_records_keep_their_bytes_and_land_once(warehouse: Warehouse) -> None:
    garbage = b"\xff\xfe not json \x00"
    rejected = [
        RejectedRecord("telemetry", "Invalid JSON: unexpected byte", garbage),
        RejectedRecord("telemetry", "Invalid JSON: unexpected byte", garbage),
        RejectedRecord("clickstream", "Invalid JSON: unexpected byte", garbage),
        RejectedRecord(
            "clickstream", "Expected `int` >= 1 - at `$.click_count`", b'{"x": 1}', "e-1"
        ),
    ]
    first = loading.load_rejected(warehouse, rejected)
    again = loading.load_rejected(warehouse, rejected[:1])
    found = rows(warehouse, "RAW.REJECTED", order_by="STREAM, REASON")
    assert (first.inserted, first.skipped_duplicates) == (3, 1)
    assert (again.inserted, again.skipped_duplicates) == (0, 1)
    assert [(r["STREAM"], r["RAW"], r["EVENT_ID"]) for r in found] == [
        ("clickstream", b'{"x": 1}', "e-1"),
        ("clickstream", garbage, None),
        ("telemetry", garbage, None),
    ]
    assert found[2]["REJECT_ID"] == hashlib.sha256(b"telemetry\0" + garbage).hexdigest()


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            [telemetry(1), telemetry(2, gps={"lat": "north", "lon": 1.0})],
            rf"telemetry event {telemetry(2)['event_id']}: gps\.lat is not a number: 'north'",
        ),
        ([telemetry(3, health="fine")], "health is not an object"),
        ([telemetry(4), {"truck_id": "TRK-1"}], "telemetry record 2: event_id is missing"),
        ([telemetry(5, truck_id=None)], "truck_id is missing"),
        (
            [telemetry(6, event_ts="2026-02-30T00:00:00Z")],
            "event_ts '2026-02-30T00:00:00Z' is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ",
        ),
        ([telemetry(7, schema_version="1")], "schema_version is not an integer"),
        ([telemetry(8), "not a record"], "telemetry record 2: not an object"),
    ],
)
def test_bad_records_are_refused_naming_record_and_field_and_nothing_lands(
    warehouse: Warehouse, records: list[Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        loading.load_records(warehouse, "telemetry", records)
    assert warehouse.query("SELECT COUNT(*) AS N FROM RAW.TRUCK_TELEMETRY") == [{"N": 0}]


def test_unknown_stream_is_refused(warehouse: Warehouse) -> None:
    with pytest.raises(InputError, match="unknown stream 'orders'"):
        loading.load_records(warehouse, "orders", [telemetry(1)])


def test_loads_leave_the_staging_tables_empty(warehouse: Warehouse) -> None:
    loading.load_records(warehouse, "telemetry", [telemetry(n) for n in range(5)])
    loading.load_records(warehouse, "clickstream", [clickstream(n) for n in range(5)])
    loading.load_rejected(warehouse, [RejectedRecord("telemetry", "bad", b"x")])
    staged = {t.name: t.rows for t in migrations.status(warehouse).tables if t.schema == "STAGE"}
    assert staged == {"CLICKSTREAM": 0, "REJECTED": 0, "RUN_EVENT_IDS": 0, "TRUCK_TELEMETRY": 0}


def test_an_empty_batch_is_a_no_op(warehouse: Warehouse) -> None:
    assert loading.load_records(warehouse, "clickstream", []) == LoadResult()
    assert loading.load_rejected(warehouse, []) == LoadResult()


def test_loading_before_migrate_says_what_to_do(home: Path) -> None:
    with (
        open_warehouse(load_settings()) as wh,
        pytest.raises(WarehouseError, match=r"run `fleetctl db migrate` first"),
    ):
        loading.load_records(wh, "telemetry", [telemetry(1)])
