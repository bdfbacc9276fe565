-- rca_minutely: spins rolled up by minute and by the set of attribute values of their trace, for the
-- RCA (queries/rca): one row per minute and distinct `pairs`, the sorted (attribute, value) pairs of
-- every resource and span attribute of the spin span and of the spans that arrived with it (a child
-- span's wallet.provider counts for its spin, as in the exact computation). Ids and amounts are kept
-- out (slot.spin.id, slot.player.id, slot.session.id, slot.bet.amount, slot.win.amount: one value
-- per spin, player or session, or an outcome), so a minute holds a few hundred sets, not a row per
-- spin. Counts: spins, error spins, and for the non-error spins (the latency signal's population)
-- their number and the latency ladder (`latency_le_<t>ms`: duration <= t). Any window of whole
-- minutes, any where filter (hasAll on pairs) and any pair of values is then a sum over these rows.
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    minute DateTime CODEC(Delta, ZSTD(1)),
    pairs Array(Tuple(LowCardinality(String), String)) CODEC(ZSTD(1)),
    spins SimpleAggregateFunction(sum, UInt64),
    error_spins SimpleAggregateFunction(sum, UInt64),
    ok_spins SimpleAggregateFunction(sum, UInt64),
    $latency_column_types
) ENGINE = $aggregating_engine
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, pairs)
$spins_ttl_minute
