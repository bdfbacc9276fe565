-- spin_hourly_mv fills only the sums (issue 17's ingest budget). Its exact distinct-count states (players,
-- sessions) and latency histograms fed spin_daily alone, retired in 0130-0132: spin_hourly's readers
-- (slo_series_spins, slo_buckets_spins and rtp_sums when split by dimensions the game rollup lacks) read
-- counts, the latency ladder and money sums only; distinct counts and latency quantiles come from the game
-- rollups (spin_game_hourly, spin_game_daily) and spin_minutely. Replaced in one statement (as 0090); the
-- columns go next (0134, 0135).
ALTER TABLE $db.spin_hourly_mv $on_cluster MODIFY QUERY
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
    sum(win_bet_sum) AS win_bet_sum
FROM $db.spin_minutely$local
GROUP BY hour, service_name, environment, region, instance_id, game_id, game_version, channel, currency, mode, feature, status
