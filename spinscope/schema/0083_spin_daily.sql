-- spin_daily: spin_hourly rolled up by UTC day, same dimensions, sums and states. The KPI report's
-- windows are whole days, so a week of KPIs merges ~300x fewer latency histograms and distinct-count
-- states than at minute grain (those merges, not the sums, were most of its time). Partial days at a
-- window's edges are read from spin_minutely. Filled by spin_daily_mv from each insert into spin_hourly
-- (0085); what spin_hourly held before is copied once (0084).
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    day Date CODEC(Delta, ZSTD(1)),
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
PARTITION BY toYYYYMM(day)
ORDER BY (day, game_id, game_version, currency, mode, region, instance_id, channel, feature, status,
          service_name, environment)
$spins_ttl_day
