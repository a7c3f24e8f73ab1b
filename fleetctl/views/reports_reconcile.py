"""The reconciliation as a page: per stream the pipeline's counts, the buckets, samples of the
ids that went wrong, records per minute as a chart, and the verdict."""

from __future__ import annotations

from fleetctl.reports.charts import Chart
from fleetctl.reports.page import Cell, Column, Page, Table, Text, count, when
from fleetctl.reports.reconcile import ReconcileOutcome
from fleetctl.reports.reconcile_results import Bucket, StreamReconciliation


def page(outcome: ReconcileOutcome) -> Page:
    result = outcome.result
    window = result.window
    scope = (
        f"; event time {window['from'] or '…'} to {window['to'] or '…'}"
        if window["from"] or window["to"]
        else ""
    )
    reconciliation = Page(
        title=f"Reconciliation of run {result.run_id}",
        subtitle=f"{result.command} → {result.sink}"
        + (f" → {result.store}" if result.store else "")
        + f"; late = more than {result.allowed_lateness_s:,} s behind the watermark{scope}",
        verdict=Cell(result.verdict, "good" if result.reconciled else "bad"),
    )
    reconciliation.add(_pipeline(result.streams))
    reconciliation.add(_warehouse(result.streams))
    for stream in result.streams:
        per_minute = outcome.minutes.get(stream.stream, [])
        reconciliation.add(
            Chart(
                title=f"{stream.stream}: records per minute",
                kind="line",
                labels=[b.bucket[11:16] for b in per_minute],
                series=_series(per_minute),
            )
        )
        reconciliation.add(_buckets(stream, result.bucket))
        if samples := _samples(stream):
            reconciliation.add(samples)
    return reconciliation


def _series(per_minute: list[Bucket]) -> dict[str, list[float]]:
    """Generated (when the manifest counts per minute) and landed records per minute."""
    landed: list[float] = [b.landed for b in per_minute]
    if any(b.generated is None for b in per_minute):
        return {"landed": landed}
    return {"generated": [b.generated or 0 for b in per_minute], "landed": landed}


def _pipeline(streams: list[StreamReconciliation]) -> Table:
    table = Table(
        "Pipeline, from the run manifest",
        [
            Column("stream"),
            Column("generated", True),
            Column("accepted", True),
            Column("dead", True),
            Column("Ok", True),
            Column("Dropped", True),
            Column("Failed", True),
            Column("loaded", True),
            Column("skipped", True),
        ],
        caption="dead: dead-lettered; Ok/Dropped/Failed: the transformation's answers (Failed: "
        "ProcessingFailed); loaded: rows new to RAW; skipped: Ok records RAW already held. "
        "For the whole run, whatever the window",
    )
    for s in streams:
        p = s.pipeline
        reported = p.reported_by_sink
        table.add(
            s.stream,
            p.generated,
            count(p.accepted),
            count(p.dead_lettered, bad_when_positive=True),
            count(p.transformed_ok) if reported else None,
            count(p.dropped) if reported else None,
            count(p.processing_failed, bad_when_positive=True) if reported else None,
            count(p.landed) if reported else None,
            count(p.duplicates_skipped) if reported else None,
        )
    return table


def _warehouse(streams: list[StreamReconciliation]) -> Table:
    table = Table(
        "Warehouse, by event id",
        [
            Column("stream"),
            Column("generated", True),
            Column("ids sent", True),
            Column("landed", True),
            Column("missing", True),
            Column("duplicated", True),
            Column("late", True),
            Column("unexpected", True),
        ],
        caption="landed: distinct event ids of the run in RAW; unexpected: rows in the run's "
        "event time that the run did not send",
    )
    for s in streams:
        table.add(
            Cell(s.stream, "good" if s.reconciled else "bad"),
            s.generated,
            s.ids_sent,
            s.landed,
            count(s.missing.count, bad_when_positive=True),
            count(s.duplicated.count, bad_when_positive=True),
            count(s.late.count, bad_when_positive=True),
            Cell(f"{s.unexpected.count:,}", "warn" if s.unexpected.count else ""),
        )
    return table


def _buckets(stream: StreamReconciliation, size: str) -> Table:
    table = Table(
        f"{stream.stream} per {size} of event time",
        [
            Column(size),
            Column("generated", True),
            Column("landed", True),
            Column("missing", True),
            Column("duplicated", True),
            Column("late", True),
        ],
        empty="nothing generated or landed in the window",
    )
    for b in stream.buckets:
        table.add(
            when(b.bucket),
            b.generated,
            b.landed,
            count(b.missing, bad_when_positive=True) if b.missing is not None else None,
            count(b.duplicated, bad_when_positive=True),
            count(b.late, bad_when_positive=True),
        )
    return table


def _samples(stream: StreamReconciliation) -> Text | None:
    lines = []
    if stream.missing.count:
        lines.append(_ids_line("missing", stream.missing.count, stream.missing.sample, "bad"))
    if stream.duplicated.count:
        ids = [f"{d.event_id} x{d.copies}" for d in stream.duplicated.sample]
        lines.append(_ids_line("duplicated", stream.duplicated.count, ids, "bad"))
    if stream.late.count:
        ids = [f"{a.event_id} ({a.event_ts} < {a.watermark})" for a in stream.late.sample]
        lines.append(_ids_line("late", stream.late.count, ids, "bad"))
    if stream.unexpected.count:
        lines.append(
            _ids_line("unexpected", stream.unexpected.count, stream.unexpected.sample, "warn")
        )
    if not lines:
        return None
    return Text([Cell(f"{stream.stream}:", "strong"), *lines])


def _ids_line(what: str, total: int, sample: list[str], tone: str) -> Cell:
    shown = f"first {len(sample)}: " if len(sample) < total else ""
    return Cell(f"  {total:,} {what} ({shown}{', '.join(sample)})", tone)  # type: ignore[arg-type]
