"""The fleet report as a page: totals, trucks, efficiency chart, open alerts, risk, routes."""

from __future__ import annotations

from fleetctl.reports.charts import Chart
from fleetctl.reports.fleet import FleetReport
from fleetctl.reports.page import Cell, Column, Page, Table, Text, count, number, when
from fleetctl.reports.routes import Route
from fleetctl.views.report_page import window_subtitle

SEVERITY_TONES = {"critical": "bad", "warning": "warn", "info": "dim"}
ROUTES_SHOWN = 10  # the routes with the largest saving; --json has them all


def page(report: FleetReport) -> Page:
    t = report.totals
    fleet = Page(title="Fleet report", subtitle=window_subtitle(report.window))
    fleet.add(
        Text(
            [
                Cell(
                    f"{t.trucks} trucks, {t.readings:,} readings: {t.distance_km:,.1f} km driven, "
                    f"{t.fuel_used_l:,.1f} L fuel ({_l100(t.l_per_100km)} L/100 km), "
                    f"{t.co2_kg:,.1f} kg CO2, {t.idle_minutes:,} min idling "
                    f"({t.idle_fuel_l:,.1f} L)",
                    "strong",
                )
            ]
        )
    )
    fleet.add(_trucks(report))
    fleet.add(
        Chart(
            title="Fuel efficiency of moving readings, L/100 km",
            kind="bar",
            labels=[
                f"{b.low:g}-{b.high:g}" if b.high is not None else f">={b.low:g}"
                for b in report.efficiency_distribution
            ],
            series={"readings": [b.readings for b in report.efficiency_distribution]},
            y_title="readings",
        )
    )
    fleet.add(_risks(report))
    fleet.add(_alerts(report))
    fleet.add(_routes(report))
    return fleet


def _l100(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _trucks(report: FleetReport) -> Table:
    table = Table(
        "Per truck",
        [
            Column("truck"),
            Column("readings", True),
            Column("km", True),
            Column("fuel L", True),
            Column("L/100 km", True),
            Column("idle min", True),
            Column("idle L", True),
            Column("CO2 kg", True),
            Column("harsh b/a", True),
        ],
        empty="no telemetry in the window",
    )
    for truck in report.trucks:
        table.add(
            truck.truck_id,
            truck.readings,
            number(truck.distance_km),
            number(truck.fuel_used_l),
            number(truck.l_per_100km),
            truck.idle_minutes,
            number(truck.idle_fuel_l),
            number(truck.co2_kg),
            f"{truck.harsh_braking}/{truck.harsh_acceleration}",
        )
    return table


def _risks(report: FleetReport) -> Table:
    table = Table(
        "Trucks at risk",
        [
            Column("rank", True),
            Column("truck"),
            Column("critical", True),
            Column("warning", True),
            Column("info", True),
            Column("last alert"),
            Column("codes", wrap=True),
        ],
        empty="no open alerts",
        caption="ranked by highest open severity, then open critical/warning/info counts, "
        "then the most recent alert",
    )
    for risk in report.at_risk:
        table.add(
            risk.rank,
            Cell(risk.truck_id, SEVERITY_TONES.get(risk.highest_severity, "")),
            count(risk.critical, bad_when_positive=True),
            risk.warning,
            risk.info,
            when(risk.last_raised),
            "\n".join(risk.codes),
        )
    return table


def _alerts(report: FleetReport) -> Table:
    table = Table(
        "Open maintenance alerts",
        [
            Column("truck"),
            Column("code (severity)"),
            Column("last raised"),
            Column("times", True),
            Column("readings", wrap=True),
        ],
        empty="no open alerts",
        caption=f"open: the latest alert of its truck and code, raised within "
        f"{report.open_alert_minutes} min of the truck's last reading",
    )
    for alert in report.open_alerts:
        readings = "\n".join(f"{k}={v}" for k, v in alert.readings.items())
        table.add(
            alert.truck_id,
            Cell(f"{alert.code}\n({alert.severity})", SEVERITY_TONES.get(alert.severity, "")),
            when(alert.last_raised),
            alert.times_raised,
            readings,
        )
    return table


def _routes(report: FleetReport) -> Table:
    summary = report.routes
    shown = sorted(summary.routes, key=lambda r: (-r.saving_km, r.truck_id, r.start))
    table = Table(
        "Route efficiency",
        [
            Column("truck"),
            Column("start"),
            Column("stops", True),
            Column("driven", True),
            Column("as driven", True),
            Column("optimal", True),
            Column("saving", True),
            Column("eff %", True),
            Column("suggested order", wrap=True),
        ],
        empty="no complete routes with stops in the window",
        caption=(
            f"km; stops: stationary >= {summary.min_stop_minutes} min away from the depot; "
            "as driven / optimal: straight lines depot -> stops -> depot in the order driven / "
            f"the shortest order; eff: optimal / driven; {summary.partial_routes} partial "
            "route(s) left out"
            + (f"; {len(shown) - ROUTES_SHOWN} more in --json" if len(shown) > ROUTES_SHOWN else "")
        ),
    )
    for route in shown[:ROUTES_SHOWN]:
        table.add(
            route.truck_id,
            when(route.start),
            len(route.stops),
            number(route.driven_km),
            number(route.driven_order_km),
            number(route.optimal_km),
            number(route.saving_km, tone="warn" if route.saving_km >= 1 else ""),
            number(route.efficiency_pct),
            _order(route),
        )
    return table


def _order(route: Route) -> Cell:
    if route.suggested_order == sorted(route.suggested_order):
        return Cell("as driven", "good")
    return Cell(" ".join(str(n) for n in route.suggested_order))
