"""`fleetctl report fleet`: fuel efficiency, distance, idling and CO2 per truck and fleet-wide,
open maintenance alerts, trucks at risk, and route efficiency.

Distance is the sum of `derived.distance_km` (speed x one minute per reading), not odometer
max - min: fuel and distance then come from the same readings, so a reading that never arrived
takes its litres and its kilometres out together and L/100 km stays unbiased.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated

import msgspec

from fleetctl.reports import routes
from fleetctl.reports.sql import read
from fleetctl.reports.window import Window, iso
from fleetctl.warehouse import Warehouse

SEVERITY_RANK = {"critical": 3, "warning": 2, "info": 1}
MIN_DISTANCE_KM = 1.0  # below this, L/100 km says more about idling than about driving


class FleetOptions(msgspec.Struct, kw_only=True):
    """The report's settings, `reports.*`."""

    open_alert_minutes: Annotated[int, msgspec.Meta(ge=0)]
    min_stop_minutes: Annotated[int, msgspec.Meta(ge=1)]


@dataclass(frozen=True)
class FleetRequest:
    window: Window = field(default_factory=Window)
    open_alert_minutes: int = 60
    min_stop_minutes: int = 5
    bin_width: int = 5  # L/100 km per bin of the efficiency distribution
    bins: int = 16  # the last one holds everything above (bins - 1) x bin_width


class TruckSummary(msgspec.Struct, kw_only=True):
    truck_id: str
    readings: int
    first_ts: str
    last_ts: str
    distance_km: float
    fuel_used_l: float
    l_per_100km: float | None
    moving_minutes: int
    idle_minutes: int
    idle_fuel_l: float
    co2_kg: float
    harsh_braking: int
    harsh_acceleration: int


class FleetTotals(msgspec.Struct, kw_only=True):
    trucks: int
    readings: int
    distance_km: float
    fuel_used_l: float
    l_per_100km: float | None
    moving_minutes: int
    idle_minutes: int
    idle_fuel_l: float
    co2_kg: float
    co2_g_per_km: float | None


class EfficiencyBin(msgspec.Struct, kw_only=True):
    low: float  # L/100 km, inclusive
    high: float | None  # exclusive; None for the open last bin
    readings: int


class OpenAlert(msgspec.Struct, kw_only=True):
    truck_id: str
    code: str
    severity: str
    message: str
    readings: dict[str, object]  # the values that raised the latest occurrence
    first_raised: str
    last_raised: str
    times_raised: int


class TruckRisk(msgspec.Struct, kw_only=True):
    rank: int
    truck_id: str
    highest_severity: str
    critical: int
    warning: int
    info: int
    last_raised: str
    codes: list[str]


class RouteSummary(msgspec.Struct, kw_only=True):
    min_stop_minutes: int
    partial_routes: int  # cut by the window or not back at their depot: left out
    routes: list[routes.Route]


class FleetReport(msgspec.Struct, kw_only=True):
    report: str
    window: dict[str, str | None]
    open_alert_minutes: int
    totals: FleetTotals
    trucks: list[TruckSummary]
    efficiency_distribution: list[EfficiencyBin]
    open_alerts: list[OpenAlert]
    at_risk: list[TruckRisk]
    routes: RouteSummary


def fleet_report(warehouse: Warehouse, request: FleetRequest) -> FleetReport:
    params = request.window.params()
    trucks = [_truck(row) for row in warehouse.query(read("fleet_trucks.sql"), params)]
    bins = warehouse.query(
        read("fleet_efficiency_bins.sql"),
        {**params, "bin_width": request.bin_width, "last_bin": request.bins - 1},
    )
    alerts = [
        _alert(row)
        for row in warehouse.query(
            read("fleet_open_alerts.sql"), {**params, "open_minutes": request.open_alert_minutes}
        )
    ]
    spans = routes.spans_from_rows(warehouse.query(read("route_spans.sql"), params))
    found, partial = routes.routes_from_spans(spans, request.min_stop_minutes)
    return FleetReport(
        report="fleet",
        window=request.window.document(),
        open_alert_minutes=request.open_alert_minutes,
        totals=_totals(trucks),
        trucks=trucks,
        efficiency_distribution=_distribution(bins, request),
        open_alerts=alerts,
        at_risk=rank_risks(alerts),
        routes=RouteSummary(
            min_stop_minutes=request.min_stop_minutes, partial_routes=partial, routes=found
        ),
    )


def rank_risks(alerts: list[OpenAlert]) -> list[TruckRisk]:
    """Trucks with open alerts, worst first: by highest severity, then the number of open
    critical, warning and info alerts, then the most recent alert, then truck id."""
    by_truck: dict[str, list[OpenAlert]] = defaultdict(list)
    for alert in alerts:
        by_truck[alert.truck_id].append(alert)
    risks = [_risk(truck, open_alerts) for truck, open_alerts in sorted(by_truck.items())]
    # stable sorts, least significant key first
    risks.sort(key=lambda r: r.last_raised, reverse=True)
    risks.sort(
        key=lambda r: (SEVERITY_RANK.get(r.highest_severity, 0), r.critical, r.warning, r.info),
        reverse=True,
    )
    for rank, risk in enumerate(risks, start=1):
        risk.rank = rank
    return risks


def _risk(truck: str, open_alerts: list[OpenAlert]) -> TruckRisk:
    def severity(alert: OpenAlert) -> int:
        return SEVERITY_RANK.get(alert.severity, 0)

    worst_first = sorted(open_alerts, key=lambda a: (-severity(a), a.code))
    return TruckRisk(
        rank=0,
        truck_id=truck,
        highest_severity=worst_first[0].severity,
        critical=sum(a.severity == "critical" for a in open_alerts),
        warning=sum(a.severity == "warning" for a in open_alerts),
        info=sum(a.severity == "info" for a in open_alerts),
        last_raised=max(a.last_raised for a in open_alerts),
        codes=[a.code for a in worst_first],
    )


def l_per_100km(fuel_l: float, distance_km: float) -> float | None:
    return round(100 * fuel_l / distance_km, 2) if distance_km >= MIN_DISTANCE_KM else None


def _truck(row: dict) -> TruckSummary:
    distance, fuel = float(row["DISTANCE_KM"]), float(row["FUEL_USED_L"])
    return TruckSummary(
        truck_id=row["TRUCK_ID"],
        readings=int(row["READINGS"]),
        first_ts=iso(row["FIRST_TS"]) or "",
        last_ts=iso(row["LAST_TS"]) or "",
        distance_km=round(distance, 2),
        fuel_used_l=round(fuel, 2),
        l_per_100km=l_per_100km(fuel, distance),
        moving_minutes=int(row["MOVING_MINUTES"]),
        idle_minutes=int(row["IDLE_MINUTES"]),
        idle_fuel_l=round(float(row["IDLE_FUEL_L"]), 2),
        co2_kg=round(float(row["CO2_KG"]), 2),
        harsh_braking=int(row["HARSH_BRAKING"]),
        harsh_acceleration=int(row["HARSH_ACCELERATION"]),
    )


def _totals(trucks: list[TruckSummary]) -> FleetTotals:
    distance = sum(t.distance_km for t in trucks)
    fuel = sum(t.fuel_used_l for t in trucks)
    co2 = sum(t.co2_kg for t in trucks)
    return FleetTotals(
        trucks=len(trucks),
        readings=sum(t.readings for t in trucks),
        distance_km=round(distance, 2),
        fuel_used_l=round(fuel, 2),
        l_per_100km=l_per_100km(fuel, distance),
        moving_minutes=sum(t.moving_minutes for t in trucks),
        idle_minutes=sum(t.idle_minutes for t in trucks),
        idle_fuel_l=round(sum(t.idle_fuel_l for t in trucks), 2),
        co2_kg=round(co2, 2),
        co2_g_per_km=round(1000 * co2 / distance, 1) if distance >= MIN_DISTANCE_KM else None,
    )


def _distribution(rows: list[dict], request: FleetRequest) -> list[EfficiencyBin]:
    counts = {int(row["BIN"]): int(row["READINGS"]) for row in rows}
    width = request.bin_width
    return [
        EfficiencyBin(
            low=float(b * width),
            high=float((b + 1) * width) if b < request.bins - 1 else None,
            readings=counts.get(b, 0),
        )
        for b in range(request.bins)
    ]


def _alert(row: dict) -> OpenAlert:
    readings = row["READINGS"]
    return OpenAlert(
        truck_id=row["TRUCK_ID"],
        code=row["CODE"],
        severity=row["SEVERITY"] or "",
        message=row["MESSAGE"] or "",
        readings=readings if isinstance(readings, dict) else {},
        first_raised=iso(row["FIRST_RAISED"]) or "",
        last_raised=iso(row["LAST_RAISED"]) or "",
        times_raised=int(row["TIMES_RAISED"]),
    )
