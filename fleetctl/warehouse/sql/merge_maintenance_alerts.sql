-- The alerts of the readings a load staged, taken from RAW (the row that won the MERGE, not the
-- staged copy, so a replay with different `derived` cannot disagree with RAW). Keyed on the
-- reading and the alert code; a code repeated within one reading keeps its first occurrence.
MERGE INTO CORE.MAINTENANCE_ALERTS t
USING (
    SELECT
        r.EVENT_ID,
        a.value:code::VARCHAR AS CODE,
        r.TRUCK_ID,
        r.EVENT_TS,
        a.value:severity::VARCHAR AS SEVERITY,
        a.value:message::VARCHAR AS MESSAGE,
        a.value:readings AS READINGS,
        %(loaded_at)s::TIMESTAMP_NTZ AS LOADED_AT
    FROM RAW.TRUCK_TELEMETRY r, LATERAL FLATTEN(input => r.DERIVED:alerts) a
    WHERE r.EVENT_ID IN (SELECT EVENT_ID FROM STAGE.TRUCK_TELEMETRY WHERE LOAD_ID = %(load_id)s)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY r.EVENT_ID, a.value:code::VARCHAR ORDER BY a.index) = 1
) s
ON t.EVENT_ID = s.EVENT_ID AND t.CODE = s.CODE
WHEN NOT MATCHED THEN INSERT
    (EVENT_ID, CODE, TRUCK_ID, EVENT_TS, SEVERITY, MESSAGE, READINGS, LOADED_AT)
    VALUES (s.EVENT_ID, s.CODE, s.TRUCK_ID, s.EVENT_TS, s.SEVERITY, s.MESSAGE, s.READINGS, s.LOADED_AT)
