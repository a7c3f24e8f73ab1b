"""How a run (simulate, replay) is shown: live delivery progress, a summary table, or JSON."""

from __future__ import annotations

from typing import Any

from rich.progress import ProgressColumn, Task
from rich.table import Table
from rich.text import Text

from fleetctl import console
from fleetctl.core import DeliveryCounts
from fleetctl.delivery import RunResult
from fleetctl.sinks import ReportsProgress, Sink
from fleetctl.views import human_bytes

# the headings of the counters a sink that lands records in a store adds (DeliveryCounts.LANDING)
LANDING_HEADINGS = {
    "transformed_ok": "ok",
    "dropped": "dropped",
    "processing_failed": "rejected",
    "landed": "landed",
    "duplicates_skipped": "duplicates",
}


class DeliveryColumn(ProgressColumn):
    """Accepted records/s (rows landed, for a sink with a store), resends and dead letters so
    far, read from the sink at each refresh."""

    def __init__(self, sink: Sink) -> None:
        super().__init__()
        self._sink = sink if isinstance(sink, ReportsProgress) else None

    def render(self, task: Task) -> Text:
        if self._sink is None:
            return Text("")
        report = self._sink.progress()
        streams = report.streams.values()
        dead = sum(s.dead_lettered for s in streams)
        dead_text = (f"{dead:,} dead-lettered", "red" if dead else "")
        if report.store is not None:
            landed = sum(s.landed for s in streams)
            rejected = sum(s.processing_failed for s in streams)
            rate = landed / task.elapsed if task.elapsed else 0.0
            return Text.assemble(
                (f"{landed:,} landed", "cyan"),
                f" ({rate:,.0f} rows/s) · {rejected:,} rejected · ",
                dead_text,
            )
        accepted = sum(s.accepted for s in streams)
        retried = sum(s.retried for s in streams)
        rate = accepted / task.elapsed if task.elapsed else 0.0
        rate_text = (f"{rate:,.0f} rec/s", "cyan")
        return Text.assemble(rate_text, f" · {retried:,} retried · ", dead_text)


def document(result: RunResult) -> dict[str, Any]:
    manifest = result.manifest
    seconds = round(result.seconds, 3)
    return {
        "run_id": manifest.run_id,
        "command": manifest.command,
        "sink": manifest.sink,
        "store": manifest.store,
        "parameters": manifest.parameters,
        "seconds": seconds,
        "records": result.records,
        "records_per_s": round(result.records / result.seconds, 1) if result.seconds else None,
        "streams": {
            name: {
                "generated": s.generated,
                "bytes": s.bytes,
                "first_event_ts": s.first_event_ts,
                "last_event_ts": s.last_event_ts,
                **s.counts(landing=bool(manifest.store)),
                "ids_path": s.ids_path,
            }
            for name, s in manifest.streams.items()
        },
        "outputs": manifest.outputs,
        "dead_letter_path": manifest.dead_letter_path,
        "manifest": str(result.manifest_path),
    }


def _landing_table(doc: dict[str, Any]) -> Table:
    """What became of the accepted records, for a sink that lands them in a store."""
    table = Table(title=f"transformed and landed in {doc['store']}", title_justify="left")
    table.add_column("stream")
    for key in DeliveryCounts.LANDING:
        table.add_column(LANDING_HEADINGS.get(key, key), justify="right")
    for name, s in doc["streams"].items():
        table.add_row(name, *(f"{s[key]:,}" for key in DeliveryCounts.LANDING))
    return table


def summary(result: RunResult) -> None:
    doc = document(result)
    table = Table(title=f"run {doc['run_id']} → {doc['sink']}", title_justify="left")
    for column in ("stream", "records", "bytes", "accepted", "retried", "dead-lettered"):
        table.add_column(column, justify="left" if column == "stream" else "right")
    for name, s in doc["streams"].items():
        table.add_row(
            name,
            f"{s['generated']:,}",
            human_bytes(s["bytes"]),
            f"{s['accepted']:,}",
            f"{s['retried']:,}",
            f"[red]{s['dead_lettered']:,}[/]" if s["dead_lettered"] else "0",
        )
    tables = [table]
    if doc["store"]:
        tables.append(_landing_table(doc))
    out = console.out()
    out.print(*tables)
    rate = f"{doc['records_per_s']:,.0f} records/s" if doc["records_per_s"] else "-"
    out.print(f"{doc['records']:,} records in {doc['seconds']:.2f} s ({rate})")
    firsts = [s["first_event_ts"] for s in doc["streams"].values() if s["first_event_ts"]]
    lasts = [s["last_event_ts"] for s in doc["streams"].values() if s["last_event_ts"]]
    if firsts:
        out.print(f"  [dim]events[/] {min(firsts)} … {max(lasts)}")
    for name, s in doc["streams"].items():
        for code, count in sorted(s["errors"].items(), key=lambda item: -item[1]):
            out.print(f"  [red]{count:,}[/] {name} records dead-lettered after {code}")
        if rejected := s.get("processing_failed"):
            out.print(
                f"  [yellow]{rejected:,}[/] {name} records rejected by the handler "
                "(ProcessingFailed): kept in the store's rejected records and the dead letters"
            )
    # soft_wrap: a path cut in two cannot be copied
    for path in doc["outputs"]:
        out.print(f"  [dim]wrote[/] {path}", soft_wrap=True)
    if doc["dead_letter_path"]:
        out.print(f"  [dim]dead letters[/] {doc['dead_letter_path']}", soft_wrap=True)
    out.print(f"  [dim]manifest[/] {doc['manifest']}", soft_wrap=True)
