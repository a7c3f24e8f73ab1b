"""The open-loop arrival schedule: how many records of each stream go out when, from a profile.

Time is cut into ticks of `tick_s`; the records whose arrival (by the rate curve's integral) falls
in a tick go out together at the tick's start. Due times depend only on the clock, never on how
long earlier sends took, so a slow target shows as missed rate and latency instead of hiding them.
Record j of a stream (counted from 1) belongs to part (j - 1) mod parts, so the parts of a run
split every tick between processes with nothing lost or sent twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from fleetctl.loadtest.profiles import RateCurve


class Arrival(NamedTuple):
    due_s: float  # seconds after the start
    stream: str
    records: int


def ticks(duration_s: float, tick_s: float) -> int:
    return math.ceil(duration_s / tick_s - 1e-9)


def arrivals(
    streams: Mapping[str, RateCurve],
    duration_s: float,
    tick_s: float,
    part: int = 0,
    parts: int = 1,
) -> Iterator[Arrival]:
    """Arrivals of one part in due order (streams in name order within a tick), none empty."""
    if not 0 <= part < parts:
        raise ValueError(f"part {part} of {parts}")
    names = sorted(streams)
    sent = dict.fromkeys(names, 0)
    for k in range(ticks(duration_s, tick_s)):
        start_s = k * tick_s
        end_s = min((k + 1) * tick_s, duration_s)
        for name in names:
            due = part_share(math.floor(streams[name].count_until(end_s) + 1e-9), part, parts)
            if due > sent[name]:
                yield Arrival(start_s, name, due - sent[name])
                sent[name] = due


def part_share(records: int, part: int, parts: int) -> int:
    """How many of the first `records` records belong to `part`: ceil((records - part) / parts)."""
    return max(0, (records - part + parts - 1) // parts)


def records_per_second(
    streams: Mapping[str, RateCurve], duration_s: float, tick_s: float
) -> dict[str, list[int]]:
    """Records due in each whole second of the run, per stream (the target of every window)."""
    seconds = math.ceil(duration_s)
    due = {name: [0] * seconds for name in streams}
    for arrival in arrivals(streams, duration_s, tick_s):
        due[arrival.stream][int(arrival.due_s + 1e-9)] += arrival.records
    return due
