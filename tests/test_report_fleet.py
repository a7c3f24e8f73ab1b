"""The fleet report against figures computed here from the very records the warehouse loaded."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import pytest

from fleetctl.reports.fleet import FleetRequest, OpenAlert, fleet_report, rank_risks
from fleetctl.reports.routes import tour_km
from fleetctl.reports.window import Window
from fleetctl.warehouse import loading
from tests.warehouse_records import telemetry

pytestmark = pytest.mark.integration


def by_truck(records: list[dict]) -> dict[str, list[dict]]:
    trucks: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        trucks[record["truck_id"]].append(record)
    return trucks


def test_per_truck_figures_are_the_sums_of_the_derived_fields(report_warehouse, report_records):
    records = report_records[1]["telemetry"]
    report = fleet_report(report_warehouse, FleetRequest())
    expected = {}
    for truck, readings in by_truck(records).items():
        derived = [r["derived"] for r in readings]
        distance = sum(d["distance_km"] for d in derived)
        fuel = sum(d["fuel_used_l"] for d in derived)
        expected[truck] = {
            "readings": len(readings),
            "distance_km": pytest.approx(distance, abs=0.01),
            "fuel_used_l": pytest.approx(fuel, abs=0.01),
            "l_per_100km": pytest.approx(100 * fuel / distance, abs=0.01),
            "idle_minutes": sum(d["idling"] for d in derived),
            "co2_kg": pytest.approx(sum(d["co2_kg"] for d in derived), abs=0.01),
            "harsh_braking": sum(bool(d["harsh_braking"]) for d in derived),
        }
    assert {
        t.truck_id: {
            "readings": t.readings,
            "distance_km": t.distance_km,
            "fuel_used_l": t.fuel_used_l,
            "l_per_100km": t.l_per_100km,
            "idle_minutes": t.idle_minutes,
            "co2_kg": t.co2_kg,
            "harsh_braking": t.harsh_braking,
        }
        for t in report.trucks
    } == expected
    assert report.totals.readings == len(records)
    assert report.totals.distance_km == pytest.approx(
        sum(r["derived"]["distance_km"] for r in records), abs=0.05
    )
    moving = [r for r in records if r["derived"]["fuel_efficiency_l_per_100km"] is not None]
    assert sum(b.readings for b in report.efficiency_distribution) == len(moving)
    first_bin = sum(r["derived"]["fuel_efficiency_l_per_100km"] < 5 for r in moving)
    assert report.efficiency_distribution[0].readings == first_bin


def test_open_alerts_are_the_latest_per_truck_and_code_near_the_last_reading(
    report_warehouse, report_records
):
    records = report_records[1]["telemetry"]
    report = fleet_report(report_warehouse, FleetRequest(open_alert_minutes=60))
    last_reading = {t: max(r["event_ts"] for r in rs) for t, rs in by_truck(records).items()}
    raised: dict[tuple[str, str], list[tuple[str, str, dict]]] = defaultdict(list)
    for r in records:
        for alert in {a["code"]: a for a in reversed(r["derived"]["alerts"])}.values():
            raised[(r["truck_id"], alert["code"])].append((r["event_ts"], r["event_id"], alert))
    expected = set()
    for (truck, code), occurrences in raised.items():
        event_ts, _, alert = max(occurrences, key=lambda o: (o[0], o[1]))
        cutoff = datetime.fromisoformat(last_reading[truck]) - timedelta(minutes=60)
        if datetime.fromisoformat(event_ts) >= cutoff:
            expected.add((truck, code, alert["severity"], event_ts, len(occurrences)))
    assert expected, "the simulation should leave some alerts open"
    assert {
        (a.truck_id, a.code, a.severity, a.last_raised, a.times_raised) for a in report.open_alerts
    } == expected
    assert {r.truck_id for r in report.at_risk} == {truck for truck, *_ in expected}


def test_routes_are_complete_tours_and_the_suggestion_is_never_longer(report_warehouse):
    report = fleet_report(report_warehouse, FleetRequest())
    routes = report.routes.routes
    # every truck drives an early shift inside the simulated 10 hours
    assert sorted({r.truck_id for r in routes}) == ["TRK-00001", "TRK-00002", "TRK-00003"]
    for route in routes:
        points = [(route.depot_lat, route.depot_lon), *((s.lat, s.lon) for s in route.stops)]
        assert 1 <= len(route.stops) <= 9  # the simulator plans 4 to 9, fewer when time is short
        assert all(s.minutes >= 5 for s in route.stops)
        assert sorted(route.suggested_order) == list(range(1, len(route.stops) + 1))
        suggested = [n - 1 for n in route.suggested_order]
        assert tour_km(points, suggested) == pytest.approx(route.optimal_km, abs=0.01)
        assert route.optimal_km <= route.driven_order_km
        assert route.saving_km == pytest.approx(route.driven_order_km - route.optimal_km, abs=0.02)
        # the truck drove between the stops: at least the straight lines, at most a detour
        assert route.driven_order_km <= route.driven_km * 1.01
        assert route.driven_km < route.driven_order_km * 1.5
    assert report.routes.partial_routes >= 1  # late shifts cut off at the end of the window


def test_a_window_narrows_every_figure(report_warehouse):
    window = Window.parse("2026-11-27T06:00:00Z", "2026-11-27T07:00:00Z")
    report = fleet_report(report_warehouse, FleetRequest(window=window))
    assert report.totals.readings == 3 * 60
    assert all(t.first_ts >= "2026-11-27T06:00:00Z" for t in report.trucks)
    assert all(t.last_ts < "2026-11-27T07:00:00Z" for t in report.trucks)
    assert report.routes.routes == []  # no route fits in one hour
    assert report.window == {"from": "2026-11-27T06:00:00Z", "to": "2026-11-27T07:00:00Z"}


def test_a_reading_delivered_twice_is_counted_once(warehouse):
    loading.load_records(warehouse, "telemetry", [telemetry(n) for n in range(10)])
    before = fleet_report(warehouse, FleetRequest())
    warehouse.execute(
        "INSERT INTO RAW.TRUCK_TELEMETRY SELECT * FROM RAW.TRUCK_TELEMETRY WHERE EVENT_ID = %s",
        (telemetry(3)["event_id"],),
    )
    after = fleet_report(warehouse, FleetRequest())
    assert after.totals == before.totals
    assert after.totals.readings == 10


def alert(truck: str, code: str, severity: str, last_raised: str) -> OpenAlert:
    return OpenAlert(
        truck_id=truck,
        code=code,
        severity=severity,
        message="",
        readings={},
        first_raised=last_raised,
        last_raised=last_raised,
        times_raised=1,
    )


def test_trucks_at_risk_rank_severity_first_then_counts_then_recency() -> None:
    alerts = [
        alert("TRK-A", "OIL_PRESSURE_LOW", "warning", "2026-11-27T10:00:00Z"),
        alert("TRK-A", "TIRE_PRESSURE_LOW", "warning", "2026-11-27T10:05:00Z"),
        alert("TRK-A", "BATTERY_VOLTAGE_LOW", "warning", "2026-11-27T10:06:00Z"),
        alert("TRK-B", "BRAKE_FAULT", "critical", "2026-11-27T08:00:00Z"),
        alert("TRK-C", "BRAKE_WORN", "warning", "2026-11-27T09:00:00Z"),
        alert("TRK-C", "TIRE_PRESSURE_LOW", "critical", "2026-11-27T07:00:00Z"),
        alert("TRK-D", "BRAKE_WORN", "warning", "2026-11-27T11:00:00Z"),
        alert("TRK-E", "BRAKE_WORN", "warning", "2026-11-27T09:30:00Z"),
        alert("TRK-F", "TRANSMISSION_RPM_SPEED_ANOMALY", "info", "2026-11-27T12:00:00Z"),
    ]
    ranked = rank_risks(alerts)
    assert [(r.rank, r.truck_id) for r in ranked] == [
        (1, "TRK-C"),  # critical and a warning
        (2, "TRK-B"),  # critical only
        (3, "TRK-A"),  # three warnings
        (4, "TRK-D"),  # one warning, the more recent
        (5, "TRK-E"),
        (6, "TRK-F"),  # info only
    ]
    assert ranked[0].codes == ["TIRE_PRESSURE_LOW", "BRAKE_WORN"]  # worst first
    assert (ranked[0].critical, ranked[0].warning, ranked[0].highest_severity) == (
        1,
        1,
        "critical",
    )
