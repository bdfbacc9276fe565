-- child_spans gains a typed copy of the resource attributes spins copies as sent (RCA names them as
-- suspects: cloud.region, service.instance.id, service.version, deployment.environment.name): with
-- them, a where pair on one of them is tested on typed columns for every span of the window instead
-- of reading every span's resource map (traces/trace_ranked: 3.4-4.3 s over 24 h at 5 M and 50 M,
-- issue 17). resource_typed tells the rows the view filled (1, from 0152 on) from the rows stored
-- before (0): the trace list tests the columns only over windows without such rows, and reads the maps
-- over the others until the raw-span TTL has dropped them. Its minmax index lets that check skip the
-- parts written since (traces/resource_columns_filled).
ALTER TABLE $db.child_spans$local $on_cluster
    ADD COLUMN IF NOT EXISTS region LowCardinality(String),
    ADD COLUMN IF NOT EXISTS instance_id LowCardinality(String),
    ADD COLUMN IF NOT EXISTS service_version LowCardinality(String),
    ADD COLUMN IF NOT EXISTS environment LowCardinality(String),
    ADD COLUMN IF NOT EXISTS resource_typed UInt8,
    ADD INDEX IF NOT EXISTS idx_resource_typed resource_typed TYPE minmax GRANULARITY 1
