-- Enrichment and dimension tables, derived from RAW by the load statements and the SCD2 build.

CREATE SCHEMA IF NOT EXISTS CORE;

-- One row per alert a telemetry reading raised (derived.alerts), keyed on the reading and code.
CREATE TABLE IF NOT EXISTS CORE.MAINTENANCE_ALERTS (
    EVENT_ID VARCHAR NOT NULL,
    CODE VARCHAR NOT NULL,
    TRUCK_ID VARCHAR NOT NULL,
    EVENT_TS TIMESTAMP_NTZ NOT NULL,
    SEVERITY VARCHAR,                 -- info < warning < critical
    MESSAGE VARCHAR,
    READINGS VARIANT,                 -- the values that triggered the alert
    LOADED_AT TIMESTAMP_NTZ NOT NULL,
    PRIMARY KEY (EVENT_ID, CODE)
);

-- Clicks per item and UTC minute, recomputed from RAW.CLICKSTREAM for every minute a load
-- touches, so the counts stay exact however batches split or replay.
CREATE TABLE IF NOT EXISTS CORE.ITEM_CLICKS_MINUTE (
    MINUTE_TS TIMESTAMP_NTZ NOT NULL,
    ITEM_ID VARCHAR NOT NULL,
    ITEM_NAME VARCHAR,
    CATEGORY VARCHAR,
    CLICKS NUMBER(38, 0) NOT NULL,    -- sum of click_count
    EVENTS NUMBER(38, 0) NOT NULL,    -- click events
    SESSIONS NUMBER(38, 0) NOT NULL,  -- distinct sessions
    UPDATED_AT TIMESTAMP_NTZ NOT NULL,
    PRIMARY KEY (MINUTE_TS, ITEM_ID)
);

-- The truck dimension, SCD Type 2: one row per version of a truck's tracked attributes.
CREATE TABLE IF NOT EXISTS CORE.DIM_TRUCK (
    TRUCK_SK VARCHAR NOT NULL,        -- MD5 of TRUCK_ID|EFFECTIVE_FROM: a rebuild gives the same keys
    TRUCK_ID VARCHAR NOT NULL,
    DRIVER_ID VARCHAR,
    DEPOT_ID VARCHAR,
    BRAKE_STATUS VARCHAR,
    TRANSMISSION_STATUS VARCHAR,
    EFFECTIVE_FROM TIMESTAMP_NTZ NOT NULL,
    EFFECTIVE_TO TIMESTAMP_NTZ,       -- NULL while the version is current
    IS_CURRENT BOOLEAN NOT NULL,
    ROW_HASH VARCHAR NOT NULL,        -- MD5 of the tracked values, to spot changes
    UPDATED_AT TIMESTAMP_NTZ NOT NULL,
    PRIMARY KEY (TRUCK_SK)
);
