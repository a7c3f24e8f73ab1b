"""Pacing by event time and rate limiting, on a fake clock: no real sleeps."""

from __future__ import annotations

import pytest

from fleetctl.core import SinkReport
from fleetctl.pacing import Event, Pacer, RateLimiter, event_time_s, feed


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RecordingSink:
    """A sink that remembers what arrived when, by the fake clock."""

    name = "recording"

    def __init__(self, clock: FakeClock, send_cost_s: float = 0.0) -> None:
        self.clock = clock
        self.send_cost_s = send_cost_s
        self.calls: list[tuple[float, str, list[bytes]]] = []

    def send(self, stream: str, records: list[bytes]) -> None:
        self.calls.append((self.clock.now, stream, list(records)))
        self.clock.now += self.send_cost_s

    def close(self) -> SinkReport:
        return SinkReport(sink=self.name)


def ts(second: int) -> str:
    return f"2026-11-27T00:{second // 60:02d}:{second % 60:02d}Z"


def test_event_time_parses_utc_and_offsets_and_rejects_junk() -> None:
    assert event_time_s("2026-11-27T00:01:00Z") - event_time_s("2026-11-27T00:00:00Z") == 60
    assert event_time_s("2026-11-27T01:00:00+01:00") == event_time_s("2026-11-27T00:00:00")
    assert event_time_s("yesterday") is None


@pytest.mark.parametrize(
    ("speed", "expected_due"), [(1.0, [0, 1, 60, 61]), (60.0, [0, 1 / 60, 1, 61 / 60])]
)
def test_events_are_released_at_their_event_time_divided_by_speed(
    speed: float, expected_due: list[float]
) -> None:
    clock = FakeClock()
    sink = RecordingSink(clock)
    seconds = [0, 1, 60, 61]
    events = [Event("clickstream", f"{s}\n".encode(), ts(s)) for s in seconds]
    feed(sink, events, Pacer(speed, clock=clock, sleep=clock.sleep))
    sent_at = [when - 1000.0 for when, _, _ in sink.calls]
    assert sent_at == pytest.approx(expected_due)
    assert [r for _, _, records in sink.calls for r in records] == [e.data for e in events]


def test_schedule_is_open_loop_so_slow_sends_do_not_add_up() -> None:
    clock = FakeClock()
    sink = RecordingSink(clock, send_cost_s=0.4)  # every send takes 0.4 s of the 1 s between events
    events = [Event("telemetry", b"r\n", ts(s)) for s in range(10)]
    feed(sink, events, Pacer(1.0, clock=clock, sleep=clock.sleep))
    sent_at = [when - 1000.0 for when, _, _ in sink.calls]
    assert sent_at == pytest.approx(list(range(10)))


def test_late_events_go_at_once_together_instead_of_waiting() -> None:
    clock = FakeClock()
    sink = RecordingSink(clock, send_cost_s=5.0)
    events = [Event("telemetry", f"{s}\n".encode(), ts(s)) for s in (0, 1, 2, 20)]
    feed(sink, events, Pacer(1.0, clock=clock, sleep=clock.sleep))
    assert [(when - 1000.0, records) for when, _, records in sink.calls] == [
        (0.0, [b"0\n"]),
        (5.0, [b"1\n", b"2\n"]),
        (20.0, [b"20\n"]),
    ]


def test_unpaced_feed_chunks_per_stream_in_order_without_sleeping() -> None:
    clock = FakeClock()
    sink = RecordingSink(clock)
    events = [
        Event("telemetry" if i % 3 else "clickstream", f"{i}\n".encode(), None) for i in range(25)
    ]
    sent: list[int] = []
    feed(sink, events, on_sent=sent.append, chunk_records=4)
    assert clock.sleeps == []
    assert all(len(records) <= 4 for _, _, records in sink.calls)
    for stream in ("telemetry", "clickstream"):
        got = [r for _, s, records in sink.calls if s == stream for r in records]
        assert got == [e.data for e in events if e.stream == stream]
    assert sum(sent) == 25


def test_pending_chunks_are_flushed_before_a_wait() -> None:
    clock = FakeClock()
    sink = RecordingSink(clock)
    events = [Event("clickstream", b"a\n", ts(0)), Event("telemetry", b"b\n", ts(0))]
    events.append(Event("clickstream", b"c\n", ts(30)))
    feed(sink, events, Pacer(1.0, clock=clock, sleep=clock.sleep))
    assert [(when - 1000.0, stream) for when, stream, _ in sink.calls] == [
        (0.0, "clickstream"),
        (0.0, "telemetry"),
        (30.0, "clickstream"),
    ]


def test_rate_limiter_spaces_batches_by_their_size_over_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100.0, clock=clock, sleep=clock.sleep)
    granted: list[float] = []
    for size in (50, 50, 100, 10):
        limiter.acquire(size)
        granted.append(clock.now - 1000.0)
    assert granted == pytest.approx([0.0, 0.5, 1.0, 2.0])


def test_rate_limiter_gives_no_burst_credit_for_idle_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    limiter.acquire(10)
    clock.now += 100.0  # idle a long time
    limiter.acquire(10)
    start = clock.now
    limiter.acquire(10)
    assert clock.now - start == pytest.approx(1.0)
