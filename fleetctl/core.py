"""The types every layer shares: what a sink and a store are, what a load did, what a sink
delivered.

Neutral ground: this module imports nothing else of fleetctl, so a sink, a store and a report can
all use these types without importing one another (a test checks it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

import msgspec

STREAMS = ("clickstream", "telemetry")
# the fields every store needs in a record of each stream (its key and time), in checking order
RECORD_KEYS = {
    "clickstream": ("event_id", "event_ts", "item_id"),
    "telemetry": ("event_id", "truck_id", "event_ts"),
}


class DeliveryCounts(msgspec.Struct, kw_only=True):
    """What became of one stream's records after they left the producer: the one declaration of
    the delivery counters, shared by the sinks' reports, the run manifest and reconciliation.

    `retried` counts resend attempts of individual records. A sink that lands records in a store
    (the local pipeline) also says what became of each one it accepted: `accepted =
    transformed_ok + dropped + processing_failed + the dead letters of failed invocations`, and
    `transformed_ok = landed + duplicates_skipped + Ok records whose load failed` (those are
    dead letters too, under their own error code). A counter added here reaches every report.
    """

    # the counters only a sink with a store can fill, shown only for such sinks
    LANDING: ClassVar[tuple[str, ...]] = (
        "transformed_ok",
        "dropped",
        "processing_failed",
        "landed",
        "duplicates_skipped",
    )

    accepted: int = 0
    retried: int = 0
    dead_lettered: int = 0
    errors: dict[str, int] = msgspec.field(default_factory=dict)  # code -> records dead-lettered
    transformed_ok: int = 0  # answered Ok by the transformation function
    dropped: int = 0  # answered Dropped (a repeat of an event_id within one invocation)
    processing_failed: int = 0  # answered ProcessingFailed: kept as rejected records
    landed: int = 0  # rows new to the store
    duplicates_skipped: int = 0  # Ok records the store already held, or repeated within a load

    def counts(self, *, landing: bool = True) -> dict[str, Any]:
        """The counters by name, in declaration order; without the landing ones if not `landing`."""
        return {
            name: getattr(self, name)
            for name in DeliveryCounts.__struct_fields__
            if landing or name not in DeliveryCounts.LANDING
        }

    def copy_counts(self, source: DeliveryCounts) -> None:
        """Take every counter of `source` (a copy of its errors, not the same dict)."""
        for name, value in source.counts().items():
            setattr(self, name, dict(value) if isinstance(value, dict) else value)


@dataclass
class SinkReport:
    """What a sink delivered, per stream, and where it put things."""

    sink: str
    streams: dict[str, DeliveryCounts] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    dead_letter_path: str | None = None
    store: str | None = None  # where the sink landed records; None when it only passes them on

    def stream(self, name: str) -> DeliveryCounts:
        return self.streams.setdefault(name, DeliveryCounts())

    @property
    def dead_lettered(self) -> int:
        return sum(s.dead_lettered for s in self.streams.values())


@dataclass
class LoadResult:
    """What a load did: rows new to the store, rows already there (or repeated within the batch),
    and per enrichment table the rows it inserted or updated."""

    inserted: int = 0
    skipped_duplicates: int = 0
    enriched: dict[str, int] = field(default_factory=dict)

    def add(self, other: LoadResult) -> None:
        self.inserted += other.inserted
        self.skipped_duplicates += other.skipped_duplicates
        for table, rows in other.enriched.items():
            self.enriched[table] = self.enriched.get(table, 0) + rows


@dataclass(frozen=True)
class RejectedRecord:
    """A record the pipeline refused, with the bytes exactly as they arrived."""

    stream: str
    reason: str
    raw: bytes
    event_id: str | None = None
    rejected_at: datetime | None = None  # UTC; None means now

    @property
    def reject_id(self) -> str:
        """Same stream and bytes, same id: a replayed rejection is one row."""
        return hashlib.sha256(self.stream.encode() + b"\0" + self.raw).hexdigest()


class Sink(Protocol):
    """Accepts newline-terminated serialized records; `close` flushes and says what was accepted."""

    name: str

    def send(self, stream: str, records: list[bytes]) -> None: ...

    def close(self) -> SinkReport: ...


class Store(Protocol):
    """Where the pipeline lands transformed records: idempotent loads keyed on event_id, and the
    records the handlers refused."""

    name: str

    def load(self, stream: str, records: Iterable[Mapping[str, Any]]) -> LoadResult: ...

    def load_rejected(self, rows: Iterable[RejectedRecord]) -> LoadResult: ...

    def close(self) -> None: ...


@runtime_checkable
class FinishesRun(Protocol):
    """A store with work to do once a run's last batch has landed (derived tables to refresh)."""

    def finish(self) -> None: ...


@dataclass(frozen=True)
class TruckChange:
    """What a build does to one truck's history: versions added, removed, closed, split."""

    truck_id: str
    added: int
    removed: int
    closed: int
    split: int


@dataclass
class BuildResult:
    mode: str  # "incremental" or "full"
    applied: bool  # False for a dry run
    loads: int  # RAW loads taken in
    trucks: int  # trucks whose history was recomputed
    changes: list[TruckChange] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, kind: str) -> int:
        return sum(getattr(change, kind) for change in self.changes)


@dataclass(frozen=True)
class CheckResult:
    name: str
    rule: str
    violations: int  # offending rows
    examples: tuple[str, ...]  # a few offending trucks

    @property
    def ok(self) -> bool:
        return self.violations == 0


class Landing(Protocol):
    """A store's side of a backfill: history lands through `store` without the store's
    end-of-run work (a preview stages it and lands nothing), then the truck dimension is
    rebuilt from it and checked."""

    target: str  # where history lands, for the resume ledger: landed in one is not in another
    store: Store  # the pipeline's store; the landing, not the pipeline, closes what it holds

    def rebuild(self, *, full: bool, trucks: Sequence[str]) -> BuildResult: ...

    def checks(self) -> list[CheckResult]: ...


@runtime_checkable
class OffersLanding(Protocol):
    """A store that can take a backfill (the "landing/preview" capability)."""

    def landing(self, *, preview: bool) -> AbstractContextManager[Landing]: ...
