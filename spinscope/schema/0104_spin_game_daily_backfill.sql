-- Backfill of spin_game_daily from spin_daily (a store upgraded to 0103), before spin_game_daily_mv
-- exists, with ingest paused (see 0081); a day already in spin_game_daily is skipped.
INSERT INTO $db.spin_game_daily
SELECT
    day,
    environment, service_name, game_id, game_version, currency, mode, status,
    $game_rollup_measures
FROM $db.spin_daily
WHERE day NOT IN (SELECT DISTINCT day FROM $db.spin_game_daily)
GROUP BY day, environment, service_name, game_id, game_version, currency, mode, status
