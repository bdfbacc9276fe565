-- Backfill of rca_rtp_minutely from spins (a store upgraded to 0110), before rca_rtp_minutely_mv exists,
-- with ingest paused (see 0081); a minute already there is skipped, so a run interrupted and repeated
-- adds nothing twice. spins FINAL: each spin once. The same expressions as the view (0112).
INSERT INTO $db.rca_rtp_minutely
SELECT
    toStartOfMinute(started_at) AS minute,
    game_id, game_version, region, instance_id, channel, currency, feature,
    countIf(mode = 'paid' AND bet_amount > 0) AS paid,
    countIf(mode = 'paid' AND bet_amount = 0) AS unstaked,
    sumIf(toDecimal256(assumeNotNull(win_amount), 18) / if(bet_amount > 0, assumeNotNull(bet_amount), 1),
          mode = 'paid' AND bet_amount > 0) AS stakes_won,
    countIf(mode != 'paid') AS free_spins
FROM $db.spins FINAL
WHERE status = 'ok' AND bet_amount IS NOT NULL AND win_amount IS NOT NULL
  AND toStartOfMinute(started_at) NOT IN (SELECT DISTINCT minute FROM $db.rca_rtp_minutely)
GROUP BY minute, game_id, game_version, region, instance_id, channel, currency, feature
