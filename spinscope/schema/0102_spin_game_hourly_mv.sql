-- spin_game_hourly_mv: feeds spin_game_hourly from every insert into spin_minutely (itself fed by
-- spin_minutely_mv2 from spins, which admits each spin once): one row per hour and game dimension
-- combination in the insert, the engine merges the rest. Its input is the minute rollup's block (tens of
-- rows per insert), not the spins, so ingest pays little for it.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.spin_game_hourly$local
AS SELECT
    toStartOfHour(minute) AS hour,
    environment, service_name, game_id, game_version, currency, mode, status,
    $game_rollup_measures
FROM $db.spin_minutely$local
GROUP BY hour, environment, service_name, game_id, game_version, currency, mode, status
