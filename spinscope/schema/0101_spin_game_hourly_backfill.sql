-- Backfill of spin_game_hourly from what spin_hourly already holds (a store upgraded to 0100). Runs before
-- spin_game_hourly_mv exists, so no hour is rolled up twice; the upgrade therefore needs ingest paused
-- (see 0081). An hour already in spin_game_hourly is skipped, so a run interrupted and repeated adds
-- nothing twice.
INSERT INTO $db.spin_game_hourly
SELECT
    hour,
    environment, service_name, game_id, game_version, currency, mode, status,
    $game_rollup_measures
FROM $db.spin_hourly
WHERE hour NOT IN (SELECT DISTINCT hour FROM $db.spin_game_hourly)
GROUP BY hour, environment, service_name, game_id, game_version, currency, mode, status
