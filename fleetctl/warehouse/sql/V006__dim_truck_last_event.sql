-- Per truck, the latest event time CORE.DIM_TRUCK has taken in. New events all later than it
-- only continue the current version, so an incremental build need not read the history again.
CREATE TABLE IF NOT EXISTS CORE.DIM_TRUCK_LAST_EVENT (
    TRUCK_ID VARCHAR NOT NULL,
    LAST_EVENT_TS TIMESTAMP_NTZ NOT NULL,
    PRIMARY KEY (TRUCK_ID)
);
