-- span_minutely_mv: feeds span_minutely from every insert into otel_traces (all spans but `spin`).
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.span_minutely$local
AS SELECT
    toStartOfMinute(Timestamp) AS minute,
    ServiceName AS service_name,
    SpanName AS span_name,
    toUInt8(StatusCode = 'Error') AS is_error,
    SpanAttributes['wallet.provider'] AS wallet_provider,
    SpanAttributes['db.system.name'] AS db_system,
    SpanAttributes['error.type'] AS error_type,
    count() AS spans,
    countIf(Duration <= 50000000) AS latency_le_50ms,
    countIf(Duration <= 100000000) AS latency_le_100ms,
    countIf(Duration <= 200000000) AS latency_le_200ms,
    countIf(Duration <= 250000000) AS latency_le_250ms,
    countIf(Duration <= 300000000) AS latency_le_300ms,
    countIf(Duration <= 500000000) AS latency_le_500ms,
    countIf(Duration <= 750000000) AS latency_le_750ms,
    countIf(Duration <= 1000000000) AS latency_le_1000ms,
    countIf(Duration <= 2000000000) AS latency_le_2000ms,
    countIf(Duration <= 5000000000) AS latency_le_5000ms,
    sum(Duration) AS duration_ns_sum
FROM $db.otel_traces$local
WHERE SpanName != 'spin'
GROUP BY minute, service_name, span_name, is_error, wallet_provider, db_system, error_type
