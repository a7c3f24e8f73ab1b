-- Rows of {raw_table} inside the run's event time (and the window) whose event id the run did not
-- send: another writer's, or another run's; the first %(samples)s by event time, TOTAL counts all.
SELECT r.EVENT_ID, r.EVENT_TS, COUNT(*) OVER () AS TOTAL
FROM {raw_table} r
WHERE r.EVENT_TS >= %(run_from)s::TIMESTAMP_NTZ AND r.EVENT_TS < %(run_to)s::TIMESTAMP_NTZ
  AND r.EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND r.EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
  AND r.EVENT_ID NOT IN (
      SELECT EVENT_ID FROM STAGE.RUN_EVENT_IDS WHERE LOAD_ID = %(load_id)s AND STREAM = %(stream)s
  )
ORDER BY r.EVENT_TS, r.EVENT_ID
LIMIT %(samples)s
