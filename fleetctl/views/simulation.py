"""How a simulation run is shown: a summary table, or the same numbers as one JSON document."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from fleetctl import console
from fleetctl.simulate import SimulationResult
from fleetctl.views import human_bytes


def document(result: SimulationResult) -> dict[str, Any]:
    manifest = result.manifest
    seconds = round(result.seconds, 3)
    return {
        "run_id": manifest.run_id,
        "sink": manifest.sink,
        "parameters": manifest.parameters,
        "seconds": seconds,
        "records": result.records,
        "records_per_s": round(result.records / result.seconds, 1) if result.seconds else None,
        "streams": {
            name: {
                "records": s.generated,
                "bytes": s.bytes,
                "first_event_ts": s.first_event_ts,
                "last_event_ts": s.last_event_ts,
                "accepted": s.accepted,
                "retried": s.retried,
                "dead_lettered": s.dead_lettered,
            }
            for name, s in manifest.streams.items()
        },
        "outputs": manifest.outputs,
        "dead_letter_path": manifest.dead_letter_path,
        "manifest": str(result.manifest_path),
    }


def summary(result: SimulationResult) -> None:
    doc = document(result)
    table = Table(title=f"run {doc['run_id']} → {doc['sink']}", title_justify="left")
    for column in ("stream", "records", "bytes", "first event", "last event", "accepted"):
        table.add_column(column, justify="left" if column == "stream" else "right")
    for name, s in doc["streams"].items():
        table.add_row(
            name,
            f"{s['records']:,}",
            human_bytes(s["bytes"]),
            s["first_event_ts"] or "-",
            s["last_event_ts"] or "-",
            f"{s['accepted']:,}",
        )
    out = console.out()
    out.print(table)
    rate = f"{doc['records_per_s']:,.0f} records/s" if doc["records_per_s"] else "-"
    out.print(f"{doc['records']:,} records in {doc['seconds']:.2f} s ({rate})")
    for path in doc["outputs"]:
        out.print(f"  [dim]wrote[/] {path}")
    out.print(f"  [dim]manifest[/] {doc['manifest']}")
