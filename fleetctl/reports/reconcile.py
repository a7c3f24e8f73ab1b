"""`fleetctl report reconcile`: did everything a run sent arrive, once, in time?

Per stream, the run manifest says what was generated (per minute), accepted by Firehose and
answered by the transformation (Ok, Dropped, ProcessingFailed); the run's event-id sidecar,
staged in the warehouse, is joined with RAW to find what landed, what is missing, what landed
more than once (RAW has no primary key, as on Snowflake) and what landed late. Definitions are
in README.md, "Reports".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from fleetctl.errors import InputError
from fleetctl.manifest import RunManifest, StreamManifest, read_manifest
from fleetctl.reports import run_ids
from fleetctl.reports.reconcile_results import (
    Bucket,
    Duplicate,
    Duplicates,
    Ids,
    LateArrival,
    LateArrivals,
    Pipeline,
    Reconciliation,
    StreamReconciliation,
    bucket_rows,
)
from fleetctl.reports.sql import read
from fleetctl.reports.window import SQL_TS_FORMAT, Window, iso, parse_iso
from fleetctl.warehouse import Warehouse

RAW_TABLES = {"clickstream": "RAW.CLICKSTREAM", "telemetry": "RAW.TRUCK_TELEMETRY"}


class ReconcileOptions(msgspec.Struct, kw_only=True):
    """The report's settings, `reports.*`."""

    bucket: Literal["minute", "hour"]
    allowed_lateness_s: Annotated[int, msgspec.Meta(ge=0)]
    samples: Annotated[int, msgspec.Meta(ge=0)]


@dataclass(frozen=True)
class ReconcileRequest:
    run_id: str | None = None  # None: the latest run
    window: Window = field(default_factory=Window)
    bucket: str = "hour"
    allowed_lateness_s: int = 300
    samples: int = 10
    fail_on_unexpected: bool = False


@dataclass
class ReconcileOutcome:
    """The result (what `--json` prints) and, for the charts, the same counts per minute."""

    result: Reconciliation
    minutes: dict[str, list[Bucket]] = field(default_factory=dict)


def reconcile(warehouse: Warehouse, home: Path, request: ReconcileRequest) -> ReconcileOutcome:
    manifest = read_manifest(home, request.run_id)
    streams = [s for s in RAW_TABLES if s in manifest.streams]
    ids = {s: run_ids.read_ids(run_ids.sidecar_path(home, manifest, s)) for s in streams}
    minutes = {s: run_ids.generation_minutes(manifest.streams[s], len(ids[s])) for s in streams}
    if request.window.bounded and any(m is None for m in minutes.values()):
        raise InputError(
            f"run {manifest.run_id} has no per-minute counts matching its event ids, so its "
            "records cannot be placed in a --from/--to window: reconcile the whole run"
        )
    results, minutes_of = [], {}
    with run_ids.staged_ids(warehouse, ids, minutes) as load_id:
        for stream in streams:
            stream_result, minutes_of[stream] = _stream(
                warehouse,
                manifest,
                stream,
                load_id,
                len(set(ids[stream])),
                request,
                attributed=minutes[stream] is not None,
            )
            results.append(stream_result)
    result = Reconciliation(
        report="reconcile",
        run_id=manifest.run_id,
        command=manifest.command,
        sink=manifest.sink,
        store=manifest.store,
        window=request.window.document(),
        bucket=request.bucket,
        allowed_lateness_s=request.allowed_lateness_s,
        reconciled=all(s.reconciled for s in results),
        verdict=verdict(manifest.run_id, results),
        streams=results,
    )
    return ReconcileOutcome(result, minutes_of)


def verdict(run_id: str, streams: list[StreamReconciliation]) -> str:
    """One line: what a person or a CI log needs first."""
    if all(s.reconciled for s in streams):
        generated = sum(s.generated for s in streams)
        return (
            f"reconciled: run {run_id}: {generated:,} records generated, all landed once "
            "and in time"
        )
    parts = [f"{s.stream} {', '.join(s.problems)}" for s in streams if not s.reconciled]
    return f"NOT reconciled: run {run_id}: {'; '.join(parts)}"


def _stream(
    warehouse: Warehouse,
    manifest: RunManifest,
    stream: str,
    load_id: str,
    ids_sent: int,
    request: ReconcileRequest,
    attributed: bool,
) -> tuple[StreamReconciliation, list[Bucket]]:
    stats = manifest.streams[stream]
    raw_table = RAW_TABLES[stream]
    params = {
        **request.window.params(),
        "load_id": load_id,
        "stream": stream,
        "lateness_s": request.allowed_lateness_s,
        "samples": request.samples,
        **_run_span(stats),
    }
    warehouse.run(read("reconcile_events.sql").format(raw_table=raw_table), params)
    landed_minutes = warehouse.query(read("reconcile_minutes.sql"), params)
    missing_minutes = (
        warehouse.query(read("reconcile_missing_minutes.sql"), params) if attributed else None
    )
    missing = _ids(warehouse.query(read("reconcile_missing.sql"), params))
    duplicated_rows = warehouse.query(read("reconcile_duplicated.sql"), params)
    late_rows = warehouse.query(read("reconcile_late.sql"), params)
    unexpected = _ids(
        warehouse.query(read("reconcile_unexpected.sql").format(raw_table=raw_table), params)
    )
    generated_minutes = {
        parse_iso(k): n
        for k, n in stats.per_minute.items()
        if request.window.contains(parse_iso(k))
    }
    per_minute = bucket_rows(generated_minutes, landed_minutes, missing_minutes, "minute")
    buckets = bucket_rows(generated_minutes, landed_minutes, missing_minutes, request.bucket)
    pipeline = _pipeline(stats, manifest.store is not None)
    result = StreamReconciliation(
        stream=stream,
        pipeline=pipeline,
        ids_sent=ids_sent,
        generated=sum(generated_minutes.values()) if stats.per_minute else stats.generated,
        landed=sum(int(r["LANDED"]) for r in landed_minutes),
        missing=missing,
        duplicated=Duplicates(
            count=sum(int(r["DUPLICATED"]) for r in landed_minutes),
            extra_rows=sum(int(r["EXTRA_ROWS"]) for r in landed_minutes),
            sample=[
                Duplicate(
                    event_id=r["EVENT_ID"],
                    event_ts=iso(r["EVENT_TS"]) or "",
                    copies=int(r["COPIES"]),
                )
                for r in duplicated_rows
            ],
        ),
        late=LateArrivals(
            count=sum(int(r["LATE"]) for r in landed_minutes),
            sample=[
                LateArrival(
                    event_id=r["EVENT_ID"],
                    event_ts=iso(r["EVENT_TS"]) or "",
                    loaded_at=_iso_precise(r["LATE_LOADED_AT"]),
                    watermark=iso(r["LATE_WATERMARK"]) or "",
                )
                for r in late_rows
            ],
        ),
        unexpected=unexpected,
        buckets=buckets,
        problems=[],
        reconciled=True,
    )
    result.problems = _problems(result, checks_manifest=not request.window.bounded)
    if request.fail_on_unexpected and unexpected.count:
        result.problems.append(f"{unexpected.count:,} unexpected")
    result.reconciled = not result.problems
    return result, per_minute


def _problems(s: StreamReconciliation, checks_manifest: bool) -> list[str]:
    problems = []
    for count, what in (
        (s.missing.count, "missing"),
        (s.duplicated.count, "duplicated"),
        (s.late.count, "late"),
    ):
        if count:
            problems.append(f"{count:,} {what}")
    if not checks_manifest:
        return problems
    p = s.pipeline
    if p.accepted < p.generated:
        problems.append(f"{p.generated - p.accepted:,} not accepted by Firehose")
    if p.reported_by_sink:
        answered = p.transformed_ok + p.dropped + p.processing_failed
        if answered < p.accepted:
            problems.append(f"{p.accepted - answered:,} accepted but not transformed")
        elif answered > p.accepted:
            problems.append(f"{answered - p.accepted:,} more transformation answers than accepted")
        if p.processing_failed:
            problems.append(f"{p.processing_failed:,} failed transformation")
        if p.landed + p.duplicates_skipped < p.transformed_ok:
            unloaded = p.transformed_ok - p.landed - p.duplicates_skipped
            problems.append(f"{unloaded:,} transformed but not loaded")
    return problems


def _pipeline(stats: StreamManifest, reported_by_sink: bool) -> Pipeline:
    pipeline = Pipeline(generated=stats.generated, reported_by_sink=reported_by_sink)
    pipeline.copy_counts(stats)
    return pipeline


def _ids(rows: list[dict]) -> Ids:
    return Ids(count=int(rows[0]["TOTAL"]) if rows else 0, sample=[r["EVENT_ID"] for r in rows])


def _run_span(stats: StreamManifest) -> dict[str, str]:
    """The run's own event time, for the rows another writer put among them (unexpected)."""
    if stats.first_event_ts is None or stats.last_event_ts is None:
        return {"run_from": "9999-12-31 00:00:00", "run_to": "9999-12-31 00:00:00"}
    last = parse_iso(stats.last_event_ts) + timedelta(seconds=1)
    return {
        "run_from": parse_iso(stats.first_event_ts).strftime(SQL_TS_FORMAT),
        "run_to": last.strftime(SQL_TS_FORMAT),
    }


def _iso_precise(moment: datetime | None) -> str:
    """LOADED_AT to the microsecond: loads a moment apart must not read alike."""
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
