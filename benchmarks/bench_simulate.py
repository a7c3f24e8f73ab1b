"""Telemetry generation speed: records/s generated and serialized, against a naive Faker baseline.

The baseline is how such generators are usually first written: one Faker call per field (random
values, no state) and ``json.dumps`` per record, same record shape. The simulator is measured
twice: in the busy hour (09:00 local, most trucks driving, the costliest minutes) and over a
whole day of a smaller fleet (nights parked, the usual mix). Everything runs on one core in the
same process, interleaved; each figure is the median of several repeats.

    python benchmarks/bench_simulate.py [--trucks 1000] [--minutes 60] [--day-trucks 100]
"""

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulators import TelemetrySimulator

BUSY_START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 local
DAY_START = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
STATUSES = ("OK", "WORN", "FAULT")
GEARBOX = ("OK", "SLIPPING", "FAULT")


def naive_record(fake: Faker) -> dict:
    return {
        "schema_version": 1,
        "event_id": fake.uuid4(),
        "truck_id": fake.bothify("TRK-#####"),
        "event_ts": fake.date_time_this_year().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "driver_id": fake.bothify("DRV-####"),
        "depot_id": fake.bothify("DEP-##"),
        "gps": {
            "lat": float(fake.latitude()),
            "lon": float(fake.longitude()),
            "alt_m": fake.pyfloat(right_digits=1, min_value=0, max_value=600),
            "speed_kmh": fake.pyfloat(right_digits=1, min_value=0, max_value=90),
            "heading_deg": fake.pyfloat(right_digits=1, min_value=0, max_value=359),
        },
        "vehicle_speed_kmh": fake.pyfloat(right_digits=1, min_value=0, max_value=90),
        "engine": {
            "rpm": fake.random_int(0, 2000),
            "fuel_level_pct": fake.pyfloat(right_digits=2, min_value=0, max_value=100),
            "coolant_temp_c": fake.pyfloat(right_digits=1, min_value=-10, max_value=110),
            "oil_pressure_kpa": fake.pyfloat(right_digits=1, min_value=0, max_value=500),
            "battery_voltage_v": fake.pyfloat(right_digits=2, min_value=12, max_value=15),
        },
        "odometer_km": fake.pyfloat(right_digits=3, min_value=0, max_value=900_000),
        "fuel_rate_lph": fake.pyfloat(right_digits=2, min_value=0, max_value=80),
        "health": {
            "brake_status": fake.random_element(STATUSES),
            "transmission_status": fake.random_element(GEARBOX),
            "tire_pressure_kpa": {
                wheel: fake.pyfloat(right_digits=1, min_value=700, max_value=950)
                for wheel in ("fl", "fr", "rl", "rr")
            },
        },
        "environment": {
            "temp_c": fake.pyfloat(right_digits=1, min_value=-20, max_value=40),
            "humidity_pct": fake.pyfloat(right_digits=1, min_value=20, max_value=100),
            "pressure_hpa": fake.pyfloat(right_digits=1, min_value=900, max_value=1050),
        },
    }


def naive_rate(records: int) -> float:
    fake = Faker()
    fake.seed_instance(1)
    began = time.perf_counter()
    for _ in range(records):
        json.dumps(naive_record(fake)).encode()
    return records / (time.perf_counter() - began)


def simulator_rate(start: datetime, trucks: int, minutes: int) -> float:
    began = time.perf_counter()
    simulator = TelemetrySimulator(seed=1, start=start, trucks=trucks)
    dumps = orjson.dumps
    for _ in range(minutes):
        for record in simulator.next_minute():
            dumps(record)
    return trucks * minutes / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trucks", type=int, default=1000)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--day-trucks", type=int, default=100)
    parser.add_argument("--naive-records", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    busy, day, naive = [], [], []
    for _ in range(args.repeats):  # interleaved so all three see the same machine load
        busy.append(simulator_rate(BUSY_START, args.trucks, args.minutes))
        day.append(simulator_rate(DAY_START, args.day_trucks, 1440))
        naive.append(naive_rate(args.naive_records))
    naive_rate_median = statistics.median(naive)
    rows = [
        (f"simulator, busy hour ({args.trucks} trucks x {args.minutes} min)", busy),
        (f"simulator, whole day ({args.day_trucks} trucks x 1440 min)", day),
        ("naive baseline (Faker call per field, json.dumps)", naive),
    ]
    print(f"records/s generated + serialized on one core, median of {args.repeats}:")
    for label, rates in rows:
        ratio = statistics.median(rates) / naive_rate_median
        print(f"  {label:<52} {statistics.median(rates):>10,.0f}  {ratio:5.1f}x")
    print("  target: >= 20x the naive baseline")


if __name__ == "__main__":
    main()
