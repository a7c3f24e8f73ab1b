"""SCD2 build speed in the embedded warehouse: a full rebuild of CORE.DIM_TRUCK over a day of a
fleet (default 10,000 trucks x 1,440 minutes = 14.4M events), next to a plain `SELECT COUNT(*)`
of the same table measured in the same run (DuckDB answers it from metadata, so a scan that reads
every column the build reads is measured too); then the incremental build of one new hour.

    python -m benchmarks.bench_scd2 [--trucks 10000] [--minutes 1440] [--repeats 3]

The events are written straight into the DuckDB file (setup, not measured); every measured
statement goes through fleetctl's warehouse layer and fakesnow, as `fleetctl backfill` runs it.
Drivers change with two shifts a day, brakes wear on some trucks, a few trucks change depot.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fleetctl.config import load_settings
from fleetctl.scd2.rules import DEFAULT_TRACKED
from fleetctl.warehouse import dimension_build as engine
from fleetctl.warehouse import migrations, open_warehouse
from fleetctl.warehouse.dimension_checks import run_checks

# one row per truck and minute; `minute` counts from midnight of 2026-11-27
EVENTS = """
INSERT INTO RAW.TRUCK_TELEMETRY (EVENT_ID, SCHEMA_VERSION, TRUCK_ID, EVENT_TS, DRIVER_ID, DEPOT_ID,
    BRAKE_STATUS, TRANSMISSION_STATUS, LOAD_ID, LOADED_AT)
SELECT
    md5(truck || ':' || minute),
    1,
    'TRK-' || lpad(truck::VARCHAR, 5, '0'),
    TIMESTAMP '2026-11-27 00:00:00' + to_minutes(minute),
    CASE WHEN (minute + truck) % 1440 < 360 THEN NULL  -- parked overnight
         ELSE 'DRV-' || ((truck * 2 + (minute + truck) % 1440 // 720) % 20000)::VARCHAR
    END,
    'DEP-' || (truck % 10 + CASE WHEN truck % 50 = 0 AND minute > 720 THEN 1 ELSE 0 END)::VARCHAR,
    CASE WHEN truck % 7 = 0 AND minute > 600 + truck % 300 THEN 'WORN' ELSE 'OK' END,
    'OK',
    'hour-' || (minute // 60),
    TIMESTAMP '2026-11-28 00:00:00'
FROM (SELECT range % {trucks} AS truck, range // {trucks} AS minute FROM range({first}, {last}))
"""


COUNT = "SELECT COUNT(*) FROM RAW.TRUCK_TELEMETRY"
SCAN = (
    "SELECT COUNT(*), MAX(TRUCK_ID), MAX(EVENT_TS), MAX(EVENT_ID), MAX(DRIVER_ID), MAX(DEPOT_ID),"
    " MAX(BRAKE_STATUS), MAX(TRANSMISSION_STATUS) FROM RAW.TRUCK_TELEMETRY"
)


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def insert_events(home: Path, trucks: int, first_minute: int, last_minute: int) -> None:
    import duckdb

    with duckdb.connect(str(home / "warehouse" / "FLEET.db")) as db:
        db.execute(
            EVENTS.format(trucks=trucks, first=first_minute * trucks, last=last_minute * trucks)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trucks", type=int, default=10_000)
    parser.add_argument("--minutes", type=int, default=1440)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    history_minutes = args.minutes - 60  # the last hour arrives later, incrementally

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        settings = load_settings(environ={"FLEETCTL_HOME": str(home)})
        with open_warehouse(settings) as wh:
            migrations.apply(wh)
        insert_events(home, args.trucks, 0, history_minutes)
        history = args.trucks * history_minutes

        with open_warehouse(settings) as wh:
            count_s = median_seconds(lambda: wh.run(COUNT).fetchone(), args.repeats)
            scan_s = median_seconds(lambda: wh.run(SCAN).fetchone(), args.repeats)

            def rebuild() -> None:
                wh.run("DELETE FROM CORE.DIM_TRUCK")
                engine.build(wh, DEFAULT_TRACKED, full=True)

            full_s = median_seconds(rebuild, args.repeats)
            versions = wh.run("SELECT COUNT(*) FROM CORE.DIM_TRUCK").fetchone()[0]

        insert_events(home, args.trucks, history_minutes, args.minutes)
        with open_warehouse(settings) as wh:
            started = time.perf_counter()
            result = engine.build(wh, DEFAULT_TRACKED)
            hour_s = time.perf_counter() - started
            failed = [c.name for c in run_checks(wh, DEFAULT_TRACKED) if not c.ok]

    print(f"events in RAW                 {history:>14,}  ({args.trucks:,} trucks)")
    print(f"SELECT COUNT(*)               {count_s:>12.3f} s  {history / count_s:>14,.0f} events/s")
    print(f"scan of the tracked columns   {scan_s:>12.3f} s  {history / scan_s:>14,.0f} events/s")
    print(f"full rebuild                  {full_s:>12.2f} s  {history / full_s:>14,.0f} events/s")
    print(f"  versions built              {versions:>14,}")
    print(f"  ratio rebuild / COUNT(*)    {full_s / count_s:>14.1f}x")
    print(f"  ratio rebuild / column scan {full_s / scan_s:>14.1f}x")
    new = args.trucks * 60
    print(
        f"incremental: one new hour     {hour_s:>12.2f} s  {new / hour_s:>14,.0f} events/s "
        f"({new:,} events, {result.trucks:,} trucks, {result.total('added'):,} versions added)"
    )
    print(f"  ratio full / incremental    {full_s / hour_s:>14.1f}x")
    verdict = "all pass" if not failed else "FAILED: " + ", ".join(failed)
    print(f"integrity checks              {verdict}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
