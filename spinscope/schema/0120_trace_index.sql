-- trace_index: the span times of each trace, and its spin spans' raw amounts, ordered by trace id:
-- what the trace views look up by id (a trace's time bounds for traces/trace_spans; the number of
-- spans each listed trace has, and the spin span's amounts as the producer sent them, for
-- traces/trace_list). Reading those from otel_traces cost a granule of every span name per trace (its
-- key starts with the span name) and the spin spans' whole attribute maps for two strings. One row per
-- insert block and trace (as otel_traces_trace_id_ts): started_at is the row's first span start,
-- span_offsets_ns every span's start after it (repeats included, so a count here is the count of
-- otel_traces rows), spin_spans the spin spans' offsets and slot.bet.amount / slot.win.amount as sent
-- ('' where missing). Offsets, not times: a trace's spans start milliseconds apart, so they take a
-- byte or two each where times take eight.
-- Partitioned by week: a lookup by id without a window opens every part, and a week holds fewer
-- parts than its seven days; with ttl_only_drop_parts a row may outlive its raw spans by up to a
-- week, which no lookup can see (the spans read after it are gone). The bloom filter drops, in each
-- part, the granule the key points at when the id is not there; small granules, and compressed blocks
-- of a few granules (not the default 64 KiB to 1 MiB), keep a lookup's read to about a thousand rows
-- an id: 50 ids measured 27 ms here against 114 ms with the defaults (5 M spins).
-- spinscope: distributed cityHash64(trace_id)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    trace_id String CODEC(ZSTD(1)),
    started_at DateTime64(9) CODEC(Delta, ZSTD(1)),
    span_offsets_ns Array(UInt64) CODEC(ZSTD(1)),
    spin_spans Array(Tuple(offset_ns UInt64, bet_amount String, win_amount String)) CODEC(ZSTD(1)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = $engine
PARTITION BY toMonday(started_at)
ORDER BY (trace_id, started_at)
$raw_ttl_started_at
SETTINGS index_granularity = 1024, min_compress_block_size = 8192, max_compress_block_size = 65536, ttl_only_drop_parts = 1
