"""Per-second windows recorded by several processes merge into the numbers one process would have
measured alone; the verdict reads them; the dashboard shows them digit for digit."""

from __future__ import annotations

import random

import pytest
from hdrh.histogram import HdrHistogram
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from fleetctl.loadtest import dashboard
from fleetctl.loadtest.aggregate import Aggregate, Snapshot
from fleetctl.loadtest.metrics import LATENCY_MAX_US, WindowRecorder
from fleetctl.loadtest.profiles import Thresholds
from fleetctl.loadtest.verdict import judge
from fleetctl.sinks import CallOutcome


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def outcome(stream: str, seconds: float, records: int = 10, dead: int = 0, **counts) -> CallOutcome:
    return CallOutcome(
        stream=stream,
        records=records,
        bytes=records * 100,
        accepted=records - dead,
        dead_lettered=dead,
        retried=counts.get("retried", 0),
        throttled=counts.get("throttled", 0),
        attempts=1,
        seconds=seconds,
    )


@settings(max_examples=25, deadline=None)
@given(
    latencies_us=st.lists(st.integers(500, 5_000_000), min_size=1, max_size=300),
    parts=st.integers(1, 4),
    seed=st.integers(0, 1000),
)
def test_windows_merged_across_processes_equal_one_histogram_of_every_call(
    latencies_us: list[int], parts: int, seed: int
) -> None:
    rng = random.Random(seed)
    clock = FakeClock()
    recorders = [WindowRecorder(start_s=clock.now, clock=clock) for _ in range(parts)]
    alone = HdrHistogram(1, LATENCY_MAX_US, 3)
    for k, latency_us in enumerate(latencies_us):
        clock.now = 100.0 + k * 0.05  # calls spread over several seconds
        rng.choice(recorders).call_finished(outcome("telemetry", latency_us / 1e6))
        alone.record_value(latency_us)
    aggregate = Aggregate({"telemetry": [0] * 20}, 20, parts)
    for part, recorder in enumerate(recorders):
        windows, _ = recorder.take(everything=True)
        aggregate.add(part, windows, None)
    put = aggregate.snapshot(20, True, False).total.put_ms
    assert put is not None
    for key, percentile in (("p50", 50), ("p95", 95), ("p99", 99)):
        assert getattr(put, key) == round(alone.get_value_at_percentile(percentile) / 1000, 3)
    assert put.max == round(alone.get_max_value() / 1000, 3)


def test_a_second_is_sealed_only_once_every_process_has_sent_it() -> None:
    clock = FakeClock()
    fast, slow = (WindowRecorder(start_s=100.0, clock=clock) for _ in range(2))
    aggregate = Aggregate({"clickstream": [30, 30, 30]}, 3, parts=2)
    for second in range(3):
        clock.now = 100.0 + second + 0.5
        fast.sent("clickstream", 10)
        fast.call_finished(outcome("clickstream", 0.02))
        slow.sent("clickstream", 20)
        slow.call_finished(outcome("clickstream", 0.04, records=20))
    clock.now = 102.2
    aggregate.add(0, *fast.take())  # seconds 0 and 1 are over
    assert aggregate.rows() == []  # the slow process has not said anything yet
    aggregate.add(1, *slow.take())
    rows = aggregate.rows()
    assert [(r.second, r.scheduled, r.sent, r.accepted, r.calls) for r in rows] == [
        (0, 30, 30, 30, 2),
        (1, 30, 30, 30, 2),
    ]
    assert rows[0].put_p50_ms == pytest.approx(20, abs=0.05)
    assert rows[0].put_max_ms == pytest.approx(40, abs=0.05)
    aggregate.add(0, fast.take(everything=True)[0], None)
    aggregate.add(1, slow.take(everything=True)[0], None)
    aggregate.finish()
    assert [r.second for r in aggregate.rows()] == [0, 1, 2]


def steady_snapshot(dead: int = 0, throttled: int = 0, latency_s: float = 0.05) -> Snapshot:
    """Ten seconds of 100 records/s per stream; each second one batch of each stream lands."""
    clock = FakeClock()
    recorder = WindowRecorder(start_s=100.0, clock=clock)
    for second in range(10):
        clock.now = 100.0 + second + 0.3
        for stream in ("clickstream", "telemetry"):
            recorder.sent(stream, 100)
            lost = dead if second == 0 and stream == "telemetry" else 0
            recorder.call_finished(outcome(stream, latency_s, 100, lost, throttled=throttled))
    aggregate = Aggregate({"clickstream": [100] * 10, "telemetry": [100] * 10}, 10, 1)
    aggregate.add(0, recorder.take(everything=True)[0], None)
    aggregate.finish()
    return aggregate.snapshot(10.0, True, False)


def test_rates_and_error_rate_come_from_the_windows() -> None:
    snapshot = steady_snapshot(dead=5)
    telemetry = snapshot.streams["telemetry"]
    assert (telemetry.target_per_s, telemetry.achieved_per_s) == (100.0, 99.5)
    assert telemetry.achieved_ratio == 0.995
    assert telemetry.error_rate == 0.005
    assert snapshot.total.error_rate == 0.0025
    assert snapshot.total.lag_s is None
    assert (telemetry.last_second_scheduled, telemetry.last_second_accepted) == (100, 100)
    assert snapshot.total.last_second_accepted == 200


def test_verdict_passes_within_thresholds_and_names_every_failure() -> None:
    thresholds = Thresholds(p99_put_ms=100, error_rate=0.001, min_achieved_ratio=0.98)
    assert judge(steady_snapshot(), thresholds, "firehose").passed
    verdict = judge(steady_snapshot(dead=50, latency_s=0.3), thresholds, "firehose")
    assert not verdict.passed
    assert verdict.failures == [
        "put latency p99 300.031 ms > 100 ms",
        "error rate 2.5000% > 0.1000%",
        "telemetry achieved 95.00% of target (95.0 of 100.0 records/s) < 98.00%",
    ]


def test_a_lag_threshold_fails_when_the_sink_cannot_report_lag() -> None:
    verdict = judge(steady_snapshot(), Thresholds(p99_lag_s=5), "firehose")
    assert verdict.failures == [
        "end-to-end lag p99 cannot be checked: the firehose sink reported no lag"
    ]


def test_dashboard_cells_are_the_snapshot_numbers() -> None:
    snapshot = steady_snapshot(dead=5, throttled=3)
    console = Console(record=True, width=120)
    console.print(dashboard.render(snapshot, "loadtest"))
    rows = {
        cells[0]: cells[1:]
        for line in console.export_text().splitlines()
        if len(cells := [c.strip() for c in line.strip("│┃").split("│")]) == 4
    }
    telemetry, total = snapshot.streams["telemetry"], snapshot.total
    assert rows["achieved records/s"][1:] == [f"{telemetry.achieved_per_s:,.1f}", "199.5"]
    assert rows["achieved / target"][1] == "99.50%"
    assert rows["dead-lettered"] == ["0", "5", "5"]
    assert rows["throttled"] == ["30", "30", "60"]
    assert rows["put p99 ms"][2] == f"{total.put_ms.p99:,.3f}"
    assert rows["lag p99 s"] == ["n/a", "n/a", "n/a"]
