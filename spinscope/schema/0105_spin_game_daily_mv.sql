-- spin_game_daily_mv: feeds spin_game_daily from every insert into spin_game_hourly (made by
-- spin_game_hourly_mv).
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.spin_game_daily$local
AS SELECT
    toDate(hour) AS day,
    environment, service_name, game_id, game_version, currency, mode, status,
    $game_rollup_measures
FROM $db.spin_game_hourly$local
GROUP BY day, environment, service_name, game_id, game_version, currency, mode, status
