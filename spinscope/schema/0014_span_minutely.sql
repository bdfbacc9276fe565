-- span_minutely: spans other than `spin` (wallet.debit, wallet.credit, rng.draw, state.save ...)
-- rolled up by minute, service, span name, status and the attributes child-span SLOs
-- group by (wallet.provider, db.system.name, error.type), with exact latency counts
-- against the SLO threshold ladder. Unlike spins, raw spans carry no idempotency key:
-- a span sent twice is counted twice here (exporter retries are rare; spin figures are exact).
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    minute DateTime CODEC(Delta, ZSTD(1)),
    service_name LowCardinality(String),
    span_name LowCardinality(String),
    is_error UInt8,
    wallet_provider LowCardinality(String),
    db_system LowCardinality(String),
    error_type LowCardinality(String),
    spans SimpleAggregateFunction(sum, UInt64),
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
    duration_ns_sum SimpleAggregateFunction(sum, UInt64)
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, span_name, service_name, wallet_provider, db_system, is_error, error_type)
$spins_ttl_minute
