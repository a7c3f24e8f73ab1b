"""Migrations: applied in order once each, recorded, idempotent, and in step with the mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.errors import ConfigError, WarehouseError
from fleetctl.warehouse import Warehouse, migrations, open_warehouse
from fleetctl.warehouse.mapping import RECORD_COLUMNS, STAGE_DOCUMENT_COLUMNS, STREAM_TABLES

# every shipped file, numbered from 1 without gaps
SHIPPED = list(range(1, len(migrations.available()) + 1))

# INFORMATION_SCHEMA's names for the types the mapping uses
INFO_TYPES = {
    "VARCHAR": "TEXT",
    "FLOAT": "FLOAT",
    "NUMBER": "NUMBER",
    "TIMESTAMP_NTZ": "TIMESTAMP_NTZ",
}


def columns_of(wh: Warehouse, table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".")
    rows = wh.query(
        "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION",
        (schema, name),
    )
    return [(r["COLUMN_NAME"], r["DATA_TYPE"]) for r in rows]


def test_first_migrate_applies_every_version_in_order_and_records_it(home: Path) -> None:
    with open_warehouse(load_settings()) as wh:
        applied = migrations.apply(wh)
        recorded = wh.query("SELECT VERSION, NAME, CHECKSUM FROM FLEETCTL.SCHEMA_MIGRATIONS")
    shipped = migrations.available()
    assert [m.version for m in applied] == SHIPPED
    assert [m.label for m in shipped] == [
        "V001__raw_tables",
        "V002__core_tables",
        "V003__stage_tables",
        "V004__dim_truck_loads",
        "V005__run_event_ids",
        "V006__dim_truck_last_event",
    ]
    assert [(r["VERSION"], r["NAME"], r["CHECKSUM"]) for r in recorded] == [
        (m.version, m.name, m.checksum) for m in shipped
    ]
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
        history = wh.query("SELECT COUNT(*) AS N FROM FLEETCTL.SCHEMA_MIGRATIONS")
    assert history == [{"N": len(SHIPPED)}]
    assert status.pending == []
    assert [m.version for m in status.applied] == SHIPPED
    counts = {f"{t.schema}.{t.name}": t.rows for t in status.tables}
    assert counts["CORE.ITEM_CLICKS_MINUTE"] == 1


def test_status_before_migrate_lists_everything_pending_and_creates_nothing(home: Path) -> None:
    with open_warehouse(load_settings()) as wh:
        status = migrations.status(wh)
        again = migrations.status(wh)
    assert status.applied == []
    assert [m.version for m in status.pending] == SHIPPED
    assert status.tables == [] == again.tables


def test_an_applied_migration_edited_afterwards_is_refused(warehouse: Warehouse) -> None:
    warehouse.execute("UPDATE FLEETCTL.SCHEMA_MIGRATIONS SET CHECKSUM = 'edited' WHERE VERSION = 2")
    with pytest.raises(
        WarehouseError, match=r"V002__core_tables\.sql changed after it was applied"
    ):
        migrations.apply(warehouse)


@pytest.mark.parametrize("spec", STREAM_TABLES.values(), ids=STREAM_TABLES)
def test_raw_and_stage_tables_match_the_declarative_mapping(warehouse: Warehouse, spec) -> None:
    typed = [(c.name, INFO_TYPES[c.sql_type]) for c in spec.columns]
    raw = columns_of(warehouse, spec.raw_table)
    stage = columns_of(warehouse, spec.stage_table)
    assert raw[: len(typed)] == typed
    assert [name for name, _ in raw[len(typed) :]] == list(RECORD_COLUMNS)
    assert stage == [("LOAD_ID", "TEXT"), *typed, *[(c, "TEXT") for c in STAGE_DOCUMENT_COLUMNS]]


def test_dim_truck_has_the_scd2_columns(warehouse: Warehouse) -> None:
    assert columns_of(warehouse, "CORE.DIM_TRUCK") == [
        ("TRUCK_SK", "TEXT"),
        ("TRUCK_ID", "TEXT"),
        ("DRIVER_ID", "TEXT"),
        ("DEPOT_ID", "TEXT"),
        ("BRAKE_STATUS", "TEXT"),
        ("TRANSMISSION_STATUS", "TEXT"),
        ("EFFECTIVE_FROM", "TIMESTAMP_NTZ"),
        ("EFFECTIVE_TO", "TIMESTAMP_NTZ"),
        ("IS_CURRENT", "BOOLEAN"),
        ("ROW_HASH", "TEXT"),
        ("UPDATED_AT", "TIMESTAMP_NTZ"),
    ]


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
