-- Per minute of event time in the window: the run's events found, how many of them have more
-- than one row, the extra rows, and how many landed late.
SELECT
    DATE_TRUNC('MINUTE', EVENT_TS) AS MINUTE_TS,
    COUNT(*) AS LANDED,
    COUNT_IF(COPIES > 1) AS DUPLICATED,
    SUM(COPIES - 1) AS EXTRA_ROWS,
    SUM(LATE) AS LATE
FROM RECONCILE_EVENTS
WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
GROUP BY 1
ORDER BY 1
