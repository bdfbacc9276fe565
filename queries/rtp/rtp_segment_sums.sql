-- rtp_segment_sums: RTP sums of one game per segment (dimension = value) and version and currency
-- over [start, end), from spin_minutely: the input of the RTP root-cause ranking, which compares
-- each segment's wins with what its bets should have returned at the version's theoretical RTP.
-- Settled spins only (status ok).
-- Parameters: start, end, game_id.
SELECT
    segment.1 AS dimension,
    segment.2 AS value,
    game_version,
    currency,
    sum(spins) AS spins_count,
    sum(bet_amount) AS bet_sum,
    sum(win_amount) AS win_sum,
    sum(bet_squared_sum) AS bet_squared
FROM spin_minutely
ARRAY JOIN [
    ('slot.game.version', game_version), ('cloud.region', region), ('service.instance.id', instance_id),
    ('slot.channel', channel), ('slot.currency', currency), ('slot.feature', feature), ('slot.spin.mode', mode)
] AS segment
WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
  AND status = 'ok'
  AND game_id = {game_id:String}
GROUP BY dimension, value, game_version, currency
ORDER BY dimension, value, game_version, currency
