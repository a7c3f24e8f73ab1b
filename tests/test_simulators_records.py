"""Shape of the simulators' records: the schema_version 1 contract, field order, types, ranges."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from simulators import ClickstreamSimulator, TelemetrySimulator, build_catalog

START = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 05:00 local: night, then the early shift
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

TELEMETRY_FIELDS = [
    "schema_version", "event_id", "truck_id", "event_ts", "driver_id", "depot_id", "gps",
    "vehicle_speed_kmh", "engine", "odometer_km", "fuel_rate_lph", "health", "environment",
]  # fmt: skip
GPS_FIELDS = ["lat", "lon", "alt_m", "speed_kmh", "heading_deg"]
ENGINE_FIELDS = [
    "rpm", "fuel_level_pct", "coolant_temp_c", "oil_pressure_kpa", "battery_voltage_v",
]  # fmt: skip
HEALTH_FIELDS = ["brake_status", "transmission_status", "tire_pressure_kpa"]
TIRE_FIELDS = ["fl", "fr", "rl", "rr"]
ENVIRONMENT_FIELDS = ["temp_c", "humidity_pct", "pressure_hpa"]
CLICK_FIELDS = [
    "schema_version", "event_id", "event_ts", "session_id", "user_id", "item_id", "item_name",
    "category", "click_count", "page", "device",
]  # fmt: skip


@pytest.fixture(scope="module")
def telemetry() -> list[list[dict]]:
    simulator = TelemetrySimulator(seed=11, start=START, trucks=12)
    return [simulator.next_minute() for _ in range(240)]


@pytest.fixture(scope="module")
def clicks() -> list[list[dict]]:
    simulator = ClickstreamSimulator(seed=11, start=START, clicks_per_minute=30)
    return [simulator.next_minute() for _ in range(240)]


def decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def test_telemetry_fields_come_in_contract_order(telemetry):
    for record in telemetry[0] + telemetry[-1]:
        assert list(record) == TELEMETRY_FIELDS
        assert list(record["gps"]) == GPS_FIELDS
        assert list(record["engine"]) == ENGINE_FIELDS
        assert list(record["health"]) == HEALTH_FIELDS
        assert list(record["health"]["tire_pressure_kpa"]) == TIRE_FIELDS
        assert list(record["environment"]) == ENVIRONMENT_FIELDS


def test_telemetry_values_have_contract_types_and_ranges(telemetry):
    for minute, records in enumerate(telemetry):
        expected_ts = (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert [r["truck_id"] for r in records] == [f"TRK-{i:05d}" for i in range(1, 13)]
        for r in records:
            assert r["schema_version"] == 1
            assert uuid.UUID(r["event_id"]).version == 8
            assert r["event_ts"] == expected_ts
            assert r["driver_id"] is None or re.fullmatch(r"DRV-\d{4}", r["driver_id"])
            assert re.fullmatch(r"DEP-\d{2}", r["depot_id"])
            gps, engine, health, env = r["gps"], r["engine"], r["health"], r["environment"]
            assert 47.0 < gps["lat"] < 55.5 and 5.5 < gps["lon"] < 15.5  # Germany
            assert 0.0 <= gps["alt_m"] < 1000.0
            assert 0.0 <= gps["speed_kmh"] < 100.0
            assert 0.0 <= gps["heading_deg"] < 360.0
            assert 0.0 <= r["vehicle_speed_kmh"] < 100.0
            assert isinstance(engine["rpm"], int) and 0 <= engine["rpm"] < 2500
            assert 0.0 <= engine["fuel_level_pct"] <= 100.0
            assert -30.0 < engine["coolant_temp_c"] < 125.0
            assert 0.0 <= engine["oil_pressure_kpa"] < 700.0
            assert 11.0 < engine["battery_voltage_v"] < 15.0
            assert r["odometer_km"] > 0 and 0.0 <= r["fuel_rate_lph"] < 120.0
            assert health["brake_status"] in {"OK", "WORN", "FAULT"}
            assert health["transmission_status"] in {"OK", "SLIPPING", "FAULT"}
            assert all(600.0 < p < 1000.0 for p in health["tire_pressure_kpa"].values())
            assert -30.0 < env["temp_c"] < 45.0 and 20.0 <= env["humidity_pct"] <= 100.0
            assert 850.0 < env["pressure_hpa"] < 1070.0


def leaves(record: dict, path: str = ""):
    for key, value in record.items():
        if isinstance(value, dict):
            yield from leaves(value, f"{path}{key}.")
        else:
            yield f"{path}{key}", value


def test_telemetry_measurements_are_floats_except_counts(telemetry):
    integers = {"schema_version", "engine.rpm"}
    strings = {"event_id", "truck_id", "event_ts", "driver_id", "depot_id"}
    for record in telemetry[0] + telemetry[-1]:
        for path, value in leaves(record):
            if path in integers:
                assert type(value) is int
            elif path.startswith("health.") and not path.startswith("health.tire"):
                assert type(value) is str
            elif path not in strings:
                assert type(value) is float, path


def test_telemetry_floats_are_rounded_for_compact_output(telemetry):
    limits = {"lat": 6, "lon": 6, "alt_m": 1, "speed_kmh": 1, "heading_deg": 1}
    for r in telemetry[-1]:
        assert all(decimals(r["gps"][k]) <= n for k, n in limits.items())
        assert decimals(r["odometer_km"]) <= 3 and decimals(r["fuel_rate_lph"]) <= 2
        assert all(decimals(v) <= 2 for v in r["engine"].values())
        assert all(decimals(v) <= 1 for v in r["health"]["tire_pressure_kpa"].values())
        assert all(decimals(v) <= 1 for v in r["environment"].values())
        assert len(orjson.dumps(r)) < 700


def test_click_fields_come_in_contract_order_with_contract_values(clicks):
    catalog = {item.item_id: item for item in build_catalog(11)}
    records = [r for minute in clicks for r in minute]
    assert records
    for r in records:
        assert list(r) == CLICK_FIELDS
        assert r["schema_version"] == 1
        assert uuid.UUID(r["event_id"]) and uuid.UUID(r["session_id"])
        assert TS.match(r["event_ts"])
        assert re.fullmatch(r"USR-\d{7}", r["user_id"])
        item = catalog[r["item_id"]]
        assert (r["item_name"], r["category"]) == (item.name, item.category)
        assert r["category"] in {"mobile_phones", "laptops", "cameras"}
        assert isinstance(r["click_count"], int) and r["click_count"] >= 1
        assert r["page"] in {"home", "search", "category", "product", "cart", "checkout"}
        assert r["device"] in {"desktop", "mobile", "tablet"}


def test_clicks_of_a_minute_are_in_event_ts_order_within_that_minute(clicks):
    for minute, records in enumerate(clicks):
        prefix = (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:")
        stamps = [r["event_ts"] for r in records]
        assert stamps == sorted(stamps)
        assert all(stamp.startswith(prefix) for stamp in stamps)


def test_empty_fleet_and_zero_rate_give_empty_minutes():
    assert TelemetrySimulator(seed=1, start=START, trucks=0).next_minute() == []
    quiet = ClickstreamSimulator(seed=1, start=START, clicks_per_minute=0)
    assert [quiet.next_minute() for _ in range(3)] == [[], [], []]


@pytest.mark.parametrize(
    "make",
    [
        lambda: TelemetrySimulator(seed=1, start=datetime(2026, 3, 2), trucks=1),
        lambda: TelemetrySimulator(seed=1, start=START, trucks=-1),
        lambda: TelemetrySimulator(seed=1, start=START, trucks=1, first_truck=-1),
        lambda: ClickstreamSimulator(seed=1, start=START, clicks_per_minute=-1.0),
        lambda: ClickstreamSimulator(seed=1, start=START, clicks_per_minute=float("nan")),
        lambda: build_catalog(1, size=2),
    ],
)
def test_invalid_arguments_are_rejected_with_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_start_seconds_are_truncated_to_the_minute():
    simulator = TelemetrySimulator(seed=1, start=START + timedelta(seconds=42), trucks=1)
    assert simulator.next_minute()[0]["event_ts"] == "2026-03-02T04:00:00Z"


def test_catalog_items_are_plausible_products_with_skewed_popularity():
    catalog = build_catalog(5, size=300)
    assert [item.item_id for item in catalog] == [f"SKU-{n:05d}" for n in range(1, 301)]
    assert len({item.name for item in catalog}) == 300
    price_ranges = {"mobile_phones": (150, 2000), "laptops": (500, 4000), "cameras": (350, 5000)}
    for category, (low, high) in price_ranges.items():
        items = [item for item in catalog if item.category == category]
        assert len(items) == 100
        assert all(low <= item.price_eur <= high for item in items)
        assert all(item.name.startswith(item.brand + " ") for item in items)
        assert len({item.brand for item in items}) >= 4
    assert all(f"{item.price_eur:.2f}".endswith("9.99") for item in catalog)
    assert sum(item.popularity for item in catalog) == pytest.approx(1.0)
    shares = sorted((item.popularity for item in catalog), reverse=True)
    assert sum(shares[:30]) > 0.4  # the top tenth of the catalog draws a large share
