-- Each truck's readings cut into spans: a new span starts whenever the truck starts or stops
-- moving (vehicle speed 1 km/h, as `derived.moving`) or the driver on shift changes. Routes and
-- their stops are assembled from these spans (fleetctl/reports/routes.py).
WITH readings AS (
    SELECT
        TRUCK_ID, EVENT_TS, DRIVER_ID, GPS_LAT, GPS_LON,
        VEHICLE_SPEED_KMH < 1 AS STILL,
        DERIVED:distance_km::FLOAT AS DISTANCE_KM
    FROM RAW.TRUCK_TELEMETRY
    WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
    QUALIFY ROW_NUMBER() OVER (PARTITION BY EVENT_ID ORDER BY LOADED_AT, LOAD_ID) = 1
), marked AS (
    SELECT
        *,
        IFF(
            LAG(STILL) OVER (PARTITION BY TRUCK_ID ORDER BY EVENT_TS) IS DISTINCT FROM STILL
            OR LAG(DRIVER_ID) OVER (PARTITION BY TRUCK_ID ORDER BY EVENT_TS)
                IS DISTINCT FROM DRIVER_ID,
            1, 0
        ) AS STARTS_SPAN
    FROM readings
), numbered AS (
    SELECT
        *,
        SUM(STARTS_SPAN) OVER (
            PARTITION BY TRUCK_ID ORDER BY EVENT_TS ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS SPAN
    FROM marked
)
SELECT
    TRUCK_ID,
    SPAN,
    MAX(DRIVER_ID) AS DRIVER_ID,
    MAX(IFF(STILL, 1, 0)) = 1 AS STILL,
    MIN(EVENT_TS) AS START_TS,
    MAX(EVENT_TS) AS END_TS,
    COUNT(*) AS READINGS,
    AVG(GPS_LAT) AS LAT,
    AVG(GPS_LON) AS LON,
    COALESCE(SUM(DISTANCE_KM), 0) AS DISTANCE_KM
FROM numbered
GROUP BY TRUCK_ID, SPAN
ORDER BY TRUCK_ID, SPAN
