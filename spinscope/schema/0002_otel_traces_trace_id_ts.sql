-- otel_traces_trace_id_ts: first and last second seen per trace id, the exporter's
-- lookup table that narrows a trace-by-id query to the partitions that hold it.
-- spinscope: distributed cityHash64(TraceId)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    TraceId String CODEC(ZSTD(1)),
    Start DateTime CODEC(Delta, ZSTD(1)),
    End DateTime CODEC(Delta, ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = $engine
PARTITION BY toDate(Start)
ORDER BY (TraceId, Start)
$raw_ttl_Start
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
