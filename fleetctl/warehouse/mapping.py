"""Where each record field lands: the warehouse columns, derived from the record contract.

A `Column` names a warehouse column, the path of keys that reaches its value in a record, and its
Snowflake type. Every leaf field of `handlers/contract.py` (through `fleetctl.schema`) is one
column, named after its path (`gps.lat` -> `GPS_LAT`) unless `COLUMN_NAMES` says otherwise. The
staging file, the RAW MERGE and the checks on incoming records are built from these tables; the
DDL in `sql/` creates the same columns (a test keeps the two equal), and a field added to the
contract gets its `ADD COLUMN` migration from `schema_changes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from fleetctl import schema
from fleetctl.core import RECORD_KEYS

VARCHAR = "VARCHAR"
FLOAT = "FLOAT"
NUMBER = "NUMBER"
TIMESTAMP = "TIMESTAMP_NTZ"  # UTC by convention; records carry `YYYY-MM-DDTHH:MM:SSZ`
SQL_TYPES = {
    schema.TEXT: VARCHAR,
    schema.FLOAT: FLOAT,
    schema.INTEGER: NUMBER,
    schema.TIMESTAMP: TIMESTAMP,
}
# the columns whose names are not their field's path joined with `_`
COLUMN_NAMES = {
    "health.brake_status": "BRAKE_STATUS",
    "health.transmission_status": "TRANSMISSION_STATUS",
    "health.tire_pressure_kpa.fl": "TIRE_PRESSURE_FL_KPA",
    "health.tire_pressure_kpa.fr": "TIRE_PRESSURE_FR_KPA",
    "health.tire_pressure_kpa.rl": "TIRE_PRESSURE_RL_KPA",
    "health.tire_pressure_kpa.rr": "TIRE_PRESSURE_RR_KPA",
}
KEY = "EVENT_ID"

# after the typed columns every RAW table has these, filled by the load itself
RECORD_COLUMNS = ("RECORD", "DERIVED", "LOAD_ID", "LOADED_AT")
# the staging tables carry the two documents as text; the MERGE parses them into VARIANT
STAGE_DOCUMENT_COLUMNS = ("RECORD_JSON", "DERIVED_JSON")


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[str, ...]
    sql_type: str
    required: bool = False  # a record without it is refused (NOT NULL in RAW)

    @property
    def field(self) -> str:
        """The record field as people write it: `gps.lat`."""
        return ".".join(self.path)


@dataclass(frozen=True)
class StreamTable:
    """How one stream is loaded: its RAW and staging tables, columns, and enrichment MERGEs."""

    stream: str
    raw_table: str
    stage_table: str
    columns: tuple[Column, ...]
    # (table, sql file) run after the RAW MERGE, each recomputing from RAW what the load touched
    enrichments: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> Column:
        return next(column for column in self.columns if column.name == KEY)


def columns(stream: str, record: type[msgspec.Struct] | None = None) -> tuple[Column, ...]:
    """The columns of `stream`'s contract Struct (`record`: another one, e.g. a newer contract)."""
    required = RECORD_KEYS[stream]
    return tuple(
        Column(
            COLUMN_NAMES.get(f.dotted, "_".join(f.path).upper()),
            f.path,
            SQL_TYPES[f.kind],
            f.dotted in required,
        )
        for f in schema.fields(record or schema.RECORDS[stream])
    )


TELEMETRY = StreamTable(
    stream="telemetry",
    raw_table="RAW.TRUCK_TELEMETRY",
    stage_table="STAGE.TRUCK_TELEMETRY",
    columns=columns("telemetry"),
    enrichments=(("CORE.MAINTENANCE_ALERTS", "merge_maintenance_alerts.sql"),),
)

CLICKSTREAM = StreamTable(
    stream="clickstream",
    raw_table="RAW.CLICKSTREAM",
    stage_table="STAGE.CLICKSTREAM",
    columns=columns("clickstream"),
    enrichments=(("CORE.ITEM_CLICKS_MINUTE", "merge_item_clicks_minute.sql"),),
)

STREAM_TABLES = {spec.stream: spec for spec in (CLICKSTREAM, TELEMETRY)}


def raw_merge_sql(spec: StreamTable) -> str:
    """MERGE one load's staged rows into the stream's RAW table, inserting unseen event_ids only.

    Identifiers come from the constants above, never from input; values are bound parameters.
    """
    typed = [c.name for c in spec.columns]
    targets = [*typed, *RECORD_COLUMNS]
    return (
        f"MERGE INTO {spec.raw_table} t\n"
        "USING (\n"
        f"    SELECT {', '.join(typed)},\n"
        "        PARSE_JSON(RECORD_JSON) AS RECORD, PARSE_JSON(DERIVED_JSON) AS DERIVED,\n"
        "        LOAD_ID, %(loaded_at)s::TIMESTAMP_NTZ AS LOADED_AT\n"
        f"    FROM {spec.stage_table}\n"
        "    WHERE LOAD_ID = %(load_id)s\n"
        ") s\n"
        f"ON t.{spec.key.name} = s.{spec.key.name}\n"
        f"WHEN NOT MATCHED THEN INSERT ({', '.join(targets)})\n"
        f"    VALUES ({', '.join('s.' + name for name in targets)})"
    )
