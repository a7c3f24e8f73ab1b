"""How warehouse results are shown: Rich tables for people, plain documents for `--json`."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import orjson
from rich.table import Table
from rich.text import Text

from fleetctl import console
from fleetctl.warehouse import Migration, Result, WarehouseStatus


def result_document(result: Result) -> list[dict[str, Any]]:
    """Rows as objects keyed by column; a DML statement's row holds its counts."""
    return result.records()


def show_result(result: Result) -> None:
    out = console.out()
    if result.is_dml:
        first_row = result.rows[0] if result.rows else ()
        counts = ", ".join(
            f"{column.removeprefix('number of ')}: {value}"
            for column, value in zip(result.columns, first_row, strict=False)
        )
        affected = result.rowcount if result.rowcount is not None else "?"
        noun = "row" if affected == 1 else "rows"
        out.print(f"{affected} {noun} affected" + (f" ({counts})" if counts else ""))
        return
    table = Table(*result.columns, title_justify="left")
    for row in result.rows:
        table.add_row(*(cell(value) for value in row))
    out.print(table)
    out.print(f"{len(result.rows):,} row{'' if len(result.rows) == 1 else 's'}")


def cell(value: Any) -> Text:
    """One value as text, never read as Rich markup."""
    if value is None:
        return Text("NULL", style="dim")
    if isinstance(value, datetime | date | time):
        return Text(value.isoformat())
    if isinstance(value, dict | list):
        return Text(orjson.dumps(value).decode())
    if isinstance(value, bytes):
        return Text(value.hex())
    return Text(str(value))


def status_document(status: WarehouseStatus) -> dict[str, Any]:
    return {
        "target": status.target,
        "location": status.location,
        "database": status.database,
        "schema": status.schema,
        "migrations": {
            "applied": [_migration(m) for m in status.applied],
            "pending": [m.label for m in status.pending],
        },
        "tables": [{"schema": t.schema, "table": t.name, "rows": t.rows} for t in status.tables],
    }


def show_status(status: WarehouseStatus) -> None:
    out = console.out()
    out.print(
        f"[bold]{status.target}[/] warehouse {status.database} at {status.location} "
        f"(session schema {status.schema})"
    )
    latest = status.applied[-1].label if status.applied else "none"
    pending = ", ".join(m.label for m in status.pending) or "none"
    out.print(f"migrations: {len(status.applied)} applied (latest {latest}); pending: {pending}")
    table = Table("table", title_justify="left")
    table.add_column("rows", justify="right")
    for t in status.tables:
        table.add_row(Text(f"{t.schema}.{t.name}"), f"{t.rows:,}")
    out.print(table)
    if status.pending:
        out.print("run [bold]fleetctl db migrate[/] to apply the pending migrations")


def migrations_document(applied: list[Migration]) -> dict[str, Any]:
    return {"applied": [_migration(m) for m in applied]}


def show_migrations(applied: list[Migration]) -> None:
    out = console.out()
    if not applied:
        out.print("warehouse schema is up to date")
    for m in applied:
        out.print(f"applied {m.label}")


def _migration(m: Migration) -> dict[str, Any]:
    return {"version": m.version, "name": m.label, "applied_at": m.applied_at}
