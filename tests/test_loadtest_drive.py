"""One load-test process's send loop on a fake clock: sends go out when due whatever the sink is
doing, a slow sink leaves records unsent instead of stretching the run, and a sink that reports
landing lag gets it measured from the send-time `event_ts`."""

from __future__ import annotations

import calendar
import time

import orjson
import pytest

from fleetctl.config import load_settings
from fleetctl.loadtest.aggregate import Aggregate
from fleetctl.loadtest.metrics import WindowRecorder
from fleetctl.loadtest.profiles import RateCurve, Thresholds
from fleetctl.loadtest.record_sources import sources_for
from fleetctl.loadtest.schedule import records_per_second
from fleetctl.loadtest.verdict import judge
from fleetctl.loadtest.workers import LATE_GRACE_S, WorkerPlan, drive
from fleetctl.sinks import LandingObserver, SinkReport

START = 1000.0
STREAMS = {"clickstream": RateCurve([(0, 50)]), "telemetry": RateCurve([(0, 20)])}


class FakeClock:
    """Monotonic time for the loop; `wait` is the stop event's, which the pacer sleeps on."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.now += seconds
        return False

    def is_set(self) -> bool:
        return False


class SlowSink:
    """A synchronous sink whose every send takes `cost_s` of the fake clock."""

    name = "slow"

    def __init__(self, clock: FakeClock, cost_s: float) -> None:
        self.clock = clock
        self.cost_s = cost_s
        self.sends: list[tuple[float, str, int]] = []

    def send(self, stream: str, records: list[bytes]) -> None:
        self.sends.append((self.clock.now - START, stream, len(records)))
        self.clock.now += self.cost_s

    def close(self) -> SinkReport:
        return SinkReport(sink=self.name)


class LandingSink(SlowSink):
    """Lands every record `pipeline_s` after it is sent and says how late that was."""

    def __init__(self, clock: FakeClock, pipeline_s: float) -> None:
        super().__init__(clock, 0.0)
        self.pipeline_s = pipeline_s
        self.observer: LandingObserver | None = None

    def observe_landing(self, observer: LandingObserver) -> None:
        self.observer = observer

    def send(self, stream: str, records: list[bytes]) -> None:
        super().send(stream, records)
        landed_at = time.time() + self.pipeline_s
        lags = [landed_at - epoch_s(orjson.loads(r)["event_ts"]) for r in records]
        assert self.observer is not None
        self.observer.records_landed(stream, lags)


def epoch_s(event_ts: str) -> float:
    return calendar.timegm(time.strptime(event_ts, "%Y-%m-%dT%H:%M:%SZ"))


def run(sink: SlowSink, clock: FakeClock, duration_s: float = 2.0) -> WindowRecorder:
    plan = WorkerPlan(0, 1, STREAMS, duration_s, 0.1, 1, sink.name, load_settings(environ={}))
    recorder = WindowRecorder(START, clock=clock)
    if isinstance(sink, LandingSink):
        sink.observe_landing(recorder)
    sources = sources_for({"clickstream": 50, "telemetry": 20}, seed=1, part=0)
    drive(plan, sink, sources, recorder, START, clock, clock=clock)
    return recorder


def test_sends_go_out_at_their_due_times_with_the_scheduled_counts() -> None:
    clock = FakeClock()
    sink = SlowSink(clock, cost_s=0.01)
    run(sink, clock)
    clicks = [(at, n) for at, stream, n in sink.sends if stream == "clickstream"]
    assert [at for at, _ in clicks] == pytest.approx([k / 10 for k in range(20)])
    assert [n for _, n in clicks] == [5] * 20
    assert sum(n for _, s, n in sink.sends if s == "telemetry") == 40


def test_a_slow_sink_cannot_slow_the_schedule_it_leaves_records_unsent() -> None:
    clock = FakeClock()
    sink = SlowSink(clock, cost_s=0.35)  # 40 sends due in 2 s would take 14 s
    recorder = run(sink, clock)
    starts = [at for at, _, _ in sink.sends]
    # behind schedule from the second send on: back to back, never waiting for a due time
    assert starts[1:] == pytest.approx([0.35 * k for k in range(1, len(starts))])
    assert starts[-1] <= 2.0 + LATE_GRACE_S
    aggregate = Aggregate(records_per_second(STREAMS, 2.0, 0.1), 2.0, 1)
    aggregate.add(0, recorder.take(everything=True)[0], None)
    aggregate.finish()
    snapshot = aggregate.snapshot(clock.now - START, True, False)
    assert snapshot.total.scheduled == 140
    assert snapshot.total.sent == sum(n for _, _, n in sink.sends) < 140
    # a synchronous sink's send is its call: latency is the time the send took
    assert snapshot.total.put_ms.p50 == pytest.approx(350, rel=0.001)
    assert snapshot.total.achieved_ratio < 0.5


def test_landing_lag_is_measured_from_the_send_time_stamp() -> None:
    clock = FakeClock()
    sink = LandingSink(clock, pipeline_s=2.0)
    recorder = run(sink, clock)
    aggregate = Aggregate(records_per_second(STREAMS, 2.0, 0.1), 2.0, 1)
    aggregate.add(0, recorder.take(everything=True)[0], None)
    aggregate.finish()
    snapshot = aggregate.snapshot(2.0, True, reports_lag=True)
    clicks = snapshot.streams["clickstream"].lag_s
    # stamped to the second when sent, landed 2 s later: between 2 and 3 s
    assert clicks is not None and 2.0 <= clicks.p50 <= clicks.max < 3.01
    telemetry = snapshot.streams["telemetry"].lag_s
    assert telemetry is not None and 2.0 <= telemetry.p50 < 62.01  # minute-aligned stamps
    assert judge(snapshot, Thresholds(p99_lag_s=63), "landing").passed
    assert not judge(snapshot, Thresholds(p99_lag_s=1), "landing").passed
