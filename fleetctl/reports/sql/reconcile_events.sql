-- Every event id of the run (stream %(stream)s) found in {raw_table}, once, with its copies and
-- whether it landed late: in a load whose LOADED_AT comes after loads that had already landed
-- this run's records more than %(lateness_s)s seconds newer (the watermark).
CREATE OR REPLACE TEMPORARY TABLE RECONCILE_EVENTS AS
WITH run_ids AS (
    SELECT DISTINCT EVENT_ID
    FROM STAGE.RUN_EVENT_IDS
    WHERE LOAD_ID = %(load_id)s AND STREAM = %(stream)s
), run_rows AS (
    SELECT r.EVENT_ID, r.EVENT_TS, r.LOADED_AT
    FROM {raw_table} r
    JOIN run_ids i ON i.EVENT_ID = r.EVENT_ID
), loads AS (
    SELECT LOADED_AT, MAX(EVENT_TS) AS NEWEST_TS
    FROM run_rows
    GROUP BY LOADED_AT
), watermarks AS (
    SELECT
        LOADED_AT,
        MAX(NEWEST_TS) OVER (
            ORDER BY LOADED_AT ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS WATERMARK
    FROM loads
), marked AS (
    SELECT
        r.EVENT_ID, r.EVENT_TS, r.LOADED_AT, w.WATERMARK,
        IFF(
            w.WATERMARK IS NOT NULL
            AND r.EVENT_TS < DATEADD('second', -%(lateness_s)s, w.WATERMARK),
            1, 0
        ) AS LATE
    FROM run_rows r
    JOIN watermarks w ON w.LOADED_AT = r.LOADED_AT
)
SELECT
    EVENT_ID,
    MIN(EVENT_TS) AS EVENT_TS,
    COUNT(*) AS COPIES,
    MAX(LATE) AS LATE,
    MAX(IFF(LATE = 1, LOADED_AT, NULL)) AS LATE_LOADED_AT,
    MAX(IFF(LATE = 1, WATERMARK, NULL)) AS LATE_WATERMARK
FROM marked
GROUP BY EVENT_ID
