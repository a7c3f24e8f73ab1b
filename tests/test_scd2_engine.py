"""The SQL build of CORE.DIM_TRUCK in the embedded warehouse equals the rule, whatever the order."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetctl.errors import ConfigError
from fleetctl.scd2.rules import DEFAULT_TRACKED, Event, row_hash, surrogate_key, versions
from fleetctl.warehouse import Warehouse
from fleetctl.warehouse import dimension_build as engine
from fleetctl.warehouse.dimension_checks import run_checks
from tests.scd2_events import dimension, event, land, minute_of

pytestmark = pytest.mark.integration


def build(wh: Warehouse, **options) -> engine.BuildResult:
    return engine.build(wh, DEFAULT_TRACKED, **options)


def spans(wh: Warehouse, truck: str = "TRK-1") -> list[tuple[str | None, int | None, int | None]]:
    return [
        (v.values[0], minute_of(v.effective_from), minute_of(v.effective_to))
        for v in dimension(wh)
        if v.truck_id == truck
    ]


def test_first_build_takes_in_every_load_and_keys_and_hashes_match_the_rule(warehouse) -> None:
    events = [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 5, "B"), event(3, "TRK-2", 1, None)]
    land(warehouse, events)
    result = build(warehouse)
    assert (result.mode, result.loads, result.trucks, result.total("added")) == (
        "incremental",
        1,
        2,
        3,
    )
    assert dimension(warehouse) == versions(events)
    rows = warehouse.query("SELECT * FROM CORE.DIM_TRUCK ORDER BY TRUCK_ID, EFFECTIVE_FROM")
    expected = versions(events)
    assert [r["TRUCK_SK"] for r in rows] == [
        surrogate_key(v.truck_id, v.effective_from) for v in expected
    ]
    assert [r["ROW_HASH"] for r in rows] == [row_hash(v.values) for v in expected]
    assert [r["IS_CURRENT"] for r in rows] == [v.is_current for v in expected]
    assert all(check.ok for check in run_checks(warehouse, DEFAULT_TRACKED))


def test_a_late_event_splits_the_version_it_falls_in(warehouse) -> None:
    land(
        warehouse,
        [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 10, "A"), event(3, "TRK-1", 20, "B")],
    )
    build(warehouse)
    assert spans(warehouse) == [("A", 0, 20), ("B", 20, None)]
    land(warehouse, [event(9, "TRK-1", 5, "C")])
    result = build(warehouse)
    assert spans(warehouse) == [("A", 0, 5), ("C", 5, 10), ("A", 10, 20), ("B", 20, None)]
    # A is cut short (split), C and the resumed A are new versions
    assert (result.total("added"), result.total("removed"), result.total("split")) == (2, 0, 1)


def test_new_events_close_the_current_version(warehouse) -> None:
    land(warehouse, [event(1, "TRK-1", 0, "A")])
    build(warehouse)
    land(warehouse, [event(2, "TRK-1", 3, "A"), event(3, "TRK-1", 4, "B")])
    result = build(warehouse)
    assert spans(warehouse) == [("A", 0, 4), ("B", 4, None)]
    assert [(c.truck_id, c.closed, c.split) for c in result.changes] == [("TRK-1", 1, 0)]


def test_events_after_everything_only_continue_the_current_version(warehouse) -> None:
    land(
        warehouse, [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 5, "B"), event(3, "TRK-1", 6, "B")]
    )
    build(warehouse)
    # history before the current version is no longer needed once it is built: an append
    # reads only the current version and the new events
    warehouse.run("DELETE FROM RAW.TRUCK_TELEMETRY WHERE EVENT_TS < '2026-11-27 00:06:00'")
    land(warehouse, [event(4, "TRK-1", 7, "B"), event(5, "TRK-1", 9, "C")])
    result = build(warehouse)
    assert spans(warehouse) == [("A", 0, 5), ("B", 5, 9), ("C", 9, None)]
    assert [(c.added, c.removed, c.closed) for c in result.changes] == [(1, 0, 1)]


def test_rerunning_and_reloading_change_nothing(warehouse) -> None:
    events = [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 1, "B"), event(3, "TRK-1", 2, "A")]
    land(warehouse, events)
    build(warehouse)
    stamped = warehouse.query("SELECT TRUCK_SK, UPDATED_AT FROM CORE.DIM_TRUCK ORDER BY 1")
    assert build(warehouse).loads == 0
    land(warehouse, events)  # a replay: RAW skips every row, a new load id all the same
    result = build(warehouse)
    assert result.changes == []
    assert warehouse.query("SELECT TRUCK_SK, UPDATED_AT FROM CORE.DIM_TRUCK ORDER BY 1") == stamped


def test_flip_flops_and_nulls_are_versions_of_their_own(warehouse) -> None:
    land(
        warehouse,
        [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 1, None), event(3, "TRK-1", 2, "A")],
    )
    build(warehouse)
    assert spans(warehouse) == [("A", 0, 1), (None, 1, 2), ("A", 2, None)]


def test_ties_at_one_instant_resolve_by_event_id_in_any_load_order(warehouse) -> None:
    first, second = event(1, "TRK-1", 1, "B"), event(2, "TRK-1", 1, "C")
    later_id_wins = max((first, second), key=lambda e: e.event_id).values[0]
    land(warehouse, [event(0, "TRK-1", 0, "A"), second])
    build(warehouse)
    land(warehouse, [first])
    build(warehouse)
    assert spans(warehouse) == [("A", 0, 1), (later_id_wins, 1, None)]


def test_a_tie_at_a_version_start_can_merge_it_into_the_version_before(warehouse) -> None:
    opener = event(2, "TRK-1", 5, "B")
    # a late event of the same minute whose event_id sorts after the opener's holds the state
    # there: the truck never left A
    late = next(
        e for n in range(3, 99) if (e := event(n, "TRK-1", 5, "A")).event_id > opener.event_id
    )
    land(warehouse, [event(1, "TRK-1", 0, "A"), opener])
    build(warehouse)
    assert spans(warehouse) == [("A", 0, 5), ("B", 5, None)]
    land(warehouse, [late])
    build(warehouse)
    assert spans(warehouse) == [("A", 0, None)]


def test_dry_run_reports_changes_without_making_them(warehouse) -> None:
    land(warehouse, [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 20, "B")])
    build(warehouse)
    before = dimension(warehouse)
    land(warehouse, [event(3, "TRK-1", 10, "C")])
    preview = build(warehouse, dry_run=True)
    assert not preview.applied
    assert [(c.added, c.removed, c.split) for c in preview.changes] == [(1, 0, 1)]
    assert dimension(warehouse) == before
    assert build(warehouse).changes == preview.changes  # the dry run left the load pending


def test_a_build_that_fails_before_commit_is_redone_by_the_next(warehouse, monkeypatch) -> None:
    land(warehouse, [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 5, "B")])
    build(warehouse)
    land(warehouse, [event(3, "TRK-1", 10, "C")])
    original = warehouse.run

    def fail_on_marking(sql: str, params=None):
        if "DIM_TRUCK_LOADS (LOAD_ID" in sql:
            raise KeyboardInterrupt  # interrupted after the dimension rows, before the commit
        return original(sql, params)

    monkeypatch.setattr(warehouse, "run", fail_on_marking)
    with pytest.raises(KeyboardInterrupt):
        build(warehouse)
    monkeypatch.undo()
    assert spans(warehouse) == [("A", 0, 5), ("B", 5, None)]  # rolled back whole
    build(warehouse)
    assert spans(warehouse) == [("A", 0, 5), ("B", 5, 10), ("C", 10, None)]


def test_full_rebuild_of_chosen_trucks_and_changed_tracking(warehouse) -> None:
    land(warehouse, [event(1, "TRK-1", 0, "A"), event(2, "TRK-2", 0, "A", brake="WORN")])
    build(warehouse)
    with pytest.raises(ConfigError, match="rebuild it with `fleetctl backfill --full`"):
        engine.build(warehouse, ["driver_id"])
    with pytest.raises(ConfigError, match="needs --full"):
        build(warehouse, trucks=["TRK-1"])
    warehouse.run("DELETE FROM CORE.DIM_TRUCK WHERE TRUCK_ID = 'TRK-2'")
    result = build(warehouse, full=True, trucks=["TRK-2"])
    assert (result.mode, result.trucks, result.total("added")) == ("full", 1, 1)
    assert dimension(warehouse) == versions(
        [event(1, "TRK-1", 0, "A"), event(2, "TRK-2", 0, "A", brake="WORN")]
    )


EVENTS = st.lists(
    st.builds(
        lambda n, truck, minute, driver, brake: event(n, truck, minute, driver, brake),
        st.integers(0, 40),
        st.sampled_from(["TRK-1", "TRK-2"]),
        st.integers(0, 15),
        st.sampled_from(["A", "B", None]),
        st.sampled_from(["OK", "WORN"]),
    ),
    min_size=1,
    max_size=30,
).map(lambda events: list({e.event_id: e for e in events}.values()))  # one event per id


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=EVENTS, data=st.data())
def test_incremental_builds_equal_a_full_rebuild_and_the_rule(warehouse, events, data) -> None:
    warehouse.run("DELETE FROM RAW.TRUCK_TELEMETRY")
    warehouse.run("DELETE FROM CORE.DIM_TRUCK")
    warehouse.run("DELETE FROM CORE.DIM_TRUCK_LOADS")
    warehouse.run("DELETE FROM CORE.DIM_TRUCK_LAST_EVENT")
    arrival = data.draw(st.permutations(events))
    # some events arrive twice, in later batches: replays and at-least-once delivery
    repeats = data.draw(st.lists(st.sampled_from(events), max_size=5))
    stream: list[Event] = [*arrival, *repeats]
    cuts = sorted(data.draw(st.sets(st.integers(1, len(stream)), max_size=3)) | {len(stream)})
    start = 0
    for cut in cuts:
        land(warehouse, stream[start:cut])
        build(warehouse)
        start = cut
    incremental = dimension(warehouse)
    assert incremental == versions(events)
    build(warehouse, full=True)
    assert dimension(warehouse) == incremental
    assert all(check.ok for check in run_checks(warehouse, DEFAULT_TRACKED))
