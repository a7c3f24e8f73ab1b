"""Migrations: applied in order once each, recorded with their checksums, idempotent, the same
applied at once or one at a time, and creating exactly the columns the contract derives.

Properties, not lists: a new migration (an ADD COLUMN for a new field, say) keeps them true.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.errors import ConfigError, WarehouseError
from fleetctl.scd2.tracked import TRACKABLE
from fleetctl.warehouse import Warehouse, migrations, open_warehouse
from fleetctl.warehouse.batch import arrow_batch
from fleetctl.warehouse.mapping import (
    RECORD_COLUMNS,
    STAGE_DOCUMENT_COLUMNS,
    STREAM_TABLES,
    TELEMETRY,
    StreamTable,
    columns,
)
from fleetctl.warehouse.schema_changes import add_columns_sql, missing_columns, next_migration_path
from handlers.contract import Engine, TelemetryRecord
from tests.warehouse_records import telemetry

# INFORMATION_SCHEMA's names for the types the mapping uses
INFO_TYPES = {
    "VARCHAR": "TEXT",
    "FLOAT": "FLOAT",
    "NUMBER": "NUMBER",
    "TIMESTAMP_NTZ": "TIMESTAMP_NTZ",
}
EVERY_COLUMN = (
    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE "
    "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'"
)


def columns_of(wh: Warehouse, table: str) -> set[tuple[str, str]]:
    schema, name = table.split(".")
    rows = wh.query(
        "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
        (schema, name),
    )
    return {(r["COLUMN_NAME"], r["DATA_TYPE"]) for r in rows}


def typed(spec: StreamTable) -> set[tuple[str, str]]:
    return {(c.name, INFO_TYPES[c.sql_type]) for c in spec.columns}


def history(wh: Warehouse) -> list[tuple[int, str, str]]:
    rows = wh.query("SELECT VERSION, NAME, CHECKSUM FROM FLEETCTL.SCHEMA_MIGRATIONS ORDER BY 1")
    return [(r["VERSION"], r["NAME"], r["CHECKSUM"]) for r in rows]


def test_shipped_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in migrations.available()]
    assert versions == list(range(1, len(versions) + 1))


def test_first_migrate_applies_every_version_in_order_and_records_its_checksum(home: Path) -> None:
    with open_warehouse(load_settings()) as wh:
        applied = migrations.apply(wh)
        recorded = history(wh)
    shipped = migrations.available()
    assert applied == sorted(applied, key=lambda m: m.version)
    assert [m.label for m in applied] == [m.label for m in shipped]
    assert recorded == [(m.version, m.name, m.checksum) for m in shipped]
    assert all(m.applied_at is not None for m in applied)


def test_migrate_again_applies_nothing_and_keeps_data(home: Path) -> None:
    with open_warehouse(load_settings()) as wh:
        migrations.apply(wh)
        wh.execute(
            "INSERT INTO CORE.ITEM_CLICKS_MINUTE "
            "SELECT '2026-11-27 00:00:00'::TIMESTAMP_NTZ, 'ITEM-1', 'n', 'laptops', 3, 2, 1, "
            "'2026-11-27 00:00:00'::TIMESTAMP_NTZ"
        )
    with open_warehouse(load_settings()) as wh:  # a new session on the same DuckDB files
        assert migrations.apply(wh) == []
        status = migrations.status(wh)
        recorded = history(wh)
    assert len(recorded) == len(migrations.available())
    assert status.pending == []
    assert [m.version for m in status.applied] == [m.version for m in migrations.available()]
    counts = {f"{t.schema}.{t.name}": t.rows for t in status.tables}
    assert counts["CORE.ITEM_CLICKS_MINUTE"] == 1


def test_status_before_migrate_lists_everything_pending_and_creates_nothing(home: Path) -> None:
    with open_warehouse(load_settings()) as wh:
        status = migrations.status(wh)
        again = migrations.status(wh)
    assert status.applied == []
    assert status.pending == migrations.available()
    assert status.tables == [] == again.tables


@pytest.mark.parametrize("index", [0, -1], ids=["first", "last"])
def test_an_applied_migration_edited_afterwards_is_refused(
    warehouse: Warehouse, index: int
) -> None:
    edited = migrations.available()[index]
    warehouse.execute(
        "UPDATE FLEETCTL.SCHEMA_MIGRATIONS SET CHECKSUM = 'edited' WHERE VERSION = %s",
        (edited.version,),
    )
    with pytest.raises(WarehouseError, match=rf"{edited.label}\.sql changed after it was applied"):
        migrations.apply(warehouse)


def test_migrating_one_version_at_a_time_ends_where_migrating_at_once_does(
    tmp_path: Path, home: Path
) -> None:
    def warehouse_in(name: str) -> Warehouse:
        return open_warehouse(load_settings(environ={"FLEETCTL_HOME": str(tmp_path / name)}))

    with warehouse_in("fresh") as wh:
        migrations.apply(wh)
        fresh = ({tuple(r.values()) for r in wh.query(EVERY_COLUMN)}, history(wh))
    with warehouse_in("incremental") as wh:
        for migration in migrations.available():
            applied = migrations.apply(wh, through=migration.version)
            assert [m.version for m in applied] == [migration.version]
        incremental = ({tuple(r.values()) for r in wh.query(EVERY_COLUMN)}, history(wh))
    assert incremental == fresh


@pytest.mark.parametrize("spec", STREAM_TABLES.values(), ids=STREAM_TABLES)
def test_raw_and_stage_tables_have_exactly_the_columns_derived_from_the_contract(
    warehouse: Warehouse, spec: StreamTable
) -> None:
    documents = {(c, "TEXT") for c in STAGE_DOCUMENT_COLUMNS}
    assert {name for name, _ in columns_of(warehouse, spec.raw_table)} == {
        *(name for name, _ in typed(spec)),
        *RECORD_COLUMNS,
    }
    assert typed(spec) <= columns_of(warehouse, spec.raw_table)
    assert columns_of(warehouse, spec.stage_table) == {
        ("LOAD_ID", "TEXT"),
        *typed(spec),
        *documents,
    }
    assert missing_columns(warehouse, [spec]) == []


def test_dim_truck_has_a_column_for_every_trackable_attribute(warehouse: Warehouse) -> None:
    dimension = {name for name, _ in columns_of(warehouse, "CORE.DIM_TRUCK")}
    scd2 = {"TRUCK_SK", "TRUCK_ID", "EFFECTIVE_FROM", "EFFECTIVE_TO", "IS_CURRENT", "ROW_HASH"}
    assert dimension == {*scd2, *(a.upper() for a in TRACKABLE), "UPDATED_AT"}


class EngineWithOilTemperature(Engine):
    oil_temp_c: float


class NextTelemetry(TelemetryRecord):
    """The contract with two made-up fields, one nested, one top-level and optional."""

    engine: EngineWithOilTemperature
    tire_tread_mm: float | None = None


def test_a_field_added_to_the_contract_gets_its_columns_from_a_derived_migration(
    warehouse: Warehouse,
) -> None:
    spec = StreamTable(
        "telemetry", TELEMETRY.raw_table, TELEMETRY.stage_table, columns("telemetry", NextTelemetry)
    )
    added = {(c.name, c.field, c.sql_type) for c in spec.columns} - {
        (c.name, c.field, c.sql_type) for c in TELEMETRY.columns
    }
    assert added == {
        ("ENGINE_OIL_TEMP_C", "engine.oil_temp_c", "FLOAT"),
        ("TIRE_TREAD_MM", "tire_tread_mm", "FLOAT"),
    }

    missing = missing_columns(warehouse, [spec])
    assert {(table, c.name) for table, c in missing} == {
        (table, name) for table in (spec.raw_table, spec.stage_table) for name, _, _ in added
    }
    migration = add_columns_sql(missing)
    for _ in range(2):  # IF NOT EXISTS: a migration that failed halfway can run again
        for statement in migrations.statements(migration):
            warehouse.run(statement)
    assert missing_columns(warehouse, [spec]) == []
    assert typed(spec) <= columns_of(warehouse, spec.raw_table)
    assert typed(spec) <= columns_of(warehouse, spec.stage_table)

    record = telemetry(1, tire_tread_mm=11.5)
    record["engine"] = record["engine"] | {"oil_temp_c": 97.25}
    batch = arrow_batch(spec, [record], "0" * 32)
    assert batch.column("TIRE_TREAD_MM").to_pylist() == [11.5]
    assert batch.column("ENGINE_OIL_TEMP_C").to_pylist() == [97.25]


def test_the_derived_migration_takes_the_next_free_version(tmp_path: Path) -> None:
    for name in ("V001__a.sql", "V007__b.sql", "merge_x.sql"):
        (tmp_path / name).write_text("")
    assert next_migration_path("add_tire_tread", tmp_path).name == "V008__add_tire_tread.sql"
    with pytest.raises(ValueError, match="lower-case"):
        next_migration_path("Add Tread", tmp_path)


def test_migrate_leaves_the_session_in_the_configured_schema(warehouse: Warehouse) -> None:
    assert warehouse.query("SELECT CURRENT_SCHEMA() AS S") == [{"S": "PUBLIC"}]


@pytest.mark.parametrize("key", ["DATABASE", "SCHEMA"])
def test_identifiers_from_config_are_validated(
    home: Path, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"FLEETCTL_WAREHOUSE_{key}", "FLEET; DROP TABLE X")
    with pytest.raises(
        ConfigError, match=rf"warehouse\.{key.lower()}: .* is not a valid identifier"
    ):
        open_warehouse(load_settings())
