"""The migration a contract change needs: the columns the mapping derives from
`handlers/contract.py` that the migrated tables lack, as `ALTER TABLE … ADD COLUMN` DDL.

A developer who added a field runs `python -m fleetctl.warehouse.schema_changes NAME`: the shipped
migrations are applied to a scratch embedded warehouse, compared with the mapping, and what is
missing is written as the next `sql/V<NNN>__NAME.sql`. Committed, it is a migration like any
other: applied once, recorded with its checksum, refused if edited afterwards.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from fleetctl.warehouse.connection import Warehouse
from fleetctl.warehouse.mapping import NUMBER, STREAM_TABLES, Column, StreamTable

SQL_DIR = Path(__file__).with_name("sql")
NAME = re.compile(r"[a-z][a-z0-9_]*")  # whole string: fullmatch
COLUMNS = (
    "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
    "WHERE TABLE_SCHEMA = %(schema)s AND TABLE_NAME = %(table)s"
)
DDL_TYPES = {NUMBER: "NUMBER(38, 0)"}  # as the migrations spell it


def missing_columns(
    warehouse: Warehouse, tables: Iterable[StreamTable] = STREAM_TABLES.values()
) -> list[tuple[str, Column]]:
    """(table, column) for every mapped column a RAW or STAGE table does not have."""
    missing = []
    for spec in tables:
        for table in (spec.raw_table, spec.stage_table):
            schema, name = table.split(".")
            present = {
                row[0]
                for row in warehouse.run(COLUMNS, {"schema": schema, "table": name}).fetchall()
            }
            missing += [(table, c) for c in spec.columns if c.name not in present]
    return missing


def add_columns_sql(missing: list[tuple[str, Column]]) -> str:
    """The migration adding `missing`: nullable columns, since rows loaded before have none."""
    lines = [
        "-- Columns of fields added to handlers/contract.py, derived from fleetctl/warehouse/",
        "-- mapping.py by `python -m fleetctl.warehouse.schema_changes`.",
    ]
    for table, column in missing:
        sql_type = DDL_TYPES.get(column.sql_type, column.sql_type)
        lines.append(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column.name} {sql_type};"
            f"  -- {column.field}"
        )
    return "\n".join(lines) + "\n"


def next_migration_path(name: str, directory: Path = SQL_DIR) -> Path:
    if not NAME.fullmatch(name):
        raise ValueError(f"migration name {name!r}: lower-case letters, digits and _ only")
    versions = [int(p.name[1:4]) for p in directory.glob("V[0-9][0-9][0-9]__*.sql")]
    return directory / f"V{max(versions, default=0) + 1:03d}__{name}.sql"


def main(argv: list[str]) -> int:
    from fleetctl.config import load_settings
    from fleetctl.warehouse import migrations, open_warehouse

    if len(argv) != 1:
        print("usage: python -m fleetctl.warehouse.schema_changes NAME", file=sys.stderr)
        return 2
    path = next_migration_path(argv[0])
    with tempfile.TemporaryDirectory(prefix="fleetctl-schema-") as home:
        settings = load_settings(environ={"FLEETCTL_HOME": home})
        with open_warehouse(settings) as wh:
            migrations.apply(wh)
            missing = missing_columns(wh)
    if not missing:
        print("the migrated tables have every mapped column: no migration needed")
        return 0
    path.write_text(add_columns_sql(missing), encoding="utf-8")
    print(f"wrote {path} ({len(missing)} columns)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
