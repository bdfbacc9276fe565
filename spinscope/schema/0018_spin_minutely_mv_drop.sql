-- Retire spin_minutely_mv (it fills t-digest states); spin_minutely_mv2 replaces it.
DROP VIEW IF EXISTS $db.spin_minutely_mv $on_cluster
