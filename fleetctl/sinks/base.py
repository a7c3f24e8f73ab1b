"""What every sink is: something that accepts batches of records per stream and reports delivery."""

from __future__ import annotations

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
class ReportsProgress(Protocol):
    """A sink that can say what it has delivered so far, while it is still running."""

    def progress(self) -> SinkReport: ...
