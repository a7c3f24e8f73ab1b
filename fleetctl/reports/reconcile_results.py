"""What a reconciliation finds, as typed results (`--json` prints them as they are), and its
counts per time bucket: per-minute counts from the manifest and the warehouse, summed into
minutes or hours of event time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import msgspec

from fleetctl.core import DeliveryCounts
from fleetctl.reports.window import iso


class Bucket(msgspec.Struct, kw_only=True):
    bucket: str  # start of the bucket
    generated: int | None  # None: the manifest has no per-minute counts
    landed: int
    missing: int | None  # None: the ids cannot be placed in time (see run_ids)
    duplicated: int
    late: int


class Pipeline(DeliveryCounts, kw_only=True):
    """The run manifest's figures for the whole run (not narrowed by a window)."""

    generated: int
    reported_by_sink: bool  # False: the sink passes records on and cannot see them transformed


class Ids(msgspec.Struct, kw_only=True):
    count: int
    sample: list[str]


class Duplicate(msgspec.Struct, kw_only=True):
    event_id: str
    event_ts: str
    copies: int


class Duplicates(msgspec.Struct, kw_only=True):
    count: int  # events with more than one row
    extra_rows: int
    sample: list[Duplicate]


class LateArrival(msgspec.Struct, kw_only=True):
    event_id: str
    event_ts: str
    loaded_at: str
    watermark: str


class LateArrivals(msgspec.Struct, kw_only=True):
    count: int
    sample: list[LateArrival]


class StreamReconciliation(msgspec.Struct, kw_only=True):
    stream: str
    pipeline: Pipeline
    ids_sent: int  # distinct event ids in the sidecar
    generated: int  # in the window
    landed: int  # distinct event ids of the run in RAW, in the window
    missing: Ids
    duplicated: Duplicates
    late: LateArrivals
    unexpected: Ids
    buckets: list[Bucket]
    problems: list[str]
    reconciled: bool


class Reconciliation(msgspec.Struct, kw_only=True):
    report: str
    run_id: str
    command: str
    sink: str
    store: str | None
    window: dict[str, str | None]
    bucket: str
    allowed_lateness_s: int
    reconciled: bool
    verdict: str
    streams: list[StreamReconciliation]


def bucket_rows(
    generated: dict[datetime, int],
    landed: list[dict],
    missing: list[dict] | None,
    size: str,
) -> list[Bucket]:
    """One row per bucket holding any count, in time order."""
    counts: dict[datetime, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for minute, n in generated.items():
        counts[_start(minute, size)]["generated"] += n
    for row in landed:
        bucket = counts[_start(row["MINUTE_TS"], size)]
        for key in ("LANDED", "DUPLICATED", "LATE"):
            bucket[key.lower()] += int(row[key])
    for row in missing or []:
        if row["MINUTE_TS"] is not None:
            counts[_start(row["MINUTE_TS"], size)]["missing"] += int(row["MISSING"])
    return [
        Bucket(
            bucket=iso(start) or "",
            generated=c["generated"] if generated else None,
            landed=c["landed"],
            missing=c["missing"] if missing is not None else None,
            duplicated=c["duplicated"],
            late=c["late"],
        )
        for start, c in sorted(counts.items())
    ]


def _start(moment: datetime, size: str) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    return moment.replace(minute=0) if size == "hour" else moment
