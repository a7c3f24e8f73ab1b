"""How a backfill is shown: sources, what the pipeline did, the dimension's changes and checks."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from fleetctl import console
from fleetctl.backfill.job import BackfillResult
from fleetctl.views import delivery

CHANGED_TRUCKS_SHOWN = 20


def document(result: BackfillResult) -> dict[str, Any]:
    build = result.build
    return {
        "sources": [
            {"name": s.name, "status": s.status, "records": s.records} for s in result.sources
        ],
        "pipeline": delivery.document(result.run) if result.run is not None else None,
        "dimension": {
            "mode": build.mode,
            "applied": build.applied,
            "loads_taken_in": build.loads,
            "trucks_recomputed": build.trucks,
            "versions": {
                kind: build.total(kind) for kind in ("added", "removed", "closed", "split")
            },
            "changes": [
                {
                    "truck_id": c.truck_id,
                    "added": c.added,
                    "removed": c.removed,
                    "closed": c.closed,
                    "split": c.split,
                }
                for c in build.changes
            ],
            "seconds": round(build.seconds, 3),
        },
        "checks": [
            {"name": c.name, "rule": c.rule, "violations": c.violations, "examples": c.examples}
            for c in result.checks
        ],
        "ok": result.ok,
    }


def summary(result: BackfillResult) -> None:
    out = console.out()
    if result.sources:
        sources = Table(title="sources", title_justify="left")
        for column in ("source", "status", "records"):
            sources.add_column(column, justify="right" if column == "records" else "left")
        for s in result.sources:
            sources.add_row(s.name, s.status, f"{s.records:,}")
        out.print(sources)
    if result.run is not None:
        delivery.summary(result.run)
    build = result.build
    verb = "would change" if not build.applied else "changed"
    changes = Table(
        title=f"CORE.DIM_TRUCK ({build.mode}): {build.trucks:,} trucks recomputed, "
        f"{build.loads:,} loads taken in; versions that {verb}",
        title_justify="left",
    )
    for column in ("truck", "added", "removed", "closed", "split"):
        changes.add_column(column, justify="left" if column == "truck" else "right")
    for c in build.changes[:CHANGED_TRUCKS_SHOWN]:
        changes.add_row(c.truck_id, *(f"{n:,}" for n in (c.added, c.removed, c.closed, c.split)))
    if len(build.changes) > CHANGED_TRUCKS_SHOWN:
        changes.add_row(
            f"… {len(build.changes) - CHANGED_TRUCKS_SHOWN:,} more trucks", "", "", "", ""
        )
    totals = [build.total(kind) for kind in ("added", "removed", "closed", "split")]
    changes.add_row("[bold]all trucks", *(f"[bold]{n:,}" for n in totals), end_section=True)
    out.print(changes)
    if result.checks:
        checks = Table(title="integrity of CORE.DIM_TRUCK", title_justify="left")
        for column in ("check", "rule", "violations", "examples"):
            checks.add_column(column, justify="right" if column == "violations" else "left")
        for c in result.checks:
            mark = "[green]✓" if c.ok else "[red]✗"
            checks.add_row(f"{mark} {c.name}", c.rule, f"{c.violations:,}", ", ".join(c.examples))
        out.print(checks)
    if not build.applied:
        out.print("[yellow]dry run:[/] nothing was landed and the dimension was left as it was")
