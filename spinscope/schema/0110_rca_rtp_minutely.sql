-- rca_rtp_minutely: settled spins per minute and RTP cell (game, version, region, instance, channel,
-- currency, feature) for the RTP root-cause ranking (queries/rca/rca_rtp_rounds): the paid spins with a
-- stake (`paid`), those that staked nothing (`unstaked`), the exact sum of their win / bet in stakes
-- (Decimal(76, 18): the very per-spin quotients the raw path sums, so a sum of minutes equals the raw
-- answer to the last digit), and the settled free spins (`free_spins`), counted only: a free spin's
-- stake is its session's last paid bet, which no per-insert view can know, so the model reads the free
-- spins raw, and only for the games and minutes this column names. A minute holds a few hundred rows
-- (one per cell), not a row per spin; narrow on purpose: it is written on every insert into spins.
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    minute DateTime CODEC(Delta, ZSTD(1)),
    game_id LowCardinality(String),
    game_version LowCardinality(String),
    region LowCardinality(String),
    instance_id LowCardinality(String),
    channel LowCardinality(String),
    currency LowCardinality(String),
    feature LowCardinality(String),
    paid SimpleAggregateFunction(sum, UInt64),
    unstaked SimpleAggregateFunction(sum, UInt64),
    stakes_won SimpleAggregateFunction(sum, Decimal(76, 18)),
    free_spins SimpleAggregateFunction(sum, UInt64)
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, game_id, game_version, region, instance_id, channel, currency, feature)
$spins_ttl_minute
