-- spins: one typed row per spin, from the `spin` span of the telemetry contract.
-- Money is exact Decimal(38, 18) (20 integer and 18 fractional digits); a spin whose
-- amounts are malformed keeps NULL amounts and says why in money_error, so it is
-- counted and visible instead of silently zeroed. ReplacingMergeTree keyed by the
-- spin is the second line of defence against duplicates (the view's gate is the first).
-- spinscope: distributed cityHash64(trace_id)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    spin_id String CODEC(ZSTD(1)),
    started_at DateTime64(9) CODEC(Delta, ZSTD(1)),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    service_name LowCardinality(String),
    service_version LowCardinality(String),
    environment LowCardinality(String),
    region LowCardinality(String),
    instance_id LowCardinality(String),
    game_id LowCardinality(String),
    game_version LowCardinality(String),
    game_rtp Nullable(Decimal(18, 10)),
    mode LowCardinality(String),
    feature LowCardinality(String),
    currency LowCardinality(String),
    player_id String CODEC(ZSTD(1)),
    session_id String CODEC(ZSTD(1)),
    channel LowCardinality(String),
    status LowCardinality(String),
    error_type LowCardinality(String),
    duration_ns UInt64 CODEC(T64, ZSTD(1)),
    bet_amount Nullable(Decimal(38, 18)),
    win_amount Nullable(Decimal(38, 18)),
    money_error String CODEC(ZSTD(1))
) ENGINE = $replacing_engine
PARTITION BY toDate(started_at)
ORDER BY (toStartOfHour(started_at), game_id, spin_id)
$spins_ttl_started_at
SETTINGS index_granularity = 8192
