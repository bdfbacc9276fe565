-- child_spans: one row per span other than `spin` (wallet.debit, rng.draw, state.save ...), keyed by
-- (trace id, span id), holding what span_minutely rolls up. It is the duplicate gate's memory for
-- child spans, as spins is for spins: child_spans_mv admits a span only if its (trace id, span id) is
-- not stored yet, and span_minutely is filled from here (0034), so a replayed batch's child spans are
-- counted once in the rollups. Kept as long as raw spans (a replay older than that counts again);
-- ReplacingMergeTree on the key is the second line of defence (FINAL is exact). started_at closes
-- the key so that spans without ids (no key to recognise a repeat by) are not merged together.
-- spinscope: distributed cityHash64(trace_id)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    started_at DateTime64(9) CODEC(Delta, ZSTD(1)),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    service_name LowCardinality(String),
    span_name LowCardinality(String),
    is_error UInt8,
    wallet_provider LowCardinality(String),
    db_system LowCardinality(String),
    error_type LowCardinality(String),
    duration_ns UInt64 CODEC(T64, ZSTD(1))
) ENGINE = $replacing_engine
PARTITION BY toDate(started_at)
ORDER BY (toStartOfHour(started_at), trace_id, span_id, started_at)
$raw_ttl_started_at
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
