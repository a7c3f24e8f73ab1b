-- The RAW.TRUCK_TELEMETRY loads whose events CORE.DIM_TRUCK already includes: an incremental
-- build takes in the others, so a build interrupted before its commit is simply redone.
CREATE TABLE IF NOT EXISTS CORE.DIM_TRUCK_LOADS (
    LOAD_ID VARCHAR NOT NULL,
    TRACKED VARCHAR NOT NULL,         -- the tracked attributes the build used, comma-separated
    APPLIED_AT TIMESTAMP_NTZ NOT NULL,
    PRIMARY KEY (LOAD_ID)
);
