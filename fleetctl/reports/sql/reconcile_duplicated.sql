-- Events of the run with more than one row, the first %(samples)s by event time; TOTAL counts all.
SELECT EVENT_ID, EVENT_TS, COPIES, COUNT(*) OVER () AS TOTAL
FROM RECONCILE_EVENTS
WHERE COPIES > 1
  AND EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
ORDER BY EVENT_TS, EVENT_ID
LIMIT %(samples)s
