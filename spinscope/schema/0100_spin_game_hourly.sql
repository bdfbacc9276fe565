-- spin_game_hourly: spin_hourly with only the dimensions the dashboards group and filter by (environment,
-- service, game, version, currency, mode, status), the same exact sums (counts, the latency ladder, Decimal
-- money and its second moments) and mergeable states (players, sessions: exact distinct counts; latency:
-- bfloat16 histograms). spin_hourly keeps every combination of region, instance, channel and feature too,
-- ~6x the rows at the demo's density, and the latency histograms and distinct-count states of those rows
-- were most of a week's cost (KPIs, RTP status, fleet totals, the SLO burndown): merging one state per
-- game version and currency instead of one per combination gives the same figures (a bfloat16 merge sums
-- counts, a uniqExact merge is a set union) from fewer, fuller states. A model reads it when its filters
-- and groups are among these dimensions (spinscope.schema.fragments.GAME_DIMENSIONS), spin_hourly
-- otherwise. Filled by spin_game_hourly_mv from each insert into spin_minutely (0102); what spin_hourly
-- held before is copied once (0101). `db check-rollups` compares it with spins.
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    hour DateTime CODEC(Delta, ZSTD(1)),
    environment LowCardinality(String),
    service_name LowCardinality(String),
    game_id LowCardinality(String),
    game_version LowCardinality(String),
    currency LowCardinality(String),
    mode LowCardinality(String),
    status LowCardinality(String),
    $rollup_measure_types
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, game_id, game_version, currency, mode, status, environment, service_name)
$spins_ttl_hour
