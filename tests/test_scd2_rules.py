"""The SCD2 rule itself, on hand-made histories (the SQL engine is checked against it elsewhere)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fleetctl.scd2.rules import Event, Version, row_hash, versions

T0 = datetime(2026, 11, 27, 8, 0)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def ev(event_id: str, minute: int, driver: str | None, truck: str = "TRK-1") -> Event:
    return Event(event_id, truck, at(minute), (driver, "DEP-1"))


def spans(result: list[Version]) -> list[tuple[str | None, int, int | None]]:
    def minute(ts: datetime | None) -> int | None:
        return None if ts is None else int((ts - T0).total_seconds() // 60)

    return [(v.values[0], minute(v.effective_from), minute(v.effective_to)) for v in result]


def test_a_b_a_is_three_versions_and_only_the_last_is_current() -> None:
    result = versions([ev("1", 0, "A"), ev("2", 1, "A"), ev("3", 2, "B"), ev("4", 3, "A")])
    assert spans(result) == [("A", 0, 2), ("B", 2, 3), ("A", 3, None)]
    assert [v.is_current for v in result] == [False, False, True]


def test_late_event_inside_a_version_splits_it() -> None:
    on_time = [ev("1", 0, "A"), ev("2", 10, "A"), ev("3", 20, "B")]
    assert spans(versions(on_time)) == [("A", 0, 20), ("B", 20, None)]
    late = ev("9", 5, "C")
    assert spans(versions([*on_time, late])) == [
        ("A", 0, 5),
        ("C", 5, 10),
        ("A", 10, 20),
        ("B", 20, None),
    ]


def test_repeated_event_ids_count_once_whatever_the_order() -> None:
    events = [ev("1", 0, "A"), ev("2", 1, "B"), ev("2", 1, "B"), ev("3", 2, "A")]
    assert versions(events) == versions(list(reversed(events))) == versions(set(events))


def test_null_is_a_value_of_its_own() -> None:
    result = versions([ev("1", 0, None), ev("2", 1, None), ev("3", 2, "A"), ev("4", 3, None)])
    assert spans(result) == [(None, 0, 2), ("A", 2, 3), (None, 3, None)]


def test_ties_at_one_instant_leave_the_last_event_id_holding_the_state() -> None:
    # b > a, so b's values are the state at minute 1; no version of zero length appears
    result = versions([ev("1", 0, "A"), ev("b", 1, "C"), ev("a", 1, "B"), ev("2", 2, "C")])
    assert spans(result) == [("A", 0, 1), ("C", 1, None)]


def test_trucks_are_independent() -> None:
    result = versions([ev("1", 0, "A", truck="T2"), ev("2", 0, "A"), ev("3", 1, "B", truck="T2")])
    assert [(v.truck_id, v.values[0]) for v in result] == [("T2", "A"), ("T2", "B"), ("TRK-1", "A")]


def test_row_hash_tells_null_from_text_and_order_matters() -> None:
    assert row_hash((None, "X")) != row_hash(("", "X"))
    assert row_hash(("A", "B")) != row_hash(("B", "A"))
    assert row_hash(("A", None)) == row_hash(("A", None))
