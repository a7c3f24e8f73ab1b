"""What each load-test process measures: counts and HDR histograms in one-second windows.

Put latency is recorded once per delivered batch: from its first PutRecordBatch call to its final
answer, retries and backoff included. Windows are shipped to the parent as `WindowPart`s with
their histograms in HdrHistogram's portable encoding, so processes merge without losing accuracy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import msgspec
from hdrh.histogram import HdrHistogram

from fleetctl.sinks import CallOutcome

SIGNIFICANT_FIGURES = 3  # values within 0.1 %
LATENCY_MAX_US = 3_600_000_000  # an hour: anything slower is recorded as an hour
LAG_MAX_MS = 86_400_000  # a day


def latency_histogram() -> HdrHistogram:
    """Put latency in microseconds."""
    return HdrHistogram(1, LATENCY_MAX_US, SIGNIFICANT_FIGURES)


def lag_histogram() -> HdrHistogram:
    """End-to-end lag in milliseconds."""
    return HdrHistogram(1, LAG_MAX_MS, SIGNIFICANT_FIGURES)


class Counts(msgspec.Struct, kw_only=True):
    """Records per stream and window; `calls` counts delivered batches (retries included)."""

    sent: int = 0  # handed to the sink
    accepted: int = 0
    dead_lettered: int = 0
    retried: int = 0  # record resends
    throttled: int = 0  # records refused with a throttling error code (each time)
    calls: int = 0
    landed: int = 0  # records whose end-to-end lag the sink reported

    def add(self, other: Counts) -> None:
        for name in self.__struct_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class WindowPart(msgspec.Struct, kw_only=True):
    """One process's counts of one stream during one second of the run."""

    second: int
    stream: str
    counts: Counts
    put_us: bytes = b""  # encoded latency histogram, empty when no batch finished
    lag_ms: bytes = b""


@dataclass
class _Window:
    counts: Counts = field(default_factory=Counts)
    put_us: HdrHistogram | None = None
    lag_ms: HdrHistogram | None = None

    def part(self, second: int, stream: str) -> WindowPart:
        return WindowPart(
            second=second,
            stream=stream,
            counts=self.counts,
            put_us=self.put_us.encode() if self.put_us is not None else b"",
            lag_ms=self.lag_ms.encode() if self.lag_ms is not None else b"",
        )


class WindowRecorder:
    """Counts into the window of the moment they happen; sink threads call in concurrently.

    It is the sink's `CallObserver` and `LandingObserver`.
    """

    def __init__(self, start_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._start_s = start_s
        self._clock = clock
        self._windows: dict[tuple[int, str], _Window] = {}
        self._lock = threading.Lock()

    def _window(self, stream: str) -> tuple[int, _Window]:
        second = max(0, int(self._clock() - self._start_s))
        key = (second, stream)
        if (window := self._windows.get(key)) is None:
            window = self._windows[key] = _Window()
        return second, window

    def sent(self, stream: str, records: int) -> None:
        with self._lock:
            self._window(stream)[1].counts.sent += records

    def call_finished(self, outcome: CallOutcome) -> None:
        latency_us = min(LATENCY_MAX_US, max(1, round(outcome.seconds * 1e6)))
        with self._lock:
            _, window = self._window(outcome.stream)
            counts = window.counts
            counts.calls += 1
            counts.accepted += outcome.accepted
            counts.dead_lettered += outcome.dead_lettered
            counts.retried += outcome.retried
            counts.throttled += outcome.throttled
            if window.put_us is None:
                window.put_us = latency_histogram()
            window.put_us.record_value(latency_us)

    def records_landed(self, stream: str, lags_s: Sequence[float]) -> None:
        with self._lock:
            _, window = self._window(stream)
            if window.lag_ms is None:
                window.lag_ms = lag_histogram()
            for lag_s in lags_s:
                window.lag_ms.record_value(min(LAG_MAX_MS, max(0, round(lag_s * 1000))))
            window.counts.landed += len(lags_s)

    def take(self, everything: bool = False) -> tuple[list[WindowPart], int]:
        """Windows that are over (or all), and the second before which nothing more will come."""
        with self._lock:
            now = max(0, int(self._clock() - self._start_s))
            done = [key for key in self._windows if everything or key[0] < now]
            parts = [self._windows.pop(key).part(*key) for key in sorted(done)]
        return parts, now
