-- The latest alert of each truck and code, kept when it was raised within %(open_minutes)s
-- minutes of the truck's last reading in the window (the condition is still present or recent).
WITH alerts AS (
    SELECT
        TRUCK_ID, CODE, SEVERITY, MESSAGE, READINGS, EVENT_TS,
        COUNT(*) OVER (PARTITION BY TRUCK_ID, CODE) AS TIMES_RAISED,
        MIN(EVENT_TS) OVER (PARTITION BY TRUCK_ID, CODE) AS FIRST_RAISED
    FROM CORE.MAINTENANCE_ALERTS
    WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
    QUALIFY ROW_NUMBER() OVER (PARTITION BY TRUCK_ID, CODE ORDER BY EVENT_TS DESC, EVENT_ID DESC) = 1
), last_readings AS (
    SELECT TRUCK_ID, MAX(EVENT_TS) AS LAST_TS
    FROM RAW.TRUCK_TELEMETRY
    WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
    GROUP BY TRUCK_ID
)
SELECT
    a.TRUCK_ID, a.CODE, a.SEVERITY, a.MESSAGE, a.READINGS,
    a.FIRST_RAISED, a.EVENT_TS AS LAST_RAISED, a.TIMES_RAISED, l.LAST_TS AS LAST_READING
FROM alerts a
JOIN last_readings l ON l.TRUCK_ID = a.TRUCK_ID
WHERE a.EVENT_TS >= DATEADD('minute', -%(open_minutes)s, l.LAST_TS)
ORDER BY a.TRUCK_ID, a.CODE
