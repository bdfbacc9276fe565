-- trace_where_children: which of the given traces their child spans complete: a trace is returned when
-- the where pairs its child spans carry (child_spans' typed copy of the resource attributes) and the
-- pairs it carries elsewhere (`carried`, from traces/trace_where_typed's child_candidates) are every pair.
-- The second step of the trace list's typed mode when the pairs mix resource and other attributes: the
-- candidates are few, so child_spans' bloom filter on trace_id (0153) skips most of the window's granules.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, trace_ids (Array(String)), carried
-- (Array(UInt64), parallel to trace_ids), cap (at most this many traces are returned).
WITH
$child_mask AS child_mask,
$all_pairs AS all_pairs

SELECT groupArray({cap:UInt32})(trace_id) AS matched_ids
FROM (
    SELECT trace_id, groupBitOr(child_mask) AS from_children
    FROM child_spans
    WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
      AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND child_mask > 0
      AND trace_id IN {trace_ids:Array(String)}
    GROUP BY trace_id
)
WHERE bitOr(from_children, {carried:Array(UInt64)}[indexOf({trace_ids:Array(String)}, trace_id)]) = all_pairs
