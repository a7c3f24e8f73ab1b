"""`fleetctl sql` and `fleetctl db` on the embedded warehouse, through the public CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.warehouse import loading, migrations, open_warehouse
from tests.warehouse_records import alert, telemetry

LABELS = [m.label for m in migrations.available()]


@pytest.fixture
def loaded(home: Path) -> list[dict]:
    """A migrated embedded warehouse holding six telemetry readings, one with an alert."""
    records = [telemetry(n, alerts=[alert("BRAKE_WORN")] if n == 3 else []) for n in range(6)]
    with open_warehouse(load_settings()) as wh:
        migrations.apply(wh)
        loading.load_records(wh, "telemetry", records)
    return records


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_db_migrate_then_status_shows_tables_and_row_counts(cli) -> None:
    before = cli("db", "status")
    migrate = cli("db", "migrate")
    again = cli("db", "migrate")
    status = cli("db", "status")
    assert before.exit_code == 0
    assert f"pending: {', '.join(LABELS)}" in " ".join(before.stdout.split())
    assert migrate.exit_code == 0
    assert migrate.stdout.splitlines() == [f"applied {label}" for label in LABELS]
    assert again.stdout.strip() == "warehouse schema is up to date"
    assert "embedded warehouse FLEET" in status.stdout
    assert f"{len(LABELS)} applied (latest {LABELS[-1]}); pending: none" in status.stdout
    assert "RAW.TRUCK_TELEMETRY" in status.stdout and "CORE.DIM_TRUCK" in status.stdout


def test_db_status_json_counts_the_rows_of_every_table(cli, loaded, home: Path) -> None:
    result = cli("db", "status", "--json")
    document = json.loads(result.stdout)
    counts = {f"{t['schema']}.{t['table']}": t["rows"] for t in document["tables"]}
    assert result.exit_code == 0
    assert document["target"] == "embedded"
    assert document["location"] == str(home / "warehouse")
    assert document["migrations"]["pending"] == []
    assert [m["name"] for m in document["migrations"]["applied"]] == LABELS
    assert counts["RAW.TRUCK_TELEMETRY"] == 6
    assert counts["CORE.MAINTENANCE_ALERTS"] == 1
    assert counts["STAGE.TRUCK_TELEMETRY"] == 0


def test_sql_renders_a_table_of_the_rows(cli, loaded) -> None:
    result = cli(
        "sql",
        "SELECT TRUCK_ID, EVENT_TS, DRIVER_ID FROM RAW.TRUCK_TELEMETRY "
        "WHERE TRUCK_ID = 'TRK-00000' ORDER BY EVENT_TS",
    )
    assert result.exit_code == 0, result.stderr
    assert "TRUCK_ID" in result.stdout and "EVENT_TS" in result.stdout
    assert "TRK-00000" in result.stdout
    assert "2026-11-27T00:00:00" in result.stdout and "2026-11-27T00:01:00" in result.stdout
    assert "NULL" in result.stdout  # telemetry(0) has no driver
    assert result.stdout.rstrip().endswith("2 rows")


def test_sql_json_is_an_array_of_objects_with_iso_timestamps(cli, loaded) -> None:
    result = cli(
        "sql",
        "SELECT EVENT_ID, EVENT_TS, DRIVER_ID, GPS_LAT, RECORD:engine.rpm::float AS RPM, DERIVED "
        "FROM RAW.TRUCK_TELEMETRY ORDER BY EVENT_TS, TRUCK_ID",
        "--json",
    )
    document = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    assert [row["EVENT_ID"] for row in document] == [r["event_id"] for r in loaded]
    first = document[0]
    assert first == {
        "EVENT_ID": loaded[0]["event_id"],
        "EVENT_TS": "2026-11-27T00:00:00",
        "DRIVER_ID": None,
        "GPS_LAT": loaded[0]["gps"]["lat"],
        "RPM": loaded[0]["engine"]["rpm"],
        "DERIVED": loaded[0]["derived"],
    }
    assert document[3]["DERIVED"]["alerts"][0]["code"] == "BRAKE_WORN"


def test_sql_dml_reports_the_rows_affected(cli, loaded) -> None:
    update = cli("sql", "UPDATE RAW.TRUCK_TELEMETRY SET DEPOT_ID = 'DEP-99' WHERE GPS_LAT > 0")
    as_json = cli("sql", "DELETE FROM RAW.TRUCK_TELEMETRY WHERE TRUCK_ID = 'TRK-00001'", "--json")
    count = cli("sql", "SELECT COUNT(*) AS N FROM RAW.TRUCK_TELEMETRY", "--json")
    assert update.exit_code == 0, update.stderr
    assert update.stdout.startswith("6 rows affected (rows updated: 6")
    assert json.loads(as_json.stdout) == [{"number of rows deleted": 1}]
    assert json.loads(count.stdout) == [{"N": 5}]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("SELEC 1", "error: 001003 (42000): Invalid expression"),
        ("SELECT * FROM RAW.NO_SUCH_TABLE", "error: 002003 (42S02): Catalog Error"),
        ("SELECT 1; SELECT 2", "error: give exactly one SQL statement"),
    ],
)
def test_bad_sql_is_one_line_and_exit_2(cli, loaded, statement: str, message: str) -> None:
    result = cli("sql", statement)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert one_error_line(result).startswith(message)


def test_unknown_target_is_a_config_error(cli) -> None:
    result = cli("sql", "SELECT 1", "--target", "oracle")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "error: warehouse.target: unknown target 'oracle' (choose from embedded, snowflake)"
    )


def test_a_warehouse_held_by_another_process_is_one_line_and_exit_1(cli, home: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from fleetctl.config import load_settings\n"
            "from fleetctl.warehouse import open_warehouse\n"
            "with open_warehouse(load_settings()):\n"
            "    print('ready', flush=True)\n"
            "    input()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = cli("db", "status")
    finally:
        holder.communicate("\n", timeout=60)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert line.startswith(f"error: embedded warehouse {home / 'warehouse'}: IO Error")
    assert "lock" in line
