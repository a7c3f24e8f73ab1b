"""How `fleetctl db create-tables` shows the store's tables: a Rich table, or a JSON document."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from fleetctl import console
from fleetctl.dynamodb.tables import SPECS, TableState


def tables_document(states: list[TableState]) -> dict[str, Any]:
    return {
        "store": "dynamodb",
        "tables": [
            {
                "role": s.role,
                "table": s.table,
                "key": list(SPECS[s.role].key),
                "created": s.created,
                "ttl_attribute": s.ttl_attribute,
            }
            for s in states
        ],
    }


def show_tables(states: list[TableState]) -> None:
    out = console.out()
    table = Table("table", "key", "status", "TTL", title_justify="left")
    for s in states:
        table.add_row(
            Text(s.table),
            Text(", ".join(SPECS[s.role].key)),
            "created" if s.created else "exists",
            Text(s.ttl_attribute or "-"),
        )
    out.print(table)
    created = sum(s.created for s in states)
    out.print(f"{created} created, {len(states) - created} already there")
