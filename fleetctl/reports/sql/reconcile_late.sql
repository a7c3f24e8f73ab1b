-- Events of the run that landed late, the first %(samples)s by event time; TOTAL counts all.
SELECT EVENT_ID, EVENT_TS, LATE_LOADED_AT, LATE_WATERMARK, COUNT(*) OVER () AS TOTAL
FROM RECONCILE_EVENTS
WHERE LATE = 1
  AND EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
ORDER BY EVENT_TS, EVENT_ID
LIMIT %(samples)s
