-- trace_several_spins: which of the given traces hold more than one spin span (a replayed span counts
-- twice: at worst a read for nothing), from trace_index (ordered by trace id). The trace list's typed
-- mode reads the other spins of those only (traces/trace_where_other_spans): the contract's trace holds
-- one spin, its root span, so this is usually empty and `spins`, which has no index on trace_id, is not
-- read (50 M store, 24 h: testing the day's 1.4 million trace ids against 351 candidates took 94 ms,
-- this lookup ~30-60).
-- Parameters: start, end (DateTime64(9)), trace_ids (Array(String)).
-- One row: trace_ids. A row's started_at is its first span's start in one insert block, so an hour
-- before the window covers the spins the list reads (a minute either side of the window).
SELECT groupArray(trace_id) AS trace_ids
FROM (
    SELECT trace_id
    FROM trace_index
    WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 HOUR
      AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND trace_id IN {trace_ids:Array(String)}
    GROUP BY trace_id
    HAVING sum(length(spin_spans)) > 1
)
