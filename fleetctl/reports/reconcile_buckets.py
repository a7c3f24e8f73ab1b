"""The reconciliation per time bucket: per-minute counts from the manifest and the warehouse,
summed into minutes or hours of event time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import msgspec

from fleetctl.reports.window import iso

BUCKETS = ("minute", "hour")


class Bucket(msgspec.Struct, kw_only=True):
    bucket: str  # start of the bucket
    generated: int | None  # None: the manifest has no per-minute counts
    landed: int
    missing: int | None  # None: the ids cannot be placed in time (see run_ids)
    duplicated: int
    late: int


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
