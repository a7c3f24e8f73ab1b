-- Moving readings by their fuel efficiency, in bins of %(bin_width)s L/100 km; the last bin
-- (number %(last_bin)s) holds everything above.
WITH readings AS (
    SELECT DERIVED:fuel_efficiency_l_per_100km::FLOAT AS L_PER_100KM
    FROM RAW.TRUCK_TELEMETRY
    WHERE EVENT_TS >= %(from_ts)s::TIMESTAMP_NTZ AND EVENT_TS < %(to_ts)s::TIMESTAMP_NTZ
    QUALIFY ROW_NUMBER() OVER (PARTITION BY EVENT_ID ORDER BY LOADED_AT, LOAD_ID) = 1
)
SELECT LEAST(FLOOR(L_PER_100KM / %(bin_width)s), %(last_bin)s)::INTEGER AS BIN, COUNT(*) AS READINGS
FROM readings
WHERE L_PER_100KM IS NOT NULL
GROUP BY 1
ORDER BY 1
