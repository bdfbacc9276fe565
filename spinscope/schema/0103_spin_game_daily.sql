-- spin_game_daily: spin_game_hourly rolled up by UTC day, same dimensions, sums and states: a week of
-- KPIs merges one latency histogram and one distinct-count state per game version, currency, mode and
-- status and day (spin_daily: ~12x as many). Filled by spin_game_daily_mv from each insert into
-- spin_game_hourly (0105); what spin_daily held before is copied once (0104).
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    day Date CODEC(Delta, ZSTD(1)),
    environment LowCardinality(String),
    service_name LowCardinality(String),
    game_id LowCardinality(String),
    game_version LowCardinality(String),
    currency LowCardinality(String),
    mode LowCardinality(String),
    status LowCardinality(String),
    $rollup_measure_types
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(day)
ORDER BY (day, game_id, game_version, currency, mode, status, environment, service_name)
$spins_ttl_day
