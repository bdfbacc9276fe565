-- Backfill of spin_game_rtp_minutely from spins (a store upgraded to 0086), before spin_game_rtp_mv
-- exists, with ingest paused (see 0081); a minute already there is skipped. spins FINAL: each spin once.
INSERT INTO $db.spin_game_rtp_minutely
SELECT
    toStartOfMinute(started_at) AS minute,
    game_id,
    game_version,
    assumeNotNull(game_rtp) AS declared_rtp,
    count() AS spins
FROM $db.spins FINAL
WHERE game_rtp IS NOT NULL
  AND toStartOfMinute(started_at) NOT IN (SELECT DISTINCT minute FROM $db.spin_game_rtp_minutely)
GROUP BY minute, game_id, game_version, declared_rtp
