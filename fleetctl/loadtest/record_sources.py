"""Simulated records on demand for a load test, stamped with the wall-clock time they are sent.

Each process simulates its own slice of the fleet (`first_truck`) and its own clickstream seed, so
parts never send the same truck or event id. `event_ts` is overwritten with the send time so that
event time -> landed is a real lag: to the second for clicks, to the minute for telemetry (the
record contract keeps telemetry minute-aligned).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

import orjson

from fleetctl.instants import CONTRACT_TS

MINUTE_FORMAT = "%Y-%m-%dT%H:%M:00Z"
SEED_STRIDE = 1_000  # part p of seed s simulates clicks with seed s * 1000 + p
# A simulated minute is generated at once, between two sends: these bound that pause (~0.1 s).
# Past them a simulated minute lasts less than a real one: trucks report more than once a minute.
MAX_TRUCKS_PER_PART = 10_000
MAX_CLICKS_PER_MINUTE = 6_000.0
MIN_CLICKS_PER_MINUTE = 600.0  # a quiet simulated night still fills a minute
EMPTY_MINUTES_TOLERATED = 100


class RecordSource:
    """Serialized records of one stream, drawn from a simulator's minutes as they are needed."""

    def __init__(self, next_minute: Callable[[], list[dict]], stamp_format: str) -> None:
        self._next_minute = next_minute
        self._stamp_format = stamp_format
        self._buffer: list[dict] = []
        self._taken = 0  # records of the buffer already handed out

    def take(self, count: int, now_s: float | None = None) -> list[bytes]:
        """`count` records, `event_ts` set to `now_s` (epoch seconds; default: the clock)."""
        empty = 0
        while len(self._buffer) - self._taken < count:
            minute = self._next_minute()
            empty = 0 if minute else empty + 1
            if empty > EMPTY_MINUTES_TOLERATED:
                raise RuntimeError(f"the simulator produced {empty} empty minutes in a row")
            self._buffer = [*self._buffer[self._taken :], *minute]
            self._taken = 0
        records = self._buffer[self._taken : self._taken + count]
        self._taken += count
        stamp = time.strftime(
            self._stamp_format, time.gmtime(time.time() if now_s is None else now_s)
        )
        lines = []
        for record in records:
            record["event_ts"] = stamp
            lines.append(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        return lines


def sources_for(
    peak_per_s: dict[str, float], seed: int, part: int, start: datetime | None = None
) -> dict[str, RecordSource]:
    """A source per stream for one part whose peak rates are `peak_per_s`.

    The part's fleet is its peak telemetry rate x 60 trucks (up to MAX_TRUCKS_PER_PART), so at
    the peak every truck reports once a minute, as real ones do.
    """
    from simulators import ClickstreamSimulator, TelemetrySimulator

    begin = (start or datetime.now(UTC)).replace(second=0, microsecond=0)
    sources: dict[str, RecordSource] = {}
    if "telemetry" in peak_per_s:
        trucks = min(MAX_TRUCKS_PER_PART, max(1, math.ceil(peak_per_s["telemetry"] * 60)))
        simulator = TelemetrySimulator(
            seed=seed, start=begin, trucks=trucks, first_truck=part * trucks
        )
        sources["telemetry"] = RecordSource(simulator.next_minute, MINUTE_FORMAT)
    if "clickstream" in peak_per_s:
        clicks = ClickstreamSimulator(
            seed=seed * SEED_STRIDE + part,
            start=begin,
            clicks_per_minute=min(
                MAX_CLICKS_PER_MINUTE, max(MIN_CLICKS_PER_MINUTE, peak_per_s["clickstream"] * 60)
            ),
        )
        sources["clickstream"] = RecordSource(clicks.next_minute, CONTRACT_TS)
    return sources
