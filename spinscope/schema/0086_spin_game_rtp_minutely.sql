-- spin_game_rtp_minutely: the theoretical RTP each game version's spans declare (slot.game.rtp), per
-- minute: the few distinct (game, version, declared RTP) of each minute with their spins. The RTP
-- status reads references here (queries/rtp/rtp_span_reference) instead of scanning every spin of
-- its window, which cost ~1 s a week of spins and grew with traffic. Filled by spin_game_rtp_mv
-- from each insert into spins (0088); what spins held before is copied once (0087).
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    minute DateTime CODEC(Delta, ZSTD(1)),
    game_id LowCardinality(String),
    game_version LowCardinality(String),
    declared_rtp Decimal(18, 10),
    spins SimpleAggregateFunction(sum, UInt64)
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, game_id, game_version, declared_rtp)
$spins_ttl_minute
