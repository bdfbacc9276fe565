-- trace_where_other_spans: which of the given traces carry every where pair once their other spans are
-- counted: their other spins (spins' typed columns) and their child spans (child_spans' typed copy of
-- the resource attributes), with the pairs each carries elsewhere (`carried`: traces/trace_where_typed's
-- candidates). The second step of the trace list's typed mode: the candidates are the few unsettled
-- traces, passed by id, so child_spans' bloom filter on trace_id (0153) skips most of the window's
-- granules, and trace_index (ordered by trace id) tells which of them have another spin span at all.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, trace_ids (Array(String)), carried
-- (Array(UInt64), parallel to trace_ids), child_ids (those of trace_ids whose child spans may complete them:
-- traces/trace_where_typed's child_candidates), cap (at most this many traces are returned).
WITH
$typed_mask AS typed_mask,
$child_mask AS child_mask,
$all_pairs AS all_pairs,

-- The candidates stored with more than one spin span (a replayed span counts twice: at worst a read for
-- nothing). The contract's trace holds one spin, its root span, so this is usually empty and `spins`,
-- which has no index on trace_id, is not read: testing a day's trace ids (50 M store, 1.4 million)
-- against 351 candidates took 94 ms, this lookup 57. A row's started_at is its first span's start in
-- one insert block, so an hour before the window covers a spin the window holds.
(
    SELECT groupArray(trace_id)
    FROM (
        SELECT trace_id
        FROM trace_index
        WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 HOUR
          AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
          AND trace_id IN {trace_ids:Array(String)}
        GROUP BY trace_id
        HAVING sum(length(spin_spans)) > 1
    )
) AS several_spins

SELECT groupArray({cap:UInt32})(trace_id) AS matched_ids
FROM (
    SELECT trace_id, groupBitOr(pairs_carried) AS from_other_spans
    FROM (
        -- other spins (the spin's own row again too: it adds nothing)
        SELECT trace_id, typed_mask AS pairs_carried
        FROM spins
        WHERE notEmpty(several_spins)
          AND started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
          AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
          AND typed_mask > 0
          AND has(several_spins, trace_id)

        UNION ALL

        -- child spans, of the traces whose missing pairs are all resource pairs (an IN over a literal set,
        -- which the key and the bloom filter answer: over a function of the parameters, the engine tests
        -- has() on every row of the window, 763 granules where the filter leaves ~150)
        SELECT trace_id, child_mask AS pairs_carried
        FROM child_spans
        WHERE notEmpty({child_ids:Array(String)})
          AND started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
          AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
          AND child_mask > 0
          AND trace_id IN {child_ids:Array(String)}
    )
    GROUP BY trace_id
)
WHERE bitOr(from_other_spans, {carried:Array(UInt64)}[indexOf({trace_ids:Array(String)}, trace_id)]) = all_pairs
