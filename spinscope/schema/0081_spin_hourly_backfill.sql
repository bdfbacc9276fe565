-- Backfill of spin_hourly from what spin_minutely already holds (a store upgraded to 0080). Runs before
-- spin_hourly_mv exists, so no minute is rolled up twice; the upgrade therefore needs ingest paused
-- (`serve` and `demo` migrate before their receivers start; `db migrate --ingest-paused` otherwise).
-- An hour already in spin_hourly is skipped, so a run interrupted and repeated adds nothing twice.
INSERT INTO $db.spin_hourly
SELECT
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
FROM $db.spin_minutely
WHERE toStartOfHour(minute) NOT IN (SELECT DISTINCT hour FROM $db.spin_hourly)
GROUP BY hour, service_name, environment, region, instance_id, game_id, game_version, channel, currency, mode, feature, status
