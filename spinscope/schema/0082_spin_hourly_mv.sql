-- spin_hourly_mv: feeds spin_hourly from every insert into spin_minutely (itself fed by spin_minutely_mv2
-- from spins, which admits each spin once): one row per hour and dimension combination in the insert,
-- the engine merges the rest. The input is already aggregated by minute, so ingest pays little for it.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.spin_hourly$local
AS SELECT
    toStartOfHour(minute) AS hour,
    service_name, environment, region, instance_id, game_id, game_version, channel, currency, mode, feature, status,
    sum(spins) AS spins,
    sum(money_error_spins) AS money_error_spins,
    sum(hit_spins) AS hit_spins,
    $latency_sums,
    sum(duration_ns_sum) AS duration_ns_sum,
    sum(bet_amount) AS bet_amount,
    sum(win_amount) AS win_amount,
    sum(bet_squared_sum) AS bet_squared_sum,
    sum(win_squared_sum) AS win_squared_sum,
    sum(win_bet_sum) AS win_bet_sum,
    uniqExactMergeState(players) AS players,
    uniqExactMergeState(sessions) AS sessions,
    quantilesBFloat16MergeState(0.5, 0.95, 0.99)(latency_ns_bf16) AS latency_ns_bf16
FROM $db.spin_minutely$local
GROUP BY hour, service_name, environment, region, instance_id, game_id, game_version, channel, currency, mode, feature, status
