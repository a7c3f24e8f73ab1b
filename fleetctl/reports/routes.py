"""Route efficiency: delivery routes rebuilt from telemetry, and the shortest tour through the
same stops from the depot (OR-Tools' CP-SAT solver), compared with the distance driven.

A route is a run of one truck's readings with the same driver on shift (the simulated fleet
and real telematics both clear the driver between shifts). It is *complete* when it starts and
ends stationary within `DEPOT_RADIUS_KM` of the same place, its depot. A stop is a stationary span
(speed under 1 km/h: engine off or idling) of at least `min_stop_minutes` more than
`DEPOT_RADIUS_KM` from the depot. Distances between points are great-circle (haversine).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import pairwise
from math import asin, cos, radians, sin, sqrt
from typing import Any

import msgspec

from fleetctl.reports.window import iso

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
DEPOT_RADIUS_KM = 1.0
SOLVER_TIME_LIMIT_S = 10.0  # a guard only: a day's route (< 15 stops) solves in milliseconds


class Stop(msgspec.Struct, kw_only=True):
    number: int  # 1-based, in the order driven
    arrived: str
    minutes: int
    lat: float
    lon: float


class Route(msgspec.Struct, kw_only=True):
    truck_id: str
    driver_id: str
    start: str
    end: str
    depot_lat: float
    depot_lon: float
    stops: list[Stop]
    driven_km: float  # sum of derived.distance_km over the route's readings
    driven_order_km: float  # straight lines depot -> stops in the order driven -> depot
    optimal_km: float  # the shortest such tour, any order
    suggested_order: list[int]  # stop numbers in the optimal tour's order
    saving_km: float  # driven_order_km - optimal_km
    efficiency_pct: float | None  # optimal_km / driven_km


class Span(msgspec.Struct, kw_only=True):
    """A run of readings of one truck, all moving or all stationary, with one driver."""

    truck_id: str
    driver_id: str | None
    still: bool
    start: datetime
    end: datetime
    readings: int
    lat: float
    lon: float
    distance_km: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = radians(lat1), radians(lat2)
    a = sin((phi2 - phi1) / 2) ** 2 + cos(phi1) * cos(phi2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def spans_from_rows(rows: Iterable[dict[str, Any]]) -> list[Span]:
    return [
        Span(
            truck_id=r["TRUCK_ID"],
            driver_id=r["DRIVER_ID"],
            still=bool(r["STILL"]),
            start=r["START_TS"],
            end=r["END_TS"],
            readings=int(r["READINGS"]),
            lat=float(r["LAT"]),
            lon=float(r["LON"]),
            distance_km=float(r["DISTANCE_KM"]),
        )
        for r in rows
    ]


def routes_from_spans(spans: Sequence[Span], min_stop_minutes: int) -> tuple[list[Route], int]:
    """Complete routes with at least one stop, and how many routes were left out as partial."""
    routes: list[Route] = []
    partial = 0
    for group in _driver_runs(spans):
        route = _route(group, min_stop_minutes)
        if route is None:
            partial += 1
        elif route.stops:
            routes.append(route)
    return routes, partial


def shortest_tour(points: Sequence[tuple[float, float]]) -> list[int]:
    """The order (indices into `points[1:]`, 0-based) of the shortest closed tour from points[0].

    Exact: CP-SAT's circuit constraint over integer metres, one worker so the answer is the same
    on every run. Imported on use: OR-Tools is large.
    """
    count = len(points)
    if count <= 2:
        return list(range(count - 1))
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    arcs = []
    cost = []
    for i in range(count):
        for j in range(count):
            if i != j:
                used = model.new_bool_var(f"arc_{i}_{j}")
                arcs.append((i, j, used))
                cost.append(round(1000 * haversine_km(*points[i], *points[j])) * used)
    model.add_circuit(arcs)
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = SOLVER_TIME_LIMIT_S
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no tour through {count} points ({status})")
    following = {i: j for i, j, used in arcs if solver.value(used)}
    order, node = [], following[0]
    while node != 0:
        order.append(node - 1)
        node = following[node]
    return order


def tour_km(points: Sequence[tuple[float, float]], order: Sequence[int]) -> float:
    """Length of depot -> points[1 + order[0]] -> ... -> depot."""
    path = [points[0], *(points[1 + k] for k in order), points[0]]
    return sum(haversine_km(*a, *b) for a, b in pairwise(path))


def _driver_runs(spans: Sequence[Span]) -> Iterable[list[Span]]:
    group: list[Span] = []
    for span in spans:
        if group and (span.truck_id, span.driver_id) != (group[0].truck_id, group[0].driver_id):
            yield group
            group = []
        if span.driver_id is not None:
            group.append(span)
    if group:
        yield group


def _route(group: list[Span], min_stop_minutes: int) -> Route | None:
    first, last = group[0], group[-1]
    depot = (first.lat, first.lon)
    if not (first.still and last.still) or haversine_km(*depot, last.lat, last.lon) > (
        DEPOT_RADIUS_KM
    ):
        return None
    stops = [
        span
        for span in group[1:-1]
        if span.still
        and span.readings >= min_stop_minutes
        and haversine_km(*depot, span.lat, span.lon) > DEPOT_RADIUS_KM
    ]
    points = [depot, *((s.lat, s.lon) for s in stops)]
    driven = sum(s.distance_km for s in group)
    driven_order_km = tour_km(points, range(len(stops)))
    order = shortest_tour(points)
    optimal_km = tour_km(points, order)
    if optimal_km >= driven_order_km - 0.001:
        # the order driven is already shortest (or its mirror image is): suggest keeping it
        order, optimal_km = list(range(len(stops))), driven_order_km
    return Route(
        truck_id=first.truck_id,
        driver_id=first.driver_id or "",
        start=iso(first.start) or "",
        end=iso(last.end) or "",
        depot_lat=round(first.lat, 6),
        depot_lon=round(first.lon, 6),
        stops=[
            Stop(
                number=n,
                arrived=iso(s.start) or "",
                minutes=s.readings,
                lat=round(s.lat, 6),
                lon=round(s.lon, 6),
            )
            for n, s in enumerate(stops, start=1)
        ],
        driven_km=round(driven, 2),
        driven_order_km=round(driven_order_km, 2),
        optimal_km=round(optimal_km, 2),
        suggested_order=[k + 1 for k in order],
        saving_km=round(driven_order_km - optimal_km, 2),
        efficiency_pct=round(100 * optimal_km / driven, 1) if driven > 0 else None,
    )
