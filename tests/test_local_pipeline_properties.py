"""Property: over any mix of valid, invalid and repeated records, sent in any chunks at any pace,
the local pipeline accounts for every accepted record exactly, and lands each event_id once."""

from __future__ import annotations

import uuid
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.handler_records import as_json, telemetry_record
from tests.pipeline_support import HandClock, at_minute, pipeline

POOL = 12  # event ids drawn from a small pool, so repeats within and across runs are common
INVALID = (
    b"not json\n",
    b'{"schema_version": 1}\n',
    orjson.dumps({**telemetry_record(0), "vehicle_speed_kmh": -1.0}) + b"\n",
)


def valid(n: int, variant: int) -> bytes:
    """A reading with event id n of the pool; `variant` changes its content, not its id."""
    return as_json(
        telemetry_record(
            0,
            event_id=str(uuid.UUID(int=n + 1)),
            truck_id=f"TRK-{n % 3:03d}",
            event_ts=at_minute(n),
            odometer_km=1000.0 + variant,
        )
    )


record = st.one_of(
    st.tuples(st.just("valid"), st.integers(0, POOL - 1), st.integers(0, 3)),
    st.tuples(st.just("invalid"), st.integers(0, len(INVALID) - 1), st.just(0)),
)
# (wait 61 s before this send?, records of the send)
sends = st.lists(st.tuples(st.booleans(), st.lists(record, max_size=8)), max_size=6)


def events_of(plan: list[tuple[bool, list[tuple[str, int, int]]]]) -> list[list[tuple]]:
    """The transformation events the plan makes: a buffer older than the 60 s interval hint is
    delivered, with the records just put, on the send after the wait; close delivers the rest."""
    events, current = [], []
    for wait, chunk in plan:
        expired = wait and bool(current)
        current = current + chunk
        if expired:
            events.append(current)
            current = []
    return [*events, current] if current else events


# event ids in RAW from earlier examples, per FLEETCTL_HOME: the examples share one warehouse
landed_by_home: dict[Path, set[int]] = {}


@pytest.mark.integration  # 15 examples, each opening the warehouse and loading
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=sends)
def test_every_accepted_record_is_accounted_for_and_lands_once(home: Path, plan) -> None:
    clock = HandClock()
    sink, _ = pipeline({}, clock)
    for wait, chunk in plan:
        if wait:
            clock.advance(61)
        lines = [valid(n, v) if kind == "valid" else INVALID[n] for kind, n, v in chunk]
        sink.send("telemetry", lines)
    report = sink.close()
    delivery = report.streams["telemetry"]

    sent = [r for _, chunk in plan for r in chunk]
    invalid = sum(1 for kind, _, _ in sent if kind == "invalid")
    dropped = 0
    for event in events_of(plan):
        ids = [n for kind, n, _ in event if kind == "valid"]
        dropped += len(ids) - len(set(ids))
    landed_before = landed_by_home.setdefault(home, set())
    new_ids = {n for kind, n, _ in sent if kind == "valid"} - landed_before
    landed_before.update(new_ids)

    assert delivery.accepted == len(sent)
    assert (
        delivery.accepted == delivery.transformed_ok + delivery.dropped + delivery.processing_failed
    )
    assert delivery.transformed_ok == delivery.landed + delivery.duplicates_skipped
    assert (delivery.processing_failed, delivery.dropped) == (invalid, dropped)
    assert delivery.landed == len(new_ids)
    assert (delivery.dead_lettered, delivery.errors) == (0, {})
    assert (report.dead_letter_path is not None) == (invalid > 0)
