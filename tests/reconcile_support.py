"""Real small runs through the local pipeline, and discrepancies planted in RAW afterwards the way
a faulty delivery would leave them: rows deleted, rows landed twice, rows landed late."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fleetctl.config import load_settings
from fleetctl.warehouse import Warehouse, open_warehouse

TABLES = {"telemetry": "RAW.TRUCK_TELEMETRY", "clickstream": "RAW.CLICKSTREAM"}
RUN_ARGS = (
    "--trucks",
    "3",
    "--minutes",
    "30",
    "--clicks-per-minute",
    "8",
    "--seed",
    "11",
    "--start",
    "2026-11-27T00:00:00Z",
)


def simulate(cli: Any, *extra: str) -> str:
    """A 30-minute run through the local pipeline into the warehouse; returns its run id."""
    result = cli("simulate", "--sink", "local", *RUN_ARGS, *extra, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["run_id"]


def reconcile(cli: Any, *args: str) -> tuple[int, dict[str, Any], str]:
    """Exit code, the JSON document (by stream), and stderr."""
    result = cli("report", "reconcile", "--json", *args)
    document = json.loads(result.stdout)
    document["streams"] = {s["stream"]: s for s in document["streams"]}
    return result.exit_code, document, result.stderr


def event_ids(wh: Warehouse, stream: str) -> list[dict[str, Any]]:
    """The stream's rows in RAW by event time: EVENT_ID and EVENT_TS."""
    return wh.query(f"SELECT EVENT_ID, EVENT_TS FROM {TABLES[stream]} ORDER BY EVENT_TS, EVENT_ID")


@dataclass
class Planted:
    missing: set[str] = field(default_factory=set)
    duplicated: dict[str, int] = field(default_factory=dict)  # event id -> copies
    late: set[str] = field(default_factory=set)


def plant(
    wh: Warehouse, stream: str, *, missing: slice, duplicated: slice, late: slice, copies: int = 2
) -> Planted:
    """Delete, duplicate and delay the rows at these positions in event-time order. Late rows
    get a LOADED_AT after every other load while their EVENT_TS stays old."""
    rows = event_ids(wh, stream)
    table = TABLES[stream]
    planted = Planted(
        missing={r["EVENT_ID"] for r in rows[missing]},
        duplicated={r["EVENT_ID"]: copies for r in rows[duplicated]},
        late={r["EVENT_ID"] for r in rows[late]},
    )
    assert not (planted.missing & planted.late) and not (planted.missing & set(planted.duplicated))
    for event_id in planted.missing:
        wh.execute(f"DELETE FROM {table} WHERE EVENT_ID = %s", (event_id,))
    for event_id in planted.duplicated:
        for _ in range(copies - 1):
            wh.execute(
                f"INSERT INTO {table} SELECT * FROM {table} WHERE EVENT_ID = %s LIMIT 1",
                (event_id,),
            )
    (latest,) = wh.query(f"SELECT MAX(LOADED_AT) AS AT FROM {table}")
    for event_id in planted.late:
        wh.execute(
            f"UPDATE {table} SET LOADED_AT = DATEADD('hour', 1, %s::TIMESTAMP_NTZ) "
            "WHERE EVENT_ID = %s",
            (latest["AT"].isoformat(sep=" "), event_id),
        )
    return planted


def warehouse() -> Warehouse:
    """The warehouse of the current FLEETCTL_HOME (the tests' private one)."""
    return open_warehouse(load_settings())
