"""Versioned DDL: `sql/V<NNN>__<name>.sql` applied in order, once each, and recorded.

A migration's SQL uses IF NOT EXISTS throughout, so re-running one that failed halfway is safe;
it is recorded (with a checksum) only after all its statements ran. An applied file whose text
changed afterwards is an error: add a new version instead.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime

from fleetctl.config import Settings
from fleetctl.errors import WarehouseError
from fleetctl.warehouse import open_warehouse, sql
from fleetctl.warehouse.connection import Migration, TableCount, Warehouse, WarehouseStatus

MIGRATION_FILE = re.compile(r"V([0-9]{3})__(\w+)\.sql")
HISTORY = "FLEETCTL.SCHEMA_MIGRATIONS"
BOOTSTRAP = (
    "CREATE SCHEMA IF NOT EXISTS FLEETCTL",
    f"CREATE TABLE IF NOT EXISTS {HISTORY} ("
    "VERSION NUMBER(38, 0) NOT NULL, NAME VARCHAR NOT NULL, CHECKSUM VARCHAR NOT NULL, "
    "APPLIED_AT TIMESTAMP_NTZ NOT NULL, PRIMARY KEY (VERSION))",
)
RECORD = (
    f"INSERT INTO {HISTORY} (VERSION, NAME, CHECKSUM, APPLIED_AT) "
    "SELECT %(version)s, %(name)s, %(checksum)s, %(applied_at)s::TIMESTAMP_NTZ"
)
RECORDED = f"SELECT VERSION, NAME, CHECKSUM, APPLIED_AT FROM {HISTORY} ORDER BY VERSION"
TABLES = (
    "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
    "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA <> 'INFORMATION_SCHEMA' "
    "ORDER BY TABLE_SCHEMA, TABLE_NAME"
)


def available() -> list[Migration]:
    """The migrations shipped in `fleetctl/warehouse/sql/`, by version."""
    found = []
    for name in sql.names():
        if match := MIGRATION_FILE.fullmatch(name):
            checksum = hashlib.sha256(sql.read(name).encode()).hexdigest()
            found.append(Migration(int(match[1]), match[2], checksum))
    return sorted(found, key=lambda m: m.version)


def open_ready(settings: Settings) -> Warehouse:
    """The configured warehouse, ready for loads and reports: a target that migrates on open (the
    embedded one) is migrated, any other must be (`fleetctl db migrate`, on purpose)."""
    warehouse = open_warehouse(settings)
    try:
        if warehouse.migrates_on_open:
            apply(warehouse)
        else:
            require_migrated(warehouse)
    except BaseException:
        warehouse.close()
        raise
    return warehouse


def require_migrated(warehouse: Warehouse) -> None:
    _, pending = state(warehouse)
    if pending:
        raise WarehouseError(
            f"the {warehouse.target} warehouse at {warehouse.location} lacks "
            f"{len(pending)} migration(s), first {pending[0].label} "
            "(run `fleetctl db migrate` first?)"
        )


def apply(warehouse: Warehouse, through: int | None = None) -> list[Migration]:
    """Apply what is pending (up to version `through`, if given); returns the migrations applied
    now, oldest first."""
    for statement in BOOTSTRAP:
        warehouse.run(statement)
    recorded = {m.version: m for m in _recorded(warehouse)}
    applied: list[Migration] = []
    try:
        for migration in available():
            if through is not None and migration.version > through:
                break
            if migration.version in recorded:
                _check_unchanged(migration, recorded[migration.version])
                continue
            for statement in statements(sql.read(_file(migration))):
                warehouse.run(statement)
            now = datetime.now(UTC).replace(tzinfo=None)
            warehouse.run(
                RECORD,
                {
                    "version": migration.version,
                    "name": migration.name,
                    "checksum": migration.checksum,
                    "applied_at": now.isoformat(sep=" "),
                },
            )
            applied.append(Migration(migration.version, migration.name, migration.checksum, now))
    finally:
        # CREATE SCHEMA makes the new schema the session's; go back to the configured one
        # (validated as an identifier when the warehouse was opened)
        warehouse.run(f"USE SCHEMA {warehouse.schema}")
    return applied


def state(warehouse: Warehouse) -> tuple[list[Migration], list[Migration]]:
    """(applied, pending) without changing anything."""
    recorded = _recorded(warehouse) if tuple(HISTORY.split(".")) in _tables(warehouse) else []
    done = {m.version for m in recorded}
    return recorded, [m for m in available() if m.version not in done]


def status(warehouse: Warehouse) -> WarehouseStatus:
    """The target, the migrations applied and pending, and every table's row count."""
    applied, pending = state(warehouse)
    return WarehouseStatus(
        target=warehouse.target,
        location=warehouse.location,
        database=warehouse.database,
        schema=warehouse.schema,
        applied=applied,
        pending=pending,
        tables=table_counts(warehouse),
    )


def table_counts(warehouse: Warehouse) -> list[TableCount]:
    """Every table of the database with its exact row count."""
    counts = []
    for schema, name in _tables(warehouse):
        count = warehouse.run(f"SELECT COUNT(*) FROM {_quoted(schema)}.{_quoted(name)}")
        counts.append(TableCount(schema, name, int(count.fetchone()[0])))
    return counts


def statements(text: str) -> list[str]:
    """The statements of a SQL file, split the way the Snowflake connector splits them."""
    from snowflake.connector.util_text import split_statements

    return [s for s, _ in split_statements(io.StringIO(text), remove_comments=True) if s]


def _recorded(warehouse: Warehouse) -> list[Migration]:
    return [
        Migration(int(version), name, checksum, applied_at)
        for version, name, checksum, applied_at in warehouse.run(RECORDED).fetchall()
    ]


def _check_unchanged(shipped: Migration, recorded: Migration) -> None:
    if shipped.checksum != recorded.checksum:
        raise WarehouseError(
            f"migration {_file(shipped)} changed after it was applied on {recorded.applied_at}; "
            "add a new migration instead of editing an applied one"
        )


def _tables(warehouse: Warehouse) -> list[tuple[str, str]]:
    return [(schema, name) for schema, name in warehouse.run(TABLES).fetchall()]


def _file(migration: Migration) -> str:
    return f"{migration.label}.sql"


def _quoted(identifier: str) -> str:
    # names read back from INFORMATION_SCHEMA, quoted so any name is taken literally
    return '"' + identifier.replace('"', '""') + '"'
