-- The same column on the Distributed trace_index readers query on a cluster (single node: 0155 did it).
-- spinscope: cluster only
ALTER TABLE $db.trace_index $on_cluster
    ADD COLUMN IF NOT EXISTS resource_hash UInt64
