"""The SCD2 report as a page: integrity checks, versions per truck, recent changes."""

from __future__ import annotations

from collections import Counter

from fleetctl.reports.charts import Chart
from fleetctl.reports.page import Cell, Column, Page, Table, count, when
from fleetctl.reports.scd2 import Scd2Report


def page(report: Scd2Report) -> Page:
    scd2 = Page(
        title="Truck dimension (CORE.DIM_TRUCK, SCD Type 2)",
        subtitle=f"tracking {', '.join(report.tracked)}: {report.rows:,} versions of "
        f"{report.trucks:,} trucks",
    )
    scd2.add(_checks(report))
    per_truck = Counter(v.versions for v in report.versions)
    scd2.add(
        Chart(
            title="Trucks by number of versions",
            kind="bar",
            labels=[str(n) for n in sorted(per_truck)],
            series={"trucks": [per_truck[n] for n in sorted(per_truck)]},
            y_title="trucks",
        )
    )
    scd2.add(_versions(report))
    scd2.add(_changes(report))
    failed = [c.name for c in report.checks if not c.ok]
    if failed:
        scd2.verdict = Cell(f"integrity checks failed: {', '.join(failed)}", "bad")
    elif report.pending_loads:
        scd2.verdict = Cell(
            f"integrity checks passed; {report.pending_loads:,} RAW load(s) not yet in the "
            "dimension",
            "warn",
        )
    else:
        scd2.verdict = Cell("integrity checks passed; the dimension is up to date", "good")
    return scd2


def _checks(report: Scd2Report) -> Table:
    table = Table(
        "Integrity checks",
        [
            Column("check"),
            Column("rule", wrap=True),
            Column("result"),
            Column("rows", True),
            Column("trucks", wrap=True),
        ],
    )
    for check in report.checks:
        table.add(
            check.name,
            check.rule,
            Cell("ok", "good") if check.ok else Cell("FAILED", "bad"),
            count(check.violations, bad_when_positive=True),
            ", ".join(check.examples),
        )
    return table


def _versions(report: Scd2Report) -> Table:
    table = Table(
        "Versions per truck",
        [
            Column("truck"),
            Column("versions", True),
            Column("first"),
            Column("current since"),
            Column(f"current {' · '.join(report.tracked)}", wrap=True),
        ],
        empty="the dimension is empty",
    )
    for truck in report.versions:
        table.add(
            truck.truck_id,
            truck.versions,
            when(truck.first_from),
            when(truck.current_from),
            " · ".join(_value(truck.current.get(attribute)) for attribute in report.tracked),
        )
    return table


def _changes(report: Scd2Report) -> Table:
    table = Table(
        "Recent changes",
        [Column("from"), Column("truck"), Column("changed", wrap=True)],
        empty="no truck has more than one version",
    )
    for change in report.recent_changes:
        table.add(
            when(change.effective_from),
            change.truck_id,
            "\n".join(
                f"{c.attribute}: {_value(c.before)} -> {_value(c.after)}" for c in change.changes
            ),
        )
    return table


def _value(value: str | None) -> str:
    return "none" if value is None else value
