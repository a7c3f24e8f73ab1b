-- Landing tables: one row per accepted record, a typed column per contract field, and the record
-- itself as VARIANT. Loads MERGE on EVENT_ID, so a replayed batch never duplicates a row.
-- Column names and paths follow fleetctl/warehouse/mapping.py (a test keeps the two in step).
-- No PRIMARY KEY on the landing tables: Snowflake would not enforce it, and a writer other than
-- fleetctl (Firehose's own Snowflake destination delivers at least once) can land a duplicate.
-- The embedded warehouse behaves the same, so `fleetctl report reconcile` can find them there too.

CREATE SCHEMA IF NOT EXISTS RAW;

CREATE TABLE IF NOT EXISTS RAW.TRUCK_TELEMETRY (
    EVENT_ID VARCHAR NOT NULL,
    SCHEMA_VERSION NUMBER(38, 0),
    TRUCK_ID VARCHAR NOT NULL,
    EVENT_TS TIMESTAMP_NTZ NOT NULL,  -- UTC, minute-aligned
    DRIVER_ID VARCHAR,                -- NULL while no driver is on shift
    DEPOT_ID VARCHAR,
    GPS_LAT FLOAT,
    GPS_LON FLOAT,
    GPS_ALT_M FLOAT,
    GPS_SPEED_KMH FLOAT,
    GPS_HEADING_DEG FLOAT,
    VEHICLE_SPEED_KMH FLOAT,
    ENGINE_RPM FLOAT,
    ENGINE_FUEL_LEVEL_PCT FLOAT,
    ENGINE_COOLANT_TEMP_C FLOAT,
    ENGINE_OIL_PRESSURE_KPA FLOAT,
    ENGINE_BATTERY_VOLTAGE_V FLOAT,
    ODOMETER_KM FLOAT,
    FUEL_RATE_LPH FLOAT,
    BRAKE_STATUS VARCHAR,
    TRANSMISSION_STATUS VARCHAR,
    TIRE_PRESSURE_FL_KPA FLOAT,
    TIRE_PRESSURE_FR_KPA FLOAT,
    TIRE_PRESSURE_RL_KPA FLOAT,
    TIRE_PRESSURE_RR_KPA FLOAT,
    ENVIRONMENT_TEMP_C FLOAT,
    ENVIRONMENT_HUMIDITY_PCT FLOAT,
    ENVIRONMENT_PRESSURE_HPA FLOAT,
    RECORD VARIANT,                   -- the record as received, without `derived`
    DERIVED VARIANT,                  -- what the transformation Lambda added
    LOAD_ID VARCHAR NOT NULL,         -- the load that inserted the row
    LOADED_AT TIMESTAMP_NTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS RAW.CLICKSTREAM (
    EVENT_ID VARCHAR NOT NULL,
    SCHEMA_VERSION NUMBER(38, 0),
    EVENT_TS TIMESTAMP_NTZ NOT NULL,  -- UTC
    SESSION_ID VARCHAR,
    USER_ID VARCHAR,
    ITEM_ID VARCHAR NOT NULL,
    ITEM_NAME VARCHAR,
    CATEGORY VARCHAR,
    CLICK_COUNT NUMBER(38, 0),
    PAGE VARCHAR,
    DEVICE VARCHAR,
    RECORD VARIANT,
    DERIVED VARIANT,
    LOAD_ID VARCHAR NOT NULL,
    LOADED_AT TIMESTAMP_NTZ NOT NULL
);

-- Records the pipeline could not accept, with the bytes exactly as they came in. REJECT_ID is the
-- SHA-256 of stream, a NUL byte and the raw bytes: the same bytes rejected twice are one row.
CREATE TABLE IF NOT EXISTS RAW.REJECTED (
    REJECT_ID VARCHAR NOT NULL,
    STREAM VARCHAR NOT NULL,
    REASON VARCHAR NOT NULL,
    RAW BINARY NOT NULL,
    EVENT_ID VARCHAR,                 -- when the record got far enough to show one
    REJECTED_AT TIMESTAMP_NTZ NOT NULL,
    LOAD_ID VARCHAR NOT NULL,
    LOADED_AT TIMESTAMP_NTZ NOT NULL,
    PRIMARY KEY (REJECT_ID)
);
