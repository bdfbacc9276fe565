-- app_filter_values: the values the app's sidebar offers: environments and games with spins in
-- [start, end), one row per (dimension, value).
-- Parameters: start, end (DateTime, UTC, end exclusive).
-- Whole hours are read from spin_game_hourly, the minutes at the window's edges from spin_minutely.
WITH
    $hour_edges,
recent AS (
    SELECT environment, game_id
    FROM spin_game_hourly
    WHERE hour >= hours_from AND hour < hours_to
    UNION ALL
    SELECT environment, game_id
    FROM spin_minutely
    WHERE (minute >= window_start AND minute < hours_from) OR (minute >= hours_to AND minute < window_end)
)

SELECT dimension, value
FROM (
    SELECT DISTINCT 'environment' AS dimension, environment AS value FROM recent
    UNION ALL
    SELECT DISTINCT 'game_id' AS dimension, game_id AS value FROM recent
)
ORDER BY dimension, value
