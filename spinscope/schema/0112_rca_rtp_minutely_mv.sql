-- rca_rtp_minutely_mv: feeds rca_rtp_minutely from every insert into spins (each spin once: the
-- duplicate gate is spins_mv's), settled spins only (status ok, both amounts well-formed).
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.rca_rtp_minutely$local
AS SELECT
    toStartOfMinute(started_at) AS minute,
    game_id, game_version, region, instance_id, channel, currency, feature,
    countIf(mode = 'paid' AND bet_amount > 0) AS paid,
    countIf(mode = 'paid' AND bet_amount = 0) AS unstaked,
    sumIf(toDecimal256(assumeNotNull(win_amount), 18) / if(bet_amount > 0, assumeNotNull(bet_amount), 1),
          mode = 'paid' AND bet_amount > 0) AS stakes_won,
    countIf(mode != 'paid') AS free_spins
FROM $db.spins$local
WHERE status = 'ok' AND bet_amount IS NOT NULL AND win_amount IS NOT NULL
GROUP BY minute, game_id, game_version, region, instance_id, channel, currency, feature
