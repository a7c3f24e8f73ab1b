"""What every sink is: something that accepts batches of records per stream and reports delivery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

STREAMS = ("clickstream", "telemetry")


@dataclass
class StreamDelivery:
    """Per-stream delivery counts; `retried` counts resend attempts of individual records."""

    accepted: int = 0
    retried: int = 0
    dead_lettered: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # error code -> records dead-lettered


@dataclass
class SinkReport:
    sink: str
    streams: dict[str, StreamDelivery] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    dead_letter_path: str | None = None

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
