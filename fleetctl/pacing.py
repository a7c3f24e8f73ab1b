"""Time-keeping for producers: replay event time at a speed, cap records/s, feed a sink in chunks.

Schedules are open-loop: each event is due at a time computed from the first event, never from
when the previous send finished, so slow sends do not accumulate drift.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple

from fleetctl.core import Sink
from fleetctl.errors import InputError

Clock = Callable[[], float]
Sleep = Callable[[float], None]

CHUNK_RECORDS = 500  # one full PutRecordBatch; smaller chunks only cost calls


@lru_cache(maxsize=4096)
def event_time_s(event_ts: str) -> float | None:
    """Seconds since the epoch of an ISO-8601 `event_ts` (UTC if no offset), None if not one."""
    try:
        moment = datetime.fromisoformat(event_ts)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class Pacer:
    """Holds events back so event time passes `speed` times faster than wall time (1.0 = real)."""

    def __init__(
        self,
        speed: float,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        anchor: tuple[float, float] | None = None,
    ):
        """`anchor` (event time, clock time) fixes when events are due, e.g. a start agreed by
        several processes; without it the first event asked about is due at once."""
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.speed = speed
        self.sleep = sleep
        self._clock = clock
        self._anchor = anchor

    def delay_s(self, event_s: float) -> float:
        """Seconds until an event at `event_s` is due; the first event asked about is due now."""
        now = self._clock()
        if self._anchor is None:
            self._anchor = (event_s, now)
        first_event_s, first_wall_s = self._anchor
        due = first_wall_s + (event_s - first_event_s) / self.speed
        return max(0.0, due - now)

    def wait(self, event_s: float) -> None:
        if (remaining := self.delay_s(event_s)) > 0:
            self.sleep(remaining)


def pacer_for(speed: float) -> Pacer | None:
    """The pacer for a `--speed` setting; 0 means as fast as possible, no pacing at all."""
    return Pacer(speed) if speed else None


def speed_option(realtime: bool, speed: float | None) -> float | None:
    """`--realtime` is `--speed 1`; asking for both with different speeds is a contradiction."""
    if not realtime:
        return speed
    if speed is not None and speed != 1.0:
        raise InputError(f"--realtime means --speed 1, not --speed {speed}: give one of them")
    return 1.0


class RateLimiter:
    """At most `per_second` records per second, batch by batch; idle time earns no burst credit."""

    def __init__(self, per_second: float, clock: Clock = time.monotonic, sleep: Sleep = time.sleep):
        if per_second <= 0:
            raise ValueError("rate must be > 0")
        self.per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._next_free_s: float | None = None

    def acquire(self, records: int) -> None:
        """Block until `records` more may go out, then book the time they use."""
        now = self._clock()
        if self._next_free_s is None or self._next_free_s < now:
            self._next_free_s = now
        if (wait := self._next_free_s - now) > 0:
            self._sleep(wait)
        self._next_free_s += records / self.per_second


class Event(NamedTuple):
    stream: str
    data: bytes
    event_ts: str | None
    event_id: str | None = None  # for the run's event-id sidecar; None when the record has none


def feed(
    sink: Sink,
    events: Iterable[Event],
    pacer: Pacer | None = None,
    on_sent: Callable[[int], None] | None = None,
    chunk_records: int = CHUNK_RECORDS,
) -> None:
    """Send `events` to `sink` in order, in chunks per stream, none before the pacer allows.

    Pending chunks go out before every wait, so a paced record is never held past its due time.
    """
    pending: dict[str, list[bytes]] = {}

    def send(stream: str) -> None:
        chunk = pending.pop(stream)
        sink.send(stream, chunk)
        if on_sent is not None:
            on_sent(len(chunk))

    for event in events:
        if pacer is not None and event.event_ts is not None:
            event_s = event_time_s(event.event_ts)
            if event_s is not None and pacer.delay_s(event_s) > 0:
                for stream in list(pending):
                    send(stream)
                pacer.wait(event_s)  # what is left of the wait once the sends are done
        chunk = pending.setdefault(event.stream, [])
        chunk.append(event.data)
        if len(chunk) >= chunk_records:
            send(event.stream)
    for stream in list(pending):
        send(stream)
