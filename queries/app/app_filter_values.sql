-- app_filter_values: the values the app's sidebar offers: environments and games with spins in
-- [start, end), one row per (dimension, value).
-- Parameters: start, end (DateTime, UTC, end exclusive).
WITH
recent AS (
    SELECT environment, game_id
    FROM spin_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
)

SELECT dimension, value
FROM (
    SELECT DISTINCT 'environment' AS dimension, environment AS value FROM recent
    UNION ALL
    SELECT DISTINCT 'game_id' AS dimension, game_id AS value FROM recent
)
ORDER BY dimension, value
