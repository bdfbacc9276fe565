-- rca_rtp_cells: RTP sums per segment (attribute = value) and per stream cell (game, version,
-- currency) over [start, end), settled spins only: the input of the fleet-wide RTP root-cause
-- ranking. Each cell is judged against its own version's theoretical RTP; cells of different
-- currencies are combined only after converting to bet units (never as money). Feature and spin
-- mode are not segments: they are outcomes of the spin (a jackpot spin pays more than the RTP by
-- definition; a free spin stakes nothing), so ranking them would explain the payout by itself.
-- Parameters: start, end, where_keys / where_values (attribute names as in the telemetry
-- contract: slot.game.id, slot.game.version, cloud.region, service.instance.id, slot.channel,
-- slot.currency, slot.feature, slot.spin.mode).
WITH
cells AS (
    SELECT *
    FROM spin_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND status = 'ok'
      AND arrayAll((k, v) -> multiIf(
                k = 'slot.game.id', game_id = v,
                k = 'slot.game.version', game_version = v,
                k = 'cloud.region', region = v,
                k = 'service.instance.id', instance_id = v,
                k = 'slot.channel', channel = v,
                k = 'slot.currency', currency = v,
                k = 'slot.feature', feature = v,
                k = 'slot.spin.mode', mode = v,
                0), {where_keys:Array(String)}, {where_values:Array(String)})
)

SELECT
    segment.1 AS attribute,
    segment.2 AS value,
    game_id,
    game_version,
    currency,
    sum(spins) AS spins_count,
    sum(bet_amount) AS bet_sum,
    sum(win_amount) AS win_sum,
    sum(bet_squared_sum) AS bet_squared,
    sum(win_squared_sum) AS win_squared,
    sum(win_bet_sum) AS win_bet
FROM cells
ARRAY JOIN [
    ('*', '*'),
    ('slot.game.id', game_id), ('slot.game.version', game_version), ('cloud.region', region),
    ('service.instance.id', instance_id), ('slot.channel', channel), ('slot.currency', currency)
] AS segment
GROUP BY attribute, value, game_id, game_version, currency
ORDER BY attribute, value, game_id, game_version, currency
