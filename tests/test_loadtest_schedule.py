"""The open-loop schedule: arrivals add up to the rate's integral, parts split it exactly, and due
times come from the clock alone."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from fleetctl.loadtest.profiles import RateCurve
from fleetctl.loadtest.schedule import arrivals, part_share, records_per_second

rates = st.floats(min_value=0, max_value=5000, allow_nan=False)
gaps = st.floats(min_value=0.05, max_value=30, allow_nan=False)


@st.composite
def curves(draw: st.DrawFn) -> RateCurve:
    times = [0.0]
    for gap in draw(st.lists(gaps, max_size=5)):
        times.append(times[-1] + gap)
    return RateCurve([(t, draw(rates)) for t in times])


ticks = st.sampled_from([0.05, 0.1, 0.25, 0.5, 1.0])
durations = st.floats(min_value=0.1, max_value=60, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(curve=curves(), tick_s=ticks, duration_s=durations, data=st.data())
def test_arrivals_in_any_window_sum_to_the_integral_of_the_rate_within_rounding(
    curve: RateCurve, tick_s: float, duration_s: float, data: st.DataObject
) -> None:
    schedule = list(arrivals({"s": curve}, duration_s, tick_s))
    assert sum(a.records for a in schedule) == math.floor(curve.count_until(duration_s) + 1e-9)
    # any window of whole ticks [a, b): what is due in it is within one record of the integral
    n_ticks = math.ceil(duration_s / tick_s - 1e-9)
    first = data.draw(st.integers(0, n_ticks - 1))
    last = data.draw(st.integers(first + 1, n_ticks))
    start_s, end_s = first * tick_s, min(last * tick_s, duration_s)
    in_window = sum(a.records for a in schedule if start_s - 1e-9 <= a.due_s < end_s - 1e-9)
    expected = curve.count_until(end_s) - curve.count_until(start_s)
    assert abs(in_window - expected) < 1 + 1e-6


@settings(max_examples=100, deadline=None)
@given(curve=curves(), tick_s=ticks, duration_s=durations, parts=st.integers(1, 8))
def test_parts_split_every_tick_exactly_between_processes(
    curve: RateCurve, tick_s: float, duration_s: float, parts: int
) -> None:
    streams = {"clickstream": curve, "telemetry": RateCurve([(0, 10)])}
    whole = Counter()
    for arrival in arrivals(streams, duration_s, tick_s):
        whole[(arrival.due_s, arrival.stream)] += arrival.records
    split = Counter()
    for part in range(parts):
        for arrival in arrivals(streams, duration_s, tick_s, part, parts):
            split[(arrival.due_s, arrival.stream)] += arrival.records
    assert split == whole


@settings(max_examples=100, deadline=None)
@given(curve=curves(), tick_s=ticks, duration_s=durations)
def test_due_times_are_ordered_tick_starts_within_the_run(
    curve: RateCurve, tick_s: float, duration_s: float
) -> None:
    schedule = list(arrivals({"s": curve}, duration_s, tick_s))
    dues = [a.due_s for a in schedule]
    assert dues == sorted(dues)
    assert all(0 <= due < duration_s for due in dues)
    assert all(abs(due / tick_s - round(due / tick_s)) < 1e-6 for due in dues)
    assert all(a.records > 0 for a in schedule)


@given(records=st.integers(0, 10_000), parts=st.integers(1, 16))
def test_part_shares_add_up_and_differ_by_at_most_one(records: int, parts: int) -> None:
    shares = [part_share(records, part, parts) for part in range(parts)]
    assert sum(shares) == records
    assert max(shares) - min(shares) <= 1


def test_seconds_of_a_ramp_hold_its_integral() -> None:
    ramp = RateCurve([(0, 0), (10, 100)])  # 10 records/s more every second
    per_second = records_per_second({"clickstream": ramp}, 10, 0.1)["clickstream"]
    assert per_second == [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]
