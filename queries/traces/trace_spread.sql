-- trace_spread: which of the given traces hold more than one spin span (a replayed span counts twice: at
-- worst a read for nothing), and which were sent under one resource, from trace_index (ordered by trace
-- id). The trace list's typed mode reads the other spins of the first only, and the child spans of the
-- traces not among the second only (traces/trace_where_other_spans): the contract's trace holds one
-- spin, its root span, and its child spans are that server's steps, under its resource, so usually
-- neither `spins` nor `child_spans`, which have no index ordered by trace id, is read. 50 M store, 24 h: testing the day's 1.4 million trace ids against 351 candidates took
-- 94 ms, this lookup ~30-60; the child spans of 91 traces, 65-80 ms.
-- Parameters: start, end (DateTime64(9)), trace_ids (Array(String)).
-- One row: several_spins, one_resource (trace ids). A trace is under one resource when every row of it
-- holds the same resource_hash, not 0 (0: its spans came under several, or the row was written before
-- 0157); a trace without a row here is in neither. A row's started_at is its first span's start in one
-- insert block, so an hour before the window covers the spans the list reads (a minute either side of
-- the window).
SELECT
    groupArrayIf(trace_id, spin_spans > 1) AS several_spins,
    groupArrayIf(trace_id, min_hash = max_hash AND min_hash != 0) AS one_resource
FROM (
    SELECT trace_id, sum(length(spin_spans)) AS spin_spans, min(resource_hash) AS min_hash,
           max(resource_hash) AS max_hash
    FROM trace_index
    WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 HOUR
      AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND trace_id IN {trace_ids:Array(String)}
    GROUP BY trace_id
)
