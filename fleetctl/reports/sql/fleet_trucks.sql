-- Per truck over the window: what the transformation Lambda derived, each event counted once
-- (RAW has no primary key: a record delivered twice is two rows, the earliest load wins here).
WITH readings AS (
    SELECT TRUCK_ID, EVENT_TS, DERIVED
    FROM RAW.TRUCK_TELEMETRY
    WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
    QUALIFY ROW_NUMBER() OVER (PARTITION BY EVENT_ID ORDER BY LOADED_AT, LOAD_ID) = 1
)
SELECT
    TRUCK_ID,
    COUNT(*) AS READINGS,
    MIN(EVENT_TS) AS FIRST_TS,
    MAX(EVENT_TS) AS LAST_TS,
    COALESCE(SUM(DERIVED:distance_km::FLOAT), 0) AS DISTANCE_KM,
    COALESCE(SUM(DERIVED:fuel_used_l::FLOAT), 0) AS FUEL_USED_L,
    COALESCE(SUM(DERIVED:co2_kg::FLOAT), 0) AS CO2_KG,
    COUNT_IF(DERIVED:moving::BOOLEAN) AS MOVING_MINUTES,
    COUNT_IF(DERIVED:idling::BOOLEAN) AS IDLE_MINUTES,
    COALESCE(SUM(IFF(DERIVED:idling::BOOLEAN, DERIVED:fuel_used_l::FLOAT, 0)), 0) AS IDLE_FUEL_L,
    COUNT_IF(DERIVED:harsh_braking::BOOLEAN) AS HARSH_BRAKING,
    COUNT_IF(DERIVED:harsh_acceleration::BOOLEAN) AS HARSH_ACCELERATION
FROM readings
GROUP BY TRUCK_ID
ORDER BY TRUCK_ID
