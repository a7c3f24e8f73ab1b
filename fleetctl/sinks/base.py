"""What every sink is: something that accepts batches of records per stream and reports delivery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from fleetctl.core import SinkReport


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
