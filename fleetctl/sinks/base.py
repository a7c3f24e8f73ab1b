"""What every sink is: something that accepts batches of records per stream and reports delivery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

STREAMS = ("clickstream", "telemetry")


@dataclass
class StreamDelivery:
    """Per-stream delivery counts; `retried` counts resend attempts of individual records.

    A sink that lands records in a store (the local pipeline) also says what became of each one it
    accepted: `accepted = transformed_ok + dropped + processing_failed + the dead letters of
    failed invocations`, and `transformed_ok = landed + duplicates_skipped + Ok records whose load
    failed` (those are dead letters too, under their own error code).
    """

    accepted: int = 0
    retried: int = 0
    dead_lettered: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # error code -> records dead-lettered
    transformed_ok: int = 0  # answered Ok by the transformation function
    dropped: int = 0  # answered Dropped (a repeat of an event_id within one invocation)
    processing_failed: int = 0  # answered ProcessingFailed: kept as rejected records
    landed: int = 0  # rows new to the store
    duplicates_skipped: int = 0  # Ok records the store already held, or repeated within a load


@dataclass
class SinkReport:
    sink: str
    streams: dict[str, StreamDelivery] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    dead_letter_path: str | None = None
    store: str | None = None  # where the sink landed records; None when it only passes them on

    def stream(self, name: str) -> StreamDelivery:
        return self.streams.setdefault(name, StreamDelivery())

    @property
    def dead_lettered(self) -> int:
        return sum(s.dead_lettered for s in self.streams.values())


class Sink(Protocol):
    """Accepts newline-terminated serialized records; `close` flushes and says what was accepted."""

    name: str

    def send(self, stream: str, records: list[bytes]) -> None: ...

    def close(self) -> SinkReport: ...


@runtime_checkable
class Flushes(Protocol):
    """A sink that holds records back (buffers) and can deliver all it holds on demand."""

    def flush(self) -> None: ...


@runtime_checkable
class ReportsProgress(Protocol):
    """A sink that can say what it has delivered so far, while it is still running."""

    def progress(self) -> SinkReport: ...


@dataclass(frozen=True)
class CallOutcome:
    """One batch's delivery, from its first call to its final answer (retries and backoff included).

    `retried` and `throttled` count records: resends, and failures with a throttling error code.
    """

    stream: str
    records: int
    bytes: int
    accepted: int
    dead_lettered: int
    retried: int
    throttled: int
    attempts: int
    seconds: float


class CallObserver(Protocol):
    def call_finished(self, outcome: CallOutcome) -> None: ...


@runtime_checkable
class ReportsCalls(Protocol):
    """A sink that tells an observer about every delivery call, from the threads that make them.

    A sink without it is taken to be synchronous: each `send` is one call, accepted when it returns.
    """

    def observe_calls(self, observer: CallObserver) -> None: ...


class LandingObserver(Protocol):
    def records_landed(self, stream: str, lags_s: Sequence[float]) -> None: ...


@runtime_checkable
class ReportsLag(Protocol):
    """A sink that sees its records land where they are queried (the embedded warehouse).

    For every landed record it reports the end-to-end lag: landing wall-clock time minus the
    record's `event_ts`, in seconds.
    """

    def observe_landing(self, observer: LandingObserver) -> None: ...
