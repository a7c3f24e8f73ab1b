"""Reproducibility: same seed and start give the same bytes, however the fleet is split or run."""

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators import ClickstreamSimulator, TelemetrySimulator

START = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)  # just before the early shifts start
ROOT = Path(__file__).resolve().parents[1]


def telemetry_bytes(seed: int, trucks: int, minutes: int, first_truck: int = 0, start=START):
    simulator = TelemetrySimulator(seed=seed, start=start, trucks=trucks, first_truck=first_truck)
    return [[orjson.dumps(r) for r in simulator.next_minute()] for _ in range(minutes)]


def click_bytes(seed: int, rate: float, minutes: int, start=START) -> list[list[bytes]]:
    simulator = ClickstreamSimulator(seed=seed, start=start, clicks_per_minute=rate)
    return [[orjson.dumps(r) for r in simulator.next_minute()] for _ in range(minutes)]


def test_same_seed_and_start_give_identical_bytes():
    assert telemetry_bytes(3, 20, 180) == telemetry_bytes(3, 20, 180)
    assert click_bytes(3, 40.0, 120) == click_bytes(3, 40.0, 120)


def test_a_different_seed_gives_different_records_and_ids():
    ours, theirs = telemetry_bytes(3, 5, 60), telemetry_bytes(4, 5, 60)
    assert ours != theirs
    ids = {orjson.loads(r)["event_id"] for minute in ours for r in minute}
    assert not ids & {orjson.loads(r)["event_id"] for minute in theirs for r in minute}
    assert click_bytes(3, 40.0, 30) != click_bytes(4, 40.0, 30)


def test_overlapping_runs_from_different_starts_share_no_event_ids():
    early = telemetry_bytes(3, 5, 120)
    late = telemetry_bytes(3, 5, 60, start=START + timedelta(minutes=30))
    ids = [orjson.loads(r)["event_id"] for minute in early + late for r in minute]
    assert len(ids) == len(set(ids))
    clicks = click_bytes(3, 40.0, 60) + click_bytes(3, 40.0, 60, start=START + timedelta(minutes=1))
    click_ids = [orjson.loads(r)["event_id"] for minute in clicks for r in minute]
    assert len(click_ids) == len(set(click_ids))


def test_event_and_session_ids_are_unique_within_a_run():
    telemetry = [orjson.loads(r)["event_id"] for m in telemetry_bytes(3, 30, 120) for r in m]
    assert len(telemetry) == len(set(telemetry)) == 30 * 120
    clicks = [orjson.loads(r) for minute in click_bytes(3, 60.0, 240) for r in minute]
    assert len({r["event_id"] for r in clicks}) == len(clicks)
    sessions_by_id = {}
    for r in clicks:  # one session id never spans two users
        assert sessions_by_id.setdefault(r["session_id"], r["user_id"]) == r["user_id"]


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**63),
    trucks=st.integers(min_value=2, max_value=8),
    split=st.integers(min_value=1, max_value=7),
)
def test_fleet_slices_reproduce_the_whole_fleet(seed, trucks, split):
    split = min(split, trucks - 1)
    whole = telemetry_bytes(seed, trucks, 240)
    head = telemetry_bytes(seed, split, 240)
    tail = telemetry_bytes(seed, trucks - split, 240, first_truck=split)
    assert [h + t for h, t in zip(head, tail, strict=True)] == whole


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63), prefix=st.integers(1, 200))
def test_the_first_minutes_do_not_depend_on_how_long_the_run_is(seed, prefix):
    assert telemetry_bytes(seed, 4, prefix) == telemetry_bytes(seed, 4, 300)[:prefix]
    assert click_bytes(seed, 25.0, prefix) == click_bytes(seed, 25.0, 300)[:prefix]


def test_output_does_not_depend_on_the_hash_seed_of_the_interpreter():
    script = (
        "import hashlib, orjson, datetime as d; from simulators import *\n"
        "s = d.datetime(2026, 3, 2, 4, 30, tzinfo=d.UTC); h = hashlib.sha256()\n"
        "t = TelemetrySimulator(7, s, 6); c = ClickstreamSimulator(7, s, 30)\n"
        "for _ in range(200):\n"
        "    for r in t.next_minute() + c.next_minute(): h.update(orjson.dumps(r))\n"
        "print(h.hexdigest())\n"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        digests.add(run.stdout.strip())
    expected = hashlib.sha256()
    telemetry = TelemetrySimulator(7, datetime(2026, 3, 2, 4, 30, tzinfo=UTC), 6)
    clicks = ClickstreamSimulator(7, datetime(2026, 3, 2, 4, 30, tzinfo=UTC), 30)
    for _ in range(200):
        for r in telemetry.next_minute() + clicks.next_minute():
            expected.update(orjson.dumps(r))
    assert digests == {expected.hexdigest()}
