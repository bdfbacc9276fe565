-- spin_hourly: spin_minutely rolled up by hour, with the same dimensions and the same exact sums
-- (counts, the latency ladder, Decimal money and its second moments) and mergeable states (players,
-- sessions: exact distinct counts; latency: bfloat16 histograms). A window of whole hours reads ~16x
-- fewer rows than at minute grain (the demo's dimension combinations repeat within an hour), so the
-- SLO periods, RTP windows and the app's longer charts cost about the same whatever the history.
-- Models read whole hours here and the partial hours at each edge from spin_minutely, so every
-- window stays minute-exact. Filled by spin_hourly_mv from each insert into spin_minutely (0082);
-- what spin_minutely held before is copied once (0081). `db check-rollups` compares it with spins.
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    hour DateTime CODEC(Delta, ZSTD(1)),
    service_name LowCardinality(String),
    environment LowCardinality(String),
    region LowCardinality(String),
    instance_id LowCardinality(String),
    game_id LowCardinality(String),
    game_version LowCardinality(String),
    channel LowCardinality(String),
    currency LowCardinality(String),
    mode LowCardinality(String),
    feature LowCardinality(String),
    status LowCardinality(String),
    spins SimpleAggregateFunction(sum, UInt64),
    money_error_spins SimpleAggregateFunction(sum, UInt64),
    hit_spins SimpleAggregateFunction(sum, UInt64),
    $latency_column_types,
    duration_ns_sum SimpleAggregateFunction(sum, UInt64),
    bet_amount SimpleAggregateFunction(sum, Decimal(38, 18)),
    win_amount SimpleAggregateFunction(sum, Decimal(38, 18)),
    bet_squared_sum SimpleAggregateFunction(sum, Decimal(76, 36)),
    win_squared_sum SimpleAggregateFunction(sum, Decimal(76, 36)),
    win_bet_sum SimpleAggregateFunction(sum, Decimal(76, 36)),
    players AggregateFunction(uniqExact, String),
    sessions AggregateFunction(uniqExact, String),
    latency_ns_bf16 AggregateFunction(quantilesBFloat16(0.5, 0.95, 0.99), UInt64)
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, game_id, game_version, currency, mode, region, instance_id, channel, feature, status,
          service_name, environment)
$spins_ttl_hour
