"""The real Snowflake connector over HTTP against the fakesnow server on 127.0.0.1.

The same loads through the network path must leave the same tables as the embedded warehouse,
and the password in the environment must never reach any output.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from fleetctl.config import load_settings
from fleetctl.core import LoadResult, RejectedRecord
from fleetctl.warehouse import Warehouse, loading, migrations, open_warehouse
from tests.warehouse_records import alert, clickstream, telemetry

pytestmark = pytest.mark.integration

COMPARED_TABLES = (
    ("RAW.TRUCK_TELEMETRY", "EVENT_ID"),
    ("RAW.CLICKSTREAM", "EVENT_ID"),
    ("RAW.REJECTED", "REJECT_ID"),
    ("CORE.MAINTENANCE_ALERTS", "EVENT_ID, CODE"),
    ("CORE.ITEM_CLICKS_MINUTE", "MINUTE_TS, ITEM_ID"),
    ("FLEETCTL.SCHEMA_MIGRATIONS", "VERSION"),
)
PER_LOAD = {"LOAD_ID", "LOADED_AT", "UPDATED_AT", "APPLIED_AT"}  # when and which load, not what


def exercise(wh: Warehouse) -> list[LoadResult]:
    """Migrations, overlapping and replayed loads of both streams, and rejections."""
    readings = [telemetry(n, alerts=[alert("BRAKE_WORN")] * (n % 4 == 0)) for n in range(40)]
    clicks = [clickstream(n) for n in range(50)]
    migrations.apply(wh)
    assert migrations.apply(wh) == []
    return [
        loading.load_records(wh, "telemetry", readings[:30]),
        loading.load_records(wh, "telemetry", readings[20:] + readings[:3]),
        loading.load_records(wh, "clickstream", clicks[:35]),
        loading.load_records(wh, "clickstream", clicks[25:] + clicks[:5]),
        loading.load_rejected(
            wh,
            [
                RejectedRecord("telemetry", "Invalid JSON", b"\x00{", None, datetime(2026, 1, 1)),
                RejectedRecord("clickstream", "bad", b"{}", "e-9", datetime(2026, 1, 2, 3, 4)),
            ],
        ),
    ]


def contents(wh: Warehouse) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [
            {k: v for k, v in row.items() if k not in PER_LOAD}
            for row in wh.query(f"SELECT * FROM {table} ORDER BY {order}")
        ]
        for table, order in COMPARED_TABLES
    }


def test_loads_through_the_fakesnow_server_equal_the_embedded_ones(
    home: Path, snowflake_env: dict[str, str]
) -> None:
    with open_warehouse(load_settings(environ={"FLEETCTL_HOME": str(home)})) as embedded:
        assert embedded.target == "embedded"
        embedded_results = exercise(embedded)
        embedded_tables = contents(embedded)
    with open_warehouse(load_settings()) as remote:
        assert remote.target == "snowflake"
        remote_results = exercise(remote)
        remote_tables = contents(remote)
    assert remote_results == embedded_results
    assert remote_tables == embedded_tables
    assert len(remote_tables["RAW.TRUCK_TELEMETRY"]) == 40
    assert len(remote_tables["RAW.CLICKSTREAM"]) == 50
    assert len(remote_tables["CORE.MAINTENANCE_ALERTS"]) == 10


def test_variant_paths_work_through_the_server(snowflake_env: dict[str, str]) -> None:
    with open_warehouse(load_settings()) as wh:
        migrations.apply(wh)
        loading.load_records(wh, "telemetry", [telemetry(n) for n in range(3)])
        found = wh.query(
            "SELECT RECORD:gps.lat::float AS LAT, DERIVED "
            "FROM RAW.TRUCK_TELEMETRY ORDER BY EVENT_ID"
        )
    expected = sorted((telemetry(n) for n in range(3)), key=lambda r: r["event_id"])
    assert found == [{"LAT": r["gps"]["lat"], "DERIVED": r["derived"]} for r in expected]


def test_db_and_sql_commands_reach_the_server(cli, snowflake_env: dict[str, str]) -> None:
    migrate = cli("db", "migrate")
    status = json.loads(cli("db", "status", "--json").stdout)
    query = cli("sql", "SELECT COUNT(*) AS N FROM RAW.CLICKSTREAM", "--json")
    bad = cli("sql", "SELECT * FROM RAW.NOPE")
    assert migrate.exit_code == 0, migrate.stderr
    assert status["target"] == "snowflake"
    assert status["location"] == f"http://127.0.0.1:{snowflake_env['FLEETCTL_WAREHOUSE_PORT']}"
    assert status["database"] == snowflake_env["FLEETCTL_WAREHOUSE_DATABASE"]
    assert status["migrations"]["pending"] == []
    assert json.loads(query.stdout) == [{"N": 0}]
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: 002003 (42S02)")


def test_the_password_never_appears_in_any_output(
    cli, snowflake_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = f"pw-{uuid.uuid4().hex}"
    monkeypatch.setenv("SNOWFLAKE_PASSWORD", secret)
    results = [
        cli("db", "migrate"),
        cli("db", "status"),
        cli("db", "status", "--json"),
        cli("sql", "SELECT CURRENT_USER() AS U, CURRENT_DATABASE() AS D", "--json"),
        cli("sql", "SELEC 1"),
    ]
    # and with --debug, in a process of its own, against a port where nothing listens
    env = {**os.environ, "FLEETCTL_WAREHOUSE_PORT": str(closed_port())}
    env["FLEETCTL_WAREHOUSE_LOGIN_TIMEOUT_S"] = "3"
    failed = subprocess.run(
        [sys.executable, "-m", "fleetctl", "--debug", "db", "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert [r.exit_code for r in results] == [0, 0, 0, 0, 2]
    assert failed.returncode == 1
    assert "cannot connect to Snowflake at http://127.0.0.1:" in failed.stderr
    for text in [*(r.stdout + r.stderr for r in results), failed.stdout + failed.stderr]:
        assert secret not in text


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
