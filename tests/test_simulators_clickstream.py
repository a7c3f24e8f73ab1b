"""Clickstream behaviour over a simulated day: daily rhythm, popularity, sessions, regulars."""

import statistics
import tracemalloc
from collections import Counter, defaultdict
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators import ClickstreamSimulator, TelemetrySimulator
from simulators.clickstream import diurnal_factor

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 01:00 local
RATE = 20.0


@pytest.fixture(scope="module")
def day() -> list[list[dict]]:
    simulator = ClickstreamSimulator(seed=9, start=START, clicks_per_minute=RATE)
    return [simulator.next_minute() for _ in range(1440)]


def local_hours(minutes: list[list[dict]], first: int, last: int) -> list[int]:
    """Clicks per minute between local hours `first` and `last` (UTC+1)."""
    return [len(m) for k, m in enumerate(minutes) if first <= (k / 60 + 1) % 24 < last]


def test_daily_mean_rate_is_clicks_per_minute(day):
    assert sum(len(m) for m in day) / 1440 == pytest.approx(RATE, rel=0.03)
    assert statistics.fmean(diurnal_factor(m) for m in range(1440)) == pytest.approx(1.0)


def test_nights_are_quieter_than_evenings(day):
    night, evening = local_hours(day, 2, 5), local_hours(day, 18, 22)
    assert statistics.mean(night) < 0.4 * statistics.mean(evening)


def test_clicks_per_minute_scatter_like_a_poisson_count(day):
    counts = local_hours(day, 12, 14)  # a flat stretch of the daily curve
    dispersion = statistics.variance(counts) / statistics.mean(counts)
    assert 0.6 < dispersion < 1.6


def test_a_few_popular_items_draw_most_clicks(day):
    clicks = Counter(r["item_id"] for m in day for r in m)
    total = sum(clicks.values())
    top_tenth = sum(count for _, count in clicks.most_common(30))
    assert top_tenth / total > 0.4
    assert len(clicks) > 200  # but the long tail is browsed too


def test_sessions_span_several_clicks_and_minutes_and_stay_in_a_category(day):
    sessions = defaultdict(list)
    for minute, records in enumerate(day):
        for r in records:
            sessions[r["session_id"]].append((minute, r["category"], r["page"]))
    clicks_per_session = [len(s) for s in sessions.values()]
    assert statistics.mean(clicks_per_session) > 2.5
    multi_minute = sum(1 for s in sessions.values() if len({m for m, _, _ in s}) > 1)
    assert multi_minute / len(sessions) > 0.5
    same, follows = 0, 0
    for clicks in sessions.values():
        for (_, a, _), (_, b, _) in pairwise(clicks):
            same += a == b
            follows += 1
    assert same / follows > 0.8  # three categories: chance alone would give ~0.4
    starts = Counter(s[0][2] for s in sessions.values())
    assert starts["checkout"] == starts["cart"] == 0  # nobody lands in the cart


def test_most_clicks_are_single_and_users_return(day):
    records = [r for m in day for r in m]
    counts = Counter(r["click_count"] for r in records)
    assert counts[1] / len(records) > 0.75 and min(counts) >= 1
    sessions_per_user = Counter(
        user for user, _ in {(r["user_id"], r["session_id"]) for r in records}
    )
    returning = sum(1 for n in sessions_per_user.values() if n > 1)
    assert returning / len(sessions_per_user) > 0.1
    assert max(sessions_per_user.values()) < 30  # regulars, not bots


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**63), rate=st.floats(0.5, 200.0))
def test_every_click_belongs_to_a_consistent_session(seed, rate):
    simulator = ClickstreamSimulator(seed=seed, start=START, clicks_per_minute=rate)
    owners = {}
    for _ in range(30):
        for r in simulator.next_minute():
            user_and_device = (r["user_id"], r["device"])
            assert owners.setdefault(r["session_id"], user_and_device) == user_and_device
            assert r["click_count"] >= 1


def grown_bytes(next_minute, minutes: int) -> int:
    """Memory kept after a long second run compared with after a first one."""
    for _ in range(minutes):
        next_minute()
    tracemalloc.start()
    first = tracemalloc.get_traced_memory()[0]
    for _ in range(minutes):
        next_minute()
    grown = tracemalloc.get_traced_memory()[0] - first
    tracemalloc.stop()
    return grown


def test_memory_stays_flat_however_long_the_simulation_runs():
    clicks = ClickstreamSimulator(seed=1, start=START, clicks_per_minute=5)
    assert grown_bytes(clicks.next_minute, 1440) < 64_000
    telemetry = TelemetrySimulator(seed=1, start=START, trucks=4)
    assert grown_bytes(telemetry.next_minute, 1440) < 16_000
