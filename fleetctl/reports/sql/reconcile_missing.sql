-- The first %(samples)s missing event ids in the order the run sent them; TOTAL counts all.
WITH run_ids AS (
    SELECT EVENT_ID, MIN(SEQ) AS SEQ, MIN(GEN_MINUTE) AS GEN_MINUTE
    FROM STAGE.RUN_EVENT_IDS
    WHERE LOAD_ID = %(load_id)s AND STREAM = %(stream)s
    GROUP BY EVENT_ID
)
SELECT i.EVENT_ID, COUNT(*) OVER () AS TOTAL
FROM run_ids i
WHERE i.EVENT_ID NOT IN (SELECT EVENT_ID FROM RECONCILE_EVENTS)
  AND (i.GEN_MINUTE IS NULL OR (
      i.GEN_MINUTE >= %(from_ts)s::TIMESTAMP_NTZ AND i.GEN_MINUTE < %(to_ts)s::TIMESTAMP_NTZ))
ORDER BY i.SEQ
LIMIT %(samples)s
