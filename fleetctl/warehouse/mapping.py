"""Where each record field lands: the one declarative map from transformed records to columns.

A `Column` names a warehouse column, the path of keys that reaches its value in a record, and its
Snowflake type. The staging file, the RAW MERGE and the checks on incoming records are all built
from these tables; the DDL in `sql/V001__raw_tables.sql` and `sql/V003__stage_tables.sql` spells
the same columns out, and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

VARCHAR = "VARCHAR"
FLOAT = "FLOAT"
NUMBER = "NUMBER"
TIMESTAMP = "TIMESTAMP_NTZ"  # UTC by convention; records carry `YYYY-MM-DDTHH:MM:SSZ`

# after the typed columns every RAW table has these, filled by the load itself
RECORD_COLUMNS = ("RECORD", "DERIVED", "LOAD_ID", "LOADED_AT")
# the staging tables carry the two documents as text; the MERGE parses them into VARIANT
STAGE_DOCUMENT_COLUMNS = ("RECORD_JSON", "DERIVED_JSON")


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[str, ...]
    sql_type: str
    required: bool = False

    @property
    def field(self) -> str:
        """The record field as people write it: `gps.lat`."""
        return ".".join(self.path)


def field(dotted: str, sql_type: str, *, name: str | None = None, required: bool = False) -> Column:
    """A column for the record field `dotted` (e.g. `gps.lat` -> `GPS_LAT` unless `name` given)."""
    path = tuple(dotted.split("."))
    return Column(name or "_".join(path).upper(), path, sql_type, required)


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
        return self.columns[0]


TELEMETRY = StreamTable(
    stream="telemetry",
    raw_table="RAW.TRUCK_TELEMETRY",
    stage_table="STAGE.TRUCK_TELEMETRY",
    columns=(
        field("event_id", VARCHAR, required=True),
        field("schema_version", NUMBER),
        field("truck_id", VARCHAR, required=True),
        field("event_ts", TIMESTAMP, required=True),
        field("driver_id", VARCHAR),
        field("depot_id", VARCHAR),
        field("gps.lat", FLOAT),
        field("gps.lon", FLOAT),
        field("gps.alt_m", FLOAT),
        field("gps.speed_kmh", FLOAT),
        field("gps.heading_deg", FLOAT),
        field("vehicle_speed_kmh", FLOAT),
        field("engine.rpm", FLOAT),
        field("engine.fuel_level_pct", FLOAT),
        field("engine.coolant_temp_c", FLOAT),
        field("engine.oil_pressure_kpa", FLOAT),
        field("engine.battery_voltage_v", FLOAT),
        field("odometer_km", FLOAT),
        field("fuel_rate_lph", FLOAT),
        field("health.brake_status", VARCHAR, name="BRAKE_STATUS"),
        field("health.transmission_status", VARCHAR, name="TRANSMISSION_STATUS"),
        field("health.tire_pressure_kpa.fl", FLOAT, name="TIRE_PRESSURE_FL_KPA"),
        field("health.tire_pressure_kpa.fr", FLOAT, name="TIRE_PRESSURE_FR_KPA"),
        field("health.tire_pressure_kpa.rl", FLOAT, name="TIRE_PRESSURE_RL_KPA"),
        field("health.tire_pressure_kpa.rr", FLOAT, name="TIRE_PRESSURE_RR_KPA"),
        field("environment.temp_c", FLOAT),
        field("environment.humidity_pct", FLOAT),
        field("environment.pressure_hpa", FLOAT),
    ),
    enrichments=(("CORE.MAINTENANCE_ALERTS", "merge_maintenance_alerts.sql"),),
)

CLICKSTREAM = StreamTable(
    stream="clickstream",
    raw_table="RAW.CLICKSTREAM",
    stage_table="STAGE.CLICKSTREAM",
    columns=(
        field("event_id", VARCHAR, required=True),
        field("schema_version", NUMBER),
        field("event_ts", TIMESTAMP, required=True),
        field("session_id", VARCHAR),
        field("user_id", VARCHAR),
        field("item_id", VARCHAR, required=True),
        field("item_name", VARCHAR),
        field("category", VARCHAR),
        field("click_count", NUMBER),
        field("page", VARCHAR),
        field("device", VARCHAR),
    ),
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
