-- app_fleet_totals: fleet health over [start, end) in one row, from spin_minutely: spins, error
-- spins, their ratio and the latency quantiles (bfloat16-histogram estimates (deterministic, ~0.4 % relative error), ms). The Overview's headline.
-- environment / game_id '' mean every one.
-- Parameters: start, end (DateTime, UTC, end exclusive), environment, game_id.
-- Whole hours are read from spin_game_hourly, the minutes at the window's edges from spin_minutely.
WITH
    $hour_edges,
filtered AS (
    SELECT status, spins, latency_ns_bf16
    FROM spin_game_hourly
    WHERE hour >= hours_from AND hour < hours_to
      AND ({environment:String} = '' OR environment = {environment:String})
      AND ({game_id:String} = '' OR game_id = {game_id:String})
    UNION ALL
    SELECT status, spins, latency_ns_bf16
    FROM spin_minutely
    WHERE ((minute >= window_start AND minute < hours_from) OR (minute >= hours_to AND minute < window_end))
      AND ({environment:String} = '' OR environment = {environment:String})
      AND ({game_id:String} = '' OR game_id = {game_id:String})
),

sums AS (
    SELECT
        sum(spins) AS spins_count,
        sumIf(spins, status = 'error') AS error_spins_count,
        quantilesBFloat16Merge(0.5, 0.95, 0.99)(latency_ns_bf16) AS latency_ns
    FROM filtered
)

SELECT
    spins_count AS spins,
    error_spins_count AS error_spins,
    if(spins_count = 0, NULL, error_spins_count / spins_count) AS error_rate_ratio,
    if(spins_count = 0, NULL, round(latency_ns[1] / 1e6, 3)) AS latency_p50_ms,
    if(spins_count = 0, NULL, round(latency_ns[3] / 1e6, 3)) AS latency_p99_ms
FROM sums
