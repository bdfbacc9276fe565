-- trace_where_other_spans: which of the given traces carry every where pair once their other spans are
-- counted: their other spins (spins' typed columns) and their child spans (child_spans' typed copy of
-- the resource attributes), with the pairs each carries elsewhere (`carried`: traces/trace_where_typed's
-- candidates). The last step of the trace list's typed mode: the candidates are the few unsettled
-- traces, passed by id, so child_spans' bloom filter on trace_id (0153) skips most of the window's
-- granules.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, trace_ids (Array(String)), carried
-- (Array(UInt64), parallel to trace_ids), spin_ids (those of trace_ids whose other spins to read:
-- traces/trace_spread's several_spins), child_ids (those whose child spans may complete them:
-- traces/trace_where_typed's child_candidates not under one resource, traces/trace_spread), cap (at most this many traces are returned). The caller
-- skips this query when both are empty: its analysis alone costs ~20 ms at 50 M.
WITH
$typed_mask AS typed_mask,
$child_mask AS child_mask,
$all_pairs AS all_pairs

SELECT groupArray({cap:UInt32})(trace_id) AS matched_ids
FROM (
    SELECT trace_id, groupBitOr(pairs_carried) AS from_other_spans
    FROM (
        -- other spins (the spin's own row again too: it adds nothing)
        SELECT trace_id, typed_mask AS pairs_carried
        FROM spins
        WHERE notEmpty({spin_ids:Array(String)})
          AND started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
          AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
          AND typed_mask > 0
          AND trace_id IN {spin_ids:Array(String)}

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
