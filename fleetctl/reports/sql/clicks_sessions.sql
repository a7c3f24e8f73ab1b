-- Sessions over the window, each click event counted once, and how deep each went in the
-- funnel: 1 browse (home, search, category), 2 product, 3 cart, 4 checkout. A session reaches a
-- step when it clicked on that step's pages or a later step's. (COALESCE: DuckDB's COUNT_IF of
-- no rows is NULL, Snowflake's 0.)
WITH clicks AS (
    SELECT SESSION_ID, EVENT_TS, ITEM_ID, CLICK_COUNT, PAGE
    FROM RAW.CLICKSTREAM
    WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
    QUALIFY ROW_NUMBER() OVER (PARTITION BY EVENT_ID ORDER BY LOADED_AT, LOAD_ID) = 1
), sessions AS (
    SELECT
        SESSION_ID,
        COUNT(*) AS EVENTS,
        SUM(CLICK_COUNT) AS CLICKS,
        COUNT(DISTINCT ITEM_ID) AS ITEMS,
        DATEDIFF('second', MIN(EVENT_TS), MAX(EVENT_TS)) AS DURATION_S,
        MAX(CASE
            WHEN PAGE = 'checkout' THEN 4
            WHEN PAGE = 'cart' THEN 3
            WHEN PAGE = 'product' THEN 2
            WHEN PAGE IN ('home', 'search', 'category') THEN 1
            ELSE 0
        END) AS DEEPEST_STEP
    FROM clicks
    GROUP BY SESSION_ID
)
SELECT
    COUNT(*) AS SESSIONS,
    COALESCE(SUM(EVENTS), 0) AS EVENTS,
    COALESCE(SUM(CLICKS), 0) AS CLICKS,
    AVG(EVENTS) AS EVENTS_PER_SESSION,
    AVG(CLICKS) AS CLICKS_PER_SESSION,
    AVG(ITEMS) AS ITEMS_PER_SESSION,
    AVG(DURATION_S) AS MEAN_DURATION_S,
    MEDIAN(DURATION_S) AS MEDIAN_DURATION_S,
    COALESCE(COUNT_IF(EVENTS = 1), 0) AS SINGLE_CLICK_SESSIONS,
    COALESCE(COUNT_IF(DEEPEST_STEP >= 1), 0) AS STEP_1,
    COALESCE(COUNT_IF(DEEPEST_STEP >= 2), 0) AS STEP_2,
    COALESCE(COUNT_IF(DEEPEST_STEP >= 3), 0) AS STEP_3,
    COALESCE(COUNT_IF(DEEPEST_STEP >= 4), 0) AS STEP_4
FROM sessions
