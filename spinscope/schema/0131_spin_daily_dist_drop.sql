-- Drop the Distributed spin_daily that readers queried on a cluster (single node: nothing to do, 0132 drops
-- the table itself). Its view is gone since 0130.
-- spinscope: cluster only
DROP TABLE IF EXISTS $db.spin_daily $on_cluster
