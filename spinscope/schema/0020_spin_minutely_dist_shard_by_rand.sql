-- spin_minutely's Distributed table (cluster mode) shards by rand() instead of cityHash64(game_id).
-- Nothing inserts through it: spin_minutely_mv2 fills spin_minutely_local on the shard where each
-- spin's trace landed (otel_traces and spins shard by the trace id), so every game's minutes are
-- on every shard. A key naming game_id told optimize_skip_unused_shards that one game lives on
-- one shard, and a query filtered by game would have read that shard alone: wrong figures.
-- rand() promises nothing, so no shard is skipped. Replaced in one statement (no moment without
-- the table); on a single node spin_minutely is the table itself and nothing is done.
-- spinscope: cluster only
CREATE OR REPLACE TABLE $db.`spin_minutely` $on_cluster AS $db.`spin_minutely$local`
ENGINE = Distributed($cluster, $db, `spin_minutely$local`, rand())
