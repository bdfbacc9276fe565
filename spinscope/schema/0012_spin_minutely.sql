-- spin_minutely: spins rolled up by minute and by every dimension people slice by, so any
-- window of any SLI, KPI or RTP statistic is a ratio of sums over at most one row per
-- minute and dimension combination: query cost follows the number of combinations,
-- not the number of spins. Money sums stay exact Decimals; the second moments RTP
-- statistics need (sums of bet squared, win squared, win times bet) are Decimal(76, 36),
-- exact for any amount the spins table can hold. Latency counts are exact counts of
-- duration <= each SLO threshold of the ladder (spinscope.slo.LATENCY_THRESHOLDS_MS),
-- taken from span durations, not histogram buckets. Players and sessions are mergeable
-- exact distinct-count states. Filled by spin_minutely_mv from spins, which admits each
-- spin once, so duplicates never count twice here.
-- spinscope: distributed cityHash64(game_id)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    minute DateTime CODEC(Delta, ZSTD(1)),
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
    latency_le_50ms SimpleAggregateFunction(sum, UInt64),
    latency_le_100ms SimpleAggregateFunction(sum, UInt64),
    latency_le_200ms SimpleAggregateFunction(sum, UInt64),
    latency_le_250ms SimpleAggregateFunction(sum, UInt64),
    latency_le_300ms SimpleAggregateFunction(sum, UInt64),
    latency_le_500ms SimpleAggregateFunction(sum, UInt64),
    latency_le_750ms SimpleAggregateFunction(sum, UInt64),
    latency_le_1000ms SimpleAggregateFunction(sum, UInt64),
    latency_le_2000ms SimpleAggregateFunction(sum, UInt64),
    latency_le_5000ms SimpleAggregateFunction(sum, UInt64),
    duration_ns_sum SimpleAggregateFunction(sum, UInt64),
    bet_amount SimpleAggregateFunction(sum, Decimal(38, 18)),
    win_amount SimpleAggregateFunction(sum, Decimal(38, 18)),
    bet_squared_sum SimpleAggregateFunction(sum, Decimal(76, 36)),
    win_squared_sum SimpleAggregateFunction(sum, Decimal(76, 36)),
    win_bet_sum SimpleAggregateFunction(sum, Decimal(76, 36)),
    players AggregateFunction(uniqExact, String),
    sessions AggregateFunction(uniqExact, String),
    latency_ns_quantiles AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, game_id, game_version, currency, mode, region, instance_id, channel, feature, status,
          service_name, environment)
$spins_ttl_minute
