-- The same columns on the Distributed spin_hourly readers query on a cluster (single node: 0134 did it).
-- spinscope: cluster only
ALTER TABLE $db.spin_hourly $on_cluster
    DROP COLUMN IF EXISTS players,
    DROP COLUMN IF EXISTS sessions,
    DROP COLUMN IF EXISTS latency_ns_bf16
