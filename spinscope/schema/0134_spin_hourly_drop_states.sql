-- Drop spin_hourly's state columns, which nothing fills since 0133 and nothing reads (spin_hourly_local on a
-- cluster, spin_hourly on a single node).
ALTER TABLE $db.spin_hourly$local $on_cluster
    DROP COLUMN IF EXISTS players,
    DROP COLUMN IF EXISTS sessions,
    DROP COLUMN IF EXISTS latency_ns_bf16
