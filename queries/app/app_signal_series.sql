-- app_signal_series: the app's health signals per time bucket over [start, end), from spin_minutely:
-- spins, error spins, spins slower than threshold_ms (a value of the latency ladder), settled bets
-- and wins (for the RTP signal). Drives the Investigate page's signal chart and the Overview's
-- trend. No latency quantile per bucket: no chart draws one, and merging the latency histograms
-- was ~80 % of this model's time (the fleet's p50/p99 are app_fleet_totals'). environment / game_id '' mean every one.
-- Parameters: start, end (DateTime, UTC, end exclusive), step_s (bucket seconds), environment,
-- game_id, threshold_ms (UInt32, a value of the ladder in spinscope/schema/fragments.py).
-- When step_s is a multiple of an hour, whole hours are read from spin_game_hourly and the minutes at the
-- window's edges from spin_minutely; otherwise every minute from spin_minutely.
WITH
    $hour_edges_step,
source AS (
    SELECT hour AS minute, status, spins, $latency_pick AS fast_spins, bet_amount, win_amount
    FROM spin_game_hourly
    WHERE hour >= hours_from AND hour < hours_to
      AND ({environment:String} = '' OR environment = {environment:String})
      AND ({game_id:String} = '' OR game_id = {game_id:String})
    UNION ALL
    SELECT minute, status, spins, $latency_pick AS fast_spins, bet_amount, win_amount
    FROM spin_minutely
    WHERE ((minute >= window_start AND minute < hours_from) OR (minute >= hours_to AND minute < window_end))
      AND ({environment:String} = '' OR environment = {environment:String})
      AND ({game_id:String} = '' OR game_id = {game_id:String})
),

filtered AS (
    SELECT
        toStartOfInterval(minute, toIntervalSecond({step_s:UInt32})) AS bucket_start,
        status,
        spins,
        fast_spins,
        bet_amount,
        win_amount
    FROM source
),

sums AS (
    SELECT
        bucket_start,
        sum(spins) AS spins_count,
        sumIf(spins, status = 'error') AS error_spins_count,
        sum(fast_spins) AS fast_spins_count,
        sumIf(bet_amount, status = 'ok') AS bet_sum,
        sumIf(win_amount, status = 'ok') AS win_sum
    FROM filtered
    GROUP BY bucket_start
)

SELECT
    bucket_start,
    spins_count AS spins,
    error_spins_count AS error_spins,
    spins_count - fast_spins_count AS slow_spins,
    bet_sum AS bet_amount,
    win_sum AS win_amount
FROM sums
ORDER BY bucket_start
