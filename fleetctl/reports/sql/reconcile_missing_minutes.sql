-- Event ids the run sent that are nowhere in RAW, per generation minute (NULL when the manifest
-- cannot place them), within the window.
WITH run_ids AS (
    SELECT EVENT_ID, MIN(GEN_MINUTE) AS GEN_MINUTE
    FROM STAGE.RUN_EVENT_IDS
    WHERE LOAD_ID = %(load_id)s AND STREAM = %(stream)s
    GROUP BY EVENT_ID
)
SELECT i.GEN_MINUTE AS MINUTE_TS, COUNT(*) AS MISSING
FROM run_ids i
WHERE i.EVENT_ID NOT IN (SELECT EVENT_ID FROM RECONCILE_EVENTS)
  AND (i.GEN_MINUTE IS NULL OR (
      i.GEN_MINUTE >= %(from_ts)s::TIMESTAMP_NTZ AND i.GEN_MINUTE < %(to_ts)s::TIMESTAMP_NTZ))
GROUP BY 1
ORDER BY 1
