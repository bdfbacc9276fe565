-- The same columns on the Distributed child_spans readers query on a cluster (single node: 0150 did it).
-- spinscope: cluster only
ALTER TABLE $db.child_spans $on_cluster
    ADD COLUMN IF NOT EXISTS region LowCardinality(String),
    ADD COLUMN IF NOT EXISTS instance_id LowCardinality(String),
    ADD COLUMN IF NOT EXISTS service_version LowCardinality(String),
    ADD COLUMN IF NOT EXISTS environment LowCardinality(String),
    ADD COLUMN IF NOT EXISTS resource_typed UInt8
