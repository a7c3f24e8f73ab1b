"""The parent's view of a load test: every process's windows merged into one `Snapshot`.

The dashboard and the saved results render the same Snapshot, and its numbers are rounded here,
once, so what is shown is exactly what is saved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import msgspec
from hdrh.histogram import HdrHistogram

from fleetctl.loadtest.metrics import Counts, WindowPart, lag_histogram, latency_histogram

TOTAL = "total"
PERCENTILES = (50.0, 95.0, 99.0)


class Percentiles(msgspec.Struct, kw_only=True):
    p50: float
    p95: float
    p99: float
    max: float


class StreamSummary(msgspec.Struct, kw_only=True):
    target_per_s: float
    achieved_per_s: float
    achieved_ratio: float | None  # None when the target is 0
    scheduled: int
    sent: int
    accepted: int
    dead_lettered: int
    retried: int
    throttled: int
    calls: int
    error_rate: float  # dead-lettered / sent
    # the latest second every process has reported (the run's last second once final)
    last_second_scheduled: int
    last_second_accepted: int
    put_ms: Percentiles | None
    lag_s: Percentiles | None  # None when the sink does not report lag


class Snapshot(msgspec.Struct, kw_only=True):
    elapsed_s: float
    duration_s: float
    final: bool
    streams: dict[str, StreamSummary]
    total: StreamSummary


class WindowRow(msgspec.Struct, kw_only=True):
    """One second of one stream, for the CSV time series."""

    second: int
    stream: str
    scheduled: int
    sent: int
    accepted: int
    dead_lettered: int
    retried: int
    throttled: int
    calls: int
    put_p50_ms: float | None
    put_p99_ms: float | None
    put_max_ms: float | None
    lag_p50_s: float | None
    lag_p99_s: float | None


@dataclass
class _Merged:
    counts: Counts = field(default_factory=Counts)
    put_us: HdrHistogram = field(default_factory=latency_histogram)
    lag_ms: HdrHistogram = field(default_factory=lag_histogram)

    def add(self, counts: Counts, put_us: HdrHistogram | None, lag_ms: HdrHistogram | None) -> None:
        self.counts.add(counts)
        if put_us is not None:
            self.put_us.add(put_us)
        if lag_ms is not None:
            self.lag_ms.add(lag_ms)


class Aggregate:
    """Merges windows from `parts` processes; a second is sealed into a row once all sent it."""

    def __init__(self, scheduled: dict[str, list[int]], duration_s: float, parts: int) -> None:
        self.scheduled = scheduled
        self.duration_s = duration_s
        self._totals = {name: _Merged() for name in [*scheduled, TOTAL]}
        self._open: dict[tuple[int, str], _Merged] = {}
        self._rows: list[WindowRow] = []
        self._seconds = len(next(iter(scheduled.values()), []))
        self._watermarks: list[int | None] = [0] * parts
        self._sealed_until = 0

    def add(self, part: int, windows: list[WindowPart], watermark: int | None) -> None:
        """A process's windows; `watermark`: it has sent every second before it (None: all)."""
        for window in windows:
            put_us = HdrHistogram.decode(window.put_us) if window.put_us else None
            lag_ms = HdrHistogram.decode(window.lag_ms) if window.lag_ms else None
            for merged in (
                self._totals[window.stream],
                self._totals[TOTAL],
                self._open.setdefault((window.second, window.stream), _Merged()),
            ):
                merged.add(window.counts, put_us, lag_ms)
        if watermark is None:  # the part has finished: it holds nothing back any more
            self._watermarks[part] = None
        elif (current := self._watermarks[part]) is not None:
            self._watermarks[part] = max(current, watermark)
        if live := [w for w in self._watermarks if w is not None]:
            self._seal(min(live))

    @property
    def reported_s(self) -> int:
        """Seconds from the start that every process has fully reported."""
        return self._sealed_until

    def finish(self) -> None:
        """Every process has sent everything: seal what is left."""
        last = max([second for second, _ in self._open] + [self._sealed_until - 1])
        self._seal(max(last + 1, self._seconds))

    def _seal(self, until: int) -> None:
        for second in range(self._sealed_until, until):
            for stream in self.scheduled:
                self._rows.append(self._row(second, stream, self._open.pop((second, stream), None)))
        self._sealed_until = max(self._sealed_until, until)

    def _row(self, second: int, stream: str, merged: _Merged | None) -> WindowRow:
        merged = merged or _Merged()
        put = _percentiles(merged.put_us, 1000)
        lag = _percentiles(merged.lag_ms, 1000)
        targets = self.scheduled[stream]
        c = merged.counts
        return WindowRow(
            second=second,
            stream=stream,
            scheduled=targets[second] if second < len(targets) else 0,
            sent=c.sent,
            accepted=c.accepted,
            dead_lettered=c.dead_lettered,
            retried=c.retried,
            throttled=c.throttled,
            calls=c.calls,
            put_p50_ms=put.p50 if put else None,
            put_p99_ms=put.p99 if put else None,
            put_max_ms=put.max if put else None,
            lag_p50_s=lag.p50 if lag else None,
            lag_p99_s=lag.p99 if lag else None,
        )

    def rows(self) -> list[WindowRow]:
        return sorted(self._rows, key=lambda row: (row.second, row.stream))

    def snapshot(self, elapsed_s: float, final: bool, reports_lag: bool) -> Snapshot:
        """Totals so far. Achieved rates are over `elapsed_s`; targets over the scheduled part of
        it (the whole duration once `final`: the drain after the last send has no target)."""
        target_s = self.duration_s if final else min(float(int(elapsed_s)), self.duration_s)
        scheduled = {
            name: sum(per_second[: math.ceil(target_s)])
            for name, per_second in self.scheduled.items()
        }
        scheduled[TOTAL] = sum(scheduled.values())
        last = self._last_second()
        summaries = {
            name: _summary(merged, scheduled[name], elapsed_s, target_s, reports_lag, last[name])
            for name, merged in self._totals.items()
        }
        total = summaries.pop(TOTAL)
        return Snapshot(
            elapsed_s=round(elapsed_s, 3),
            duration_s=self.duration_s,
            final=final,
            streams=summaries,
            total=total,
        )

    def _last_second(self) -> dict[str, tuple[int, int]]:
        """(scheduled, accepted) in the latest sealed second of the run, per stream and in all."""
        second = min(self._sealed_until, self._seconds) - 1
        last = {name: (0, 0) for name in [*self.scheduled, TOTAL]}
        for row in self._rows:
            if row.second == second:
                last[row.stream] = (row.scheduled, row.accepted)
        last[TOTAL] = tuple(map(sum, zip(*(last[name] for name in self.scheduled), strict=True)))
        return last


def _summary(
    merged: _Merged,
    scheduled: int,
    elapsed_s: float,
    target_s: float,
    reports_lag: bool,
    last_second: tuple[int, int],
) -> StreamSummary:
    c = merged.counts
    target = scheduled / target_s if target_s > 0 else 0.0
    achieved = c.accepted / elapsed_s if elapsed_s > 0 else 0.0
    return StreamSummary(
        target_per_s=round(target, 1),
        achieved_per_s=round(achieved, 1),
        achieved_ratio=round(achieved / target, 4) if target > 0 else None,
        scheduled=scheduled,
        sent=c.sent,
        accepted=c.accepted,
        dead_lettered=c.dead_lettered,
        retried=c.retried,
        throttled=c.throttled,
        calls=c.calls,
        error_rate=round(c.dead_lettered / c.sent, 6) if c.sent else 0.0,
        last_second_scheduled=last_second[0],
        last_second_accepted=last_second[1],
        put_ms=_percentiles(merged.put_us, 1000),
        lag_s=_percentiles(merged.lag_ms, 1000) if reports_lag else None,
    )


def _percentiles(histogram: HdrHistogram, per_unit: int) -> Percentiles | None:
    """p50/p95/p99/max in the next unit up (µs -> ms, ms -> s), to a thousandth."""
    if histogram.get_total_count() == 0:
        return None
    values = histogram.get_percentile_to_value_dict(list(PERCENTILES))
    return Percentiles(
        p50=round(values[50.0] / per_unit, 3),
        p95=round(values[95.0] / per_unit, 3),
        p99=round(values[99.0] / per_unit, 3),
        max=round(histogram.get_max_value() / per_unit, 3),
    )
