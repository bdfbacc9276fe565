-- spin_game_rtp_mv: feeds spin_game_rtp_minutely from every insert into spins (each spin once: the
-- duplicate gate is spins_mv's), only spins that declare their RTP.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.spin_game_rtp_minutely$local
AS SELECT
    toStartOfMinute(started_at) AS minute,
    game_id,
    game_version,
    assumeNotNull(game_rtp) AS declared_rtp,
    count() AS spins
FROM $db.spins$local
WHERE game_rtp IS NOT NULL
GROUP BY minute, game_id, game_version, declared_rtp
