"""`fleetctl report scd2`: the truck dimension's integrity checks, its versions per truck and
its most recent changes, attribute by attribute."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import msgspec

from fleetctl.reports.window import iso
from fleetctl.scd2.tracked import tracked_columns
from fleetctl.warehouse import Warehouse
from fleetctl.warehouse import dimension_sql as statements
from fleetctl.warehouse.dimension_checks import run_checks

DIM = statements.DIM
PENDING_LOADS = (
    "SELECT COUNT(DISTINCT LOAD_ID) AS PENDING FROM RAW.TRUCK_TELEMETRY "
    f"WHERE LOAD_ID NOT IN (SELECT LOAD_ID FROM {statements.LOADS})"
)


class Scd2Options(msgspec.Struct, kw_only=True):
    """The report's settings, `reports.*` (the tracked attributes are `scd2.tracked`)."""

    recent_changes: Annotated[int, msgspec.Meta(ge=0)]


@dataclass(frozen=True)
class Scd2Request:
    tracked: Sequence[str]
    recent: int = 10  # changes listed


class Check(msgspec.Struct, kw_only=True):
    name: str
    rule: str
    ok: bool
    violations: int
    examples: list[str]  # trucks breaking it


class TruckVersions(msgspec.Struct, kw_only=True):
    truck_id: str
    versions: int
    first_from: str
    current_from: str | None
    current: dict[str, str | None]  # tracked attribute -> current value


class AttributeChange(msgspec.Struct, kw_only=True):
    attribute: str
    before: str | None
    after: str | None


class Change(msgspec.Struct, kw_only=True):
    truck_id: str
    effective_from: str
    changes: list[AttributeChange]


class Scd2Report(msgspec.Struct, kw_only=True):
    report: str
    tracked: list[str]
    ok: bool
    rows: int
    trucks: int
    pending_loads: int  # RAW loads the dimension has not taken in yet
    checks: list[Check]
    versions: list[TruckVersions]
    recent_changes: list[Change]


def scd2_report(warehouse: Warehouse, request: Scd2Request) -> Scd2Report:
    columns = tracked_columns(request.tracked)
    checks = [
        Check(name=c.name, rule=c.rule, ok=c.ok, violations=c.violations, examples=list(c.examples))
        for c in run_checks(warehouse, request.tracked)
    ]
    versions = [_versions(row, columns) for row in warehouse.query(_versions_sql(columns))]
    changes = [
        _change(row, columns)
        for row in warehouse.query(_changes_sql(columns), {"recent": request.recent})
    ]
    (pending,) = warehouse.query(PENDING_LOADS)
    return Scd2Report(
        report="scd2",
        tracked=[c.lower() for c in columns],
        ok=all(c.ok for c in checks),
        rows=sum(v.versions for v in versions),
        trucks=len(versions),
        pending_loads=int(pending["PENDING"]),
        checks=checks,
        versions=versions,
        recent_changes=changes,
    )


def _versions_sql(columns: Sequence[str]) -> str:
    # identifiers only, checked by tracked_columns; the current row's values ride along
    current = ", ".join(f"MAX(IFF(IS_CURRENT, {c}, NULL)) AS {c}" for c in columns)
    return f"""
SELECT TRUCK_ID, COUNT(*) AS VERSIONS, MIN(EFFECTIVE_FROM) AS FIRST_FROM,
       MAX(IFF(IS_CURRENT, EFFECTIVE_FROM, NULL)) AS CURRENT_FROM, {current}
FROM {DIM}
GROUP BY TRUCK_ID
ORDER BY TRUCK_ID
"""


def _changes_sql(columns: Sequence[str]) -> str:
    """Versions after a truck's first, newest first, with the values of the version before."""
    order = "PARTITION BY TRUCK_ID ORDER BY EFFECTIVE_FROM"
    before = ", ".join(f"LAG({c}) OVER ({order}) AS BEFORE_{c}" for c in columns)
    return f"""
SELECT TRUCK_ID, EFFECTIVE_FROM, {", ".join(columns)}, {before}
FROM {DIM}
QUALIFY ROW_NUMBER() OVER ({order}) > 1
ORDER BY EFFECTIVE_FROM DESC, TRUCK_ID
LIMIT %(recent)s
"""


def _versions(row: dict, columns: Sequence[str]) -> TruckVersions:
    return TruckVersions(
        truck_id=row["TRUCK_ID"],
        versions=int(row["VERSIONS"]),
        first_from=iso(row["FIRST_FROM"]) or "",
        current_from=iso(row["CURRENT_FROM"]),
        current={c.lower(): row[c] for c in columns},
    )


def _change(row: dict, columns: Sequence[str]) -> Change:
    return Change(
        truck_id=row["TRUCK_ID"],
        effective_from=iso(row["EFFECTIVE_FROM"]) or "",
        changes=[
            AttributeChange(attribute=c.lower(), before=row[f"BEFORE_{c}"], after=row[c])
            for c in columns
            if row[f"BEFORE_{c}"] != row[c]
        ],
    )
