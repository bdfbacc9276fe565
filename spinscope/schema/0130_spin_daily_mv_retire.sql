-- Retire spin_daily_mv (0085) and, next, its table spin_daily (0131, 0132): issue 17's ingest budget. The
-- dashboards and the KPI report read whole days from spin_game_daily (0103), which holds the dimensions they
-- split by; spin_daily had no reader left but `db check-rollups`, and each insert paid for it (a part of
-- exact distinct-count and latency states per insert, and their merges). No view replaces it, so dropping it
-- while data arrives loses nothing: the rows it would have made go to no table that anything reads.
-- spinscope: retires spin_daily_mv, writing to spin_daily
DROP VIEW IF EXISTS $db.spin_daily_mv $on_cluster
