-- Drop spin_daily (0083): nothing fills it since 0130 and nothing reads it (spin_game_daily serves the whole
-- days, 0103). spin_daily_local on a cluster, spin_daily on a single node.
DROP TABLE IF EXISTS $db.spin_daily$local $on_cluster
