-- rtp_sums: the mergeable sums RTP statistics need, per game, version and currency (amounts of
-- different currencies are never added), optionally split by channel, over [start, end),
-- and optionally in time batches (batch_s > 0: one row per batch, for the sequential detector).
-- Settled spins only (status ok: a failed spin moved no money). spins_count counts them, paid
-- and free; free spins stake 0 and carry their wins, so win_sum / bet_sum is the RTP of the
-- spec. Squares and products are exact Decimal(76, 36).
-- Parameters: start, end (DateTime, end exclusive), batch_s (0 = one batch for the window),
-- by_channel (UInt8), game_id ('' = every game).
-- Whole hours are read from spin_game_hourly (spin_hourly when split by channel, a dimension the game
-- rollup does not keep) and the minutes at the window's edges from spin_minutely (when batch_s is 0 or
-- a multiple of an hour), so the sums are spin_minutely's at hourly cost.
WITH
    $hour_edges_batch
SELECT
    if({batch_s:UInt32} = 0, {start:DateTime}, toStartOfInterval(minute, toIntervalSecond({batch_s:UInt32})))
        AS batch_start,
    game_id,
    game_version,
    currency,
    if({by_channel:UInt8} = 1, channel, '*') AS channel_name,
    sum(spins) AS spins_count,
    sumIf(spins, mode = 'paid') AS paid_spins_count,
    sumIf(hit_spins, mode = 'paid') AS paid_hits_count,
    sum(money_error_spins) AS money_error_spins_count,
    sum(bet_amount) AS bet_sum,
    sum(win_amount) AS win_sum,
    sum(bet_squared_sum) AS bet_squared,
    sum(win_squared_sum) AS win_squared,
    sum(win_bet_sum) AS win_bet
FROM (
    SELECT
        hour AS minute, game_id, game_version, currency, channel, mode, spins, hit_spins, money_error_spins,
        bet_amount, win_amount, bet_squared_sum, win_squared_sum, win_bet_sum
    FROM spin_hourly
    WHERE {by_channel:UInt8} = 1 AND hour >= hours_from AND hour < hours_to
      AND status = 'ok'
      AND ({game_id:String} = '' OR game_id = {game_id:String})
    UNION ALL
    SELECT
        hour AS minute, game_id, game_version, currency, '*' AS channel, mode, spins, hit_spins, money_error_spins,
        bet_amount, win_amount, bet_squared_sum, win_squared_sum, win_bet_sum
    FROM spin_game_hourly
    WHERE {by_channel:UInt8} = 0 AND hour >= hours_from AND hour < hours_to
      AND status = 'ok'
      AND ({game_id:String} = '' OR game_id = {game_id:String})
    UNION ALL
    SELECT
        minute, game_id, game_version, currency, channel, mode, spins, hit_spins, money_error_spins,
        bet_amount, win_amount, bet_squared_sum, win_squared_sum, win_bet_sum
    FROM spin_minutely
    WHERE ((minute >= window_start AND minute < hours_from) OR (minute >= hours_to AND minute < window_end))
      AND status = 'ok'
      AND ({game_id:String} = '' OR game_id = {game_id:String})
)
GROUP BY batch_start, game_id, game_version, currency, channel_name
ORDER BY game_id, game_version, currency, channel_name, batch_start
