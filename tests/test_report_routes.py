"""Routes rebuilt from spans, and the solver's tour against every order tried by brute force."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleetctl.reports.routes import (
    Span,
    haversine_km,
    routes_from_spans,
    shortest_tour,
    tour_km,
)

T0 = datetime(2026, 11, 27, 6, 0)
DEPOT = (48.1351, 11.5820)

points_near_munich = st.lists(
    st.tuples(st.floats(47.8, 48.5), st.floats(11.2, 12.0)), min_size=1, max_size=6
)


@settings(max_examples=40, deadline=None)
@given(points_near_munich)
def test_the_tour_is_as_short_as_the_best_of_every_order(stops) -> None:
    points = [DEPOT, *stops]
    order = shortest_tour(points)
    assert sorted(order) == list(range(len(stops)))
    best = min(tour_km(points, p) for p in permutations(range(len(stops))))
    # the solver works in whole metres: one metre of rounding per leg at most
    assert tour_km(points, order) <= best + 0.001 * (len(stops) + 1)


def test_haversine_matches_a_known_distance() -> None:
    # Munich to Berlin city centres: about 504 km on the sphere
    assert haversine_km(48.1351, 11.5820, 52.5200, 13.4050) == pytest.approx(504.4, abs=0.5)


class Spans:
    """Consecutive spans of one truck, minute by minute from T0."""

    def __init__(self, truck: str = "TRK-1") -> None:
        self.truck = truck
        self.minute = 0
        self.spans: list[Span] = []

    def add(self, driver: str | None, still: bool, minutes: int, at=DEPOT, km: float = 0.0):
        start = T0 + timedelta(minutes=self.minute)
        self.spans.append(
            Span(
                truck_id=self.truck,
                driver_id=driver,
                still=still,
                start=start,
                end=start + timedelta(minutes=minutes - 1),
                readings=minutes,
                lat=at[0],
                lon=at[1],
                distance_km=km,
            )
        )
        self.minute += minutes
        return self


NORTH = (48.30, 11.58)  # ~18 km from the depot
EAST = (48.14, 11.80)  # ~16 km
SOUTH = (47.95, 11.58)  # ~21 km


def test_a_route_keeps_long_stops_away_from_the_depot_and_measures_its_tour() -> None:
    spans = (
        Spans()
        .add(None, True, 30)  # parked overnight: no driver, not a route
        .add("DRV-1", True, 6)  # pre-trip at the depot
        .add("DRV-1", False, 20, km=19.0)
        .add("DRV-1", True, 12, at=SOUTH)  # driven first, though north-east-south is shorter
        .add("DRV-1", False, 30, km=40.0)
        .add("DRV-1", True, 3, at=EAST)  # traffic, not a stop: under 5 minutes
        .add("DRV-1", False, 5, km=2.0)
        .add("DRV-1", True, 15, at=NORTH)
        .add("DRV-1", False, 25, km=30.0)
        .add("DRV-1", True, 9, at=EAST)
        .add("DRV-1", False, 15, km=17.0)
        .add("DRV-1", True, 2)  # back at the depot
        .spans
    )
    routes, partial = routes_from_spans(spans, min_stop_minutes=5)
    assert partial == 0
    (route,) = routes
    assert [(s.number, s.lat, s.lon, s.minutes) for s in route.stops] == [
        (1, *SOUTH, 12),
        (2, *NORTH, 15),
        (3, *EAST, 9),
    ]
    assert route.driven_km == 108.0
    points = [DEPOT, SOUTH, NORTH, EAST]
    assert route.driven_order_km == round(tour_km(points, [0, 1, 2]), 2)
    assert route.optimal_km == round(min(tour_km(points, p) for p in permutations(range(3))), 2)
    assert route.optimal_km < route.driven_order_km
    assert route.suggested_order in ([2, 3, 1], [1, 3, 2])  # around the loop, either way
    assert route.efficiency_pct == round(100 * route.optimal_km / 108.0, 1)
    assert (route.start, route.end) == ("2026-11-27T06:30:00Z", "2026-11-27T08:51:00Z")


def test_an_order_already_shortest_is_kept_as_driven() -> None:
    spans = (
        Spans()
        .add("DRV-1", True, 5)
        .add("DRV-1", False, 20, km=20.0)
        .add("DRV-1", True, 10, at=NORTH)
        .add("DRV-1", False, 20, km=20.0)
        .add("DRV-1", True, 10, at=EAST)
        .add("DRV-1", False, 20, km=20.0)
        .add("DRV-1", True, 10, at=SOUTH)
        .add("DRV-1", False, 20, km=20.0)
        .add("DRV-1", True, 2)
        .spans
    )
    (route,), _ = routes_from_spans(spans, min_stop_minutes=5)
    assert route.suggested_order == [1, 2, 3]
    assert route.saving_km == 0.0


def test_routes_cut_by_the_window_or_ending_elsewhere_are_partial() -> None:
    starts_moving = Spans("TRK-1").add("DRV-1", False, 10, km=8.0).add("DRV-1", True, 10, at=NORTH)
    ends_away = (
        Spans("TRK-2")
        .add("DRV-2", True, 5)
        .add("DRV-2", False, 20, km=18.0)
        .add("DRV-2", True, 10, at=NORTH)
    )
    routes, partial = routes_from_spans(starts_moving.spans + ends_away.spans, 5)
    assert (routes, partial) == ([], 2)


def test_a_change_of_driver_starts_a_new_route() -> None:
    spans = (
        Spans()
        .add("DRV-1", True, 5)
        .add("DRV-1", False, 20, km=20.0)
        .add("DRV-1", True, 10, at=NORTH)
        .add("DRV-1", False, 20, km=20.0)
        .add("DRV-1", True, 2)
        .add("DRV-2", True, 5)
        .add("DRV-2", False, 20, km=20.0)
        .add("DRV-2", True, 10, at=EAST)
        .add("DRV-2", False, 20, km=20.0)
        .add("DRV-2", True, 2)
        .spans
    )
    routes, _ = routes_from_spans(spans, 5)
    assert [(r.driver_id, len(r.stops), r.driven_km) for r in routes] == [
        ("DRV-1", 1, 40.0),
        ("DRV-2", 1, 40.0),
    ]
