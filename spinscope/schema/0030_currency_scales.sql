-- currency_scales: each currency's scale (fractional digits its amounts may have), copied from the
-- config folder's currencies.yaml by `spinscope db migrate` and `spinscope serve`
-- (spinscope.currencies.sync_scales), read by spins_mv on every insert. Each copy is a new version
-- written in one insert; the view reads the newest, so no insert sees a half-written table.
-- Currencies not listed have scale 18. In cluster mode every node of every shard holds the whole
-- table (one replication path for all shards, like the migration history), so each shard's view
-- reads it locally and one insert on any node reaches all of them.
CREATE TABLE IF NOT EXISTS $db.currency_scales $on_cluster (
    version UInt64,
    currency String,
    scale UInt8
) ENGINE = $everywhere_engine
ORDER BY (version, currency)
