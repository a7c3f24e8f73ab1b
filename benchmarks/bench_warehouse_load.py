"""Rows/s loading transformed telemetry into the embedded warehouse: fleetctl's bulk path (Arrow ->
Parquet -> PUT + COPY INTO a staging table -> MERGE on event_id) against a row-at-a-time baseline
(`cursor.executemany` of one INSERT per record, what a naive loader does), in the same run.

Every round loads into a fresh warehouse under a temporary FLEETCTL_HOME; rounds alternate
between the two so that load from other processes on this shared machine hits both alike, and
each figure is the median over rounds. The baseline binds and runs one statement per record, so
it loads a sample only and its rate is extrapolated; the output says so.
Run from the repository root: python -m benchmarks.bench_warehouse_load [--records N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fleetctl.config import load_settings
from fleetctl.warehouse import Warehouse, loading, migrations, open_warehouse
from fleetctl.warehouse.mapping import TELEMETRY

TARGET_RATIO = 10.0  # the bulk path must load at least this many times faster
START = datetime(2026, 11, 27, tzinfo=UTC)
TRUCKS = 1_000


def telemetry_records(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """`count` transformed readings: TRUCKS trucks, one per minute each, 1 in 50 with an alert."""
    rng = random.Random(seed)
    records = []
    for n in range(count):
        truck, minute = n % TRUCKS, n // TRUCKS
        speed = rng.uniform(0, 95)
        brake = "WORN" if rng.random() < 0.02 else "OK"
        records.append(
            {
                "schema_version": 1,
                "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "truck_id": f"TRK-{truck:05d}",
                "event_ts": (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "driver_id": f"DRV-{truck:05d}" if truck % 9 else None,
                "depot_id": f"DEP-{truck % 12:02d}",
                "gps": {
                    "lat": round(48 + rng.random(), 6),
                    "lon": round(11 + rng.random(), 6),
                    "alt_m": round(rng.uniform(400, 600), 1),
                    "speed_kmh": round(speed, 1),
                    "heading_deg": round(rng.uniform(0, 359.9), 1),
                },
                "vehicle_speed_kmh": round(speed, 1),
                "engine": {
                    "rpm": round(650 + speed * 14, 1),
                    "fuel_level_pct": round(rng.uniform(5, 100), 1),
                    "coolant_temp_c": round(rng.uniform(80, 104), 1),
                    "oil_pressure_kpa": round(rng.uniform(250, 400), 1),
                    "battery_voltage_v": round(rng.uniform(24.5, 28.4), 2),
                },
                "odometer_km": round(150_000 + truck * 97 + minute * speed / 60, 2),
                "fuel_rate_lph": round(2.5 + speed * 0.35, 2),
                "health": {
                    "brake_status": brake,
                    "transmission_status": "OK",
                    "tire_pressure_kpa": {
                        t: round(rng.uniform(700, 800), 1) for t in ("fl", "fr", "rl", "rr")
                    },
                },
                "environment": {"temp_c": 4.5, "humidity_pct": 81.0, "pressure_hpa": 1012.5},
                "derived": {
                    "fuel_used_l": round((2.5 + speed * 0.35) / 60, 4),
                    "distance_km": round(speed / 60, 4),
                    "co2_kg": round((2.5 + speed * 0.35) / 60 * 2.68, 4),
                    "idling": speed < 1,
                    "alerts": [
                        {
                            "code": "BRAKE_WORN",
                            "severity": "warning",
                            "message": "brake pads worn",
                            "readings": {"brake_status": brake},
                        }
                    ]
                    if brake == "WORN"
                    else [],
                },
            }
        )
    return records


def bulk(wh: Warehouse, records: list[dict[str, Any]]) -> int:
    return loading.load_records(wh, "telemetry", records).inserted


def row_at_a_time(wh: Warehouse, records: list[dict[str, Any]]) -> int:
    """One INSERT per record through executemany, values bound, documents parsed by the server."""
    import orjson

    names = [c.name for c in TELEMETRY.columns]
    placeholders = ", ".join(
        "%s::TIMESTAMP_NTZ" if c.sql_type == "TIMESTAMP_NTZ" else "%s" for c in TELEMETRY.columns
    )
    columns = ", ".join([*names, "RECORD", "DERIVED", "LOAD_ID", "LOADED_AT"])
    insert = (
        f"INSERT INTO RAW.TRUCK_TELEMETRY ({columns}) "
        f"SELECT {placeholders}, PARSE_JSON(%s), PARSE_JSON(%s), %s, CURRENT_TIMESTAMP()"
    )
    rows = []
    for record in records:
        values = []
        for column in TELEMETRY.columns:
            value: Any = record
            for key in column.path:
                value = value[key]
            values.append(value)
        document = orjson.dumps({k: v for k, v in record.items() if k != "derived"}).decode()
        rows.append((*values, document, orjson.dumps(record["derived"]).decode(), "baseline"))
    cursor = wh.connection.cursor()
    cursor.executemany(insert, rows)
    return len(rows)


def timed_round(load: Callable[[Warehouse, list[dict[str, Any]]], int], records: list) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-warehouse-") as home:
        settings = load_settings(environ={"FLEETCTL_HOME": home})
        with open_warehouse(settings) as wh:
            migrations.apply(wh)
            started = time.perf_counter()
            loaded = load(wh, records)
            seconds = time.perf_counter() - started
            (count,) = wh.run("SELECT COUNT(*) FROM RAW.TRUCK_TELEMETRY").fetchone()
    assert loaded == count == len(records), (loaded, count, len(records))
    return seconds


def replay_seconds(records: list[dict[str, Any]]) -> float:
    """Loading the same records a second time: every row is a duplicate the MERGE skips."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-warehouse-") as home,
        open_warehouse(load_settings(environ={"FLEETCTL_HOME": home})) as wh,
    ):
        migrations.apply(wh)
        loading.load_records(wh, "telemetry", records)
        started = time.perf_counter()
        result = loading.load_records(wh, "telemetry", records)
        seconds = time.perf_counter() - started
    assert (result.inserted, result.skipped_duplicates) == (0, len(records))
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records per bulk load")
    parser.add_argument("--sample", type=int, default=2_000, help="records per baseline load")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    records = telemetry_records(args.records)
    sample = records[: args.sample]
    print(f"generated {len(records):,} telemetry records in {time.perf_counter() - started:.1f} s")

    timings: dict[str, list[float]] = {"bulk": [], "baseline": []}
    for round_ in range(args.repeats):
        timings["bulk"].append(timed_round(bulk, records))
        timings["baseline"].append(timed_round(row_at_a_time, sample))
        print(
            f"round {round_ + 1}: bulk {timings['bulk'][-1]:.2f} s, "
            f"baseline {timings['baseline'][-1]:.2f} s"
        )
    bulk_s = statistics.median(timings["bulk"])
    base_s = statistics.median(timings["baseline"])
    bulk_rate, base_rate = len(records) / bulk_s, len(sample) / base_s
    replay_s = replay_seconds(records)
    ratio = bulk_rate / base_rate

    print(f"embedded warehouse, median of {args.repeats} rounds, each into a fresh warehouse")
    print(
        f"bulk (COPY + MERGE)    {bulk_rate:12,.0f} rows/s  ({len(records):,} rows, {bulk_s:.2f} s)"
    )
    print(
        f"row-at-a-time baseline {base_rate:12,.0f} rows/s  ({len(sample):,}-row sample in "
        f"{base_s:.2f} s; {len(records):,} rows would take ~{len(records) / base_rate:,.0f} s)"
    )
    print(f"replay, all {len(records):,} rows skipped {len(records) / replay_s:12,.0f} rows/s")
    verdict = "within" if ratio >= TARGET_RATIO else "OUTSIDE"
    print(f"speed-up {ratio:,.1f}x: {verdict} the {TARGET_RATIO:.0f}x target")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
