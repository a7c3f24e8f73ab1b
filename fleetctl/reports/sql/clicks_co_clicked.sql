-- Co-click recommendations: for each item, the items clicked in the most of the same sessions
-- over the window (across loads and batches, unlike derived.co_clicked_item_ids, which only
-- sees the Lambda's batch), at most %(per_item)s per item.
WITH clicks AS (
    SELECT SESSION_ID, ITEM_ID, ITEM_NAME
    FROM RAW.CLICKSTREAM
    WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
), session_items AS (
    SELECT DISTINCT SESSION_ID, ITEM_ID FROM clicks
), names AS (
    SELECT ITEM_ID, MAX(ITEM_NAME) AS ITEM_NAME FROM clicks GROUP BY ITEM_ID
), pairs AS (
    SELECT a.ITEM_ID, b.ITEM_ID AS CO_ITEM_ID, COUNT(*) AS SESSIONS
    FROM session_items a
    JOIN session_items b ON b.SESSION_ID = a.SESSION_ID AND b.ITEM_ID <> a.ITEM_ID
    GROUP BY a.ITEM_ID, b.ITEM_ID
)
SELECT p.ITEM_ID, n.ITEM_NAME, p.CO_ITEM_ID, c.ITEM_NAME AS CO_ITEM_NAME, p.SESSIONS
FROM pairs p
JOIN names n ON n.ITEM_ID = p.ITEM_ID
JOIN names c ON c.ITEM_ID = p.CO_ITEM_ID
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.ITEM_ID ORDER BY p.SESSIONS DESC, p.CO_ITEM_ID) <= %(per_item)s
ORDER BY p.ITEM_ID, p.SESSIONS DESC, p.CO_ITEM_ID
