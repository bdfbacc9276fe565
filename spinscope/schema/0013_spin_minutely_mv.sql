-- spin_minutely_mv: feeds spin_minutely from every insert into spins (one row per minute
-- and dimension combination present in the insert; the engine merges the rest).
-- hit_spins counts spins with a win > 0 in every mode; hit frequency filters mode = 'paid'.
-- Spins with malformed money keep NULL amounts, which sum() skips, and are counted apart.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.spin_minutely$local
AS SELECT
    toStartOfMinute(started_at) AS minute,
    service_name, environment, region, instance_id, game_id, game_version, channel, currency, mode, feature, status,
    count() AS spins,
    countIf(money_error != '') AS money_error_spins,
    countIf(win > 0) AS hit_spins,
    countIf(duration_ns <= 50000000) AS latency_le_50ms,
    countIf(duration_ns <= 100000000) AS latency_le_100ms,
    countIf(duration_ns <= 200000000) AS latency_le_200ms,
    countIf(duration_ns <= 250000000) AS latency_le_250ms,
    countIf(duration_ns <= 300000000) AS latency_le_300ms,
    countIf(duration_ns <= 500000000) AS latency_le_500ms,
    countIf(duration_ns <= 750000000) AS latency_le_750ms,
    countIf(duration_ns <= 1000000000) AS latency_le_1000ms,
    countIf(duration_ns <= 2000000000) AS latency_le_2000ms,
    countIf(duration_ns <= 5000000000) AS latency_le_5000ms,
    sum(duration_ns) AS duration_ns_sum,
    sum(bet) AS bet_amount,
    sum(win) AS win_amount,
    sum(toDecimal256(bet, 18) * toDecimal256(bet, 18)) AS bet_squared_sum,
    sum(toDecimal256(win, 18) * toDecimal256(win, 18)) AS win_squared_sum,
    sum(toDecimal256(win, 18) * toDecimal256(bet, 18)) AS win_bet_sum,
    uniqExactStateIf(player_id, player_id != '') AS players,
    uniqExactStateIf(session_id, session_id != '') AS sessions,
    quantilesTDigestState(0.5, 0.95, 0.99)(duration_ns) AS latency_ns_quantiles
FROM (
    SELECT *,
        ifNull(bet_amount, toDecimal128(0, 18)) AS bet,
        ifNull(win_amount, toDecimal128(0, 18)) AS win
    FROM $db.spins$local
)
GROUP BY minute, service_name, environment, region, instance_id, game_id, game_version, channel, currency, mode,
         feature, status
