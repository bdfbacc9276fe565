-- trace_where_typed_many: traces/trace_where_typed's matched traces when its unsettled traces are too many
-- to pass by id (more than the cap: a where value a small share of the window's spins carries, e.g. one
-- game among hundreds, leaves ~(limit + 20) / share unsettled spins): their other spins and child spans
-- are read here through an IN over this query's own set of them, as one query, instead of by id
-- (traces/trace_spread, traces/trace_where_other_spans). Slower per trace than by id, but bounded:
-- the other spins read are the window's spins carrying a pair, few for such a value, where reading the
-- attribute maps (traces/trace_ranked outside typed mode) takes seconds a day (50 M store, a game pair,
-- 24 h: 1.5 s).
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, order, floor_first, floor_duration_ns
-- (trace_where_typed's floor_key), cap (at most this many traces are returned).
-- One row: matched_ids.
WITH
$typed_mask AS typed_mask,
$child_mask AS child_mask,
$all_pairs AS all_pairs,
$resource_bits AS resource_bits,

-- the spins at or above the settled spins' cut whose own row does not carry every pair (as trace_where_typed)
unsettled AS (
    SELECT trace_id
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
      AND typed_mask != all_pairs
      AND (if({order:String} = 'errors', status = 'error', 0), duration_ns)
          >= ({floor_first:UInt8}, {floor_duration_ns:UInt64})
),

-- every spin of those traces that carries a pair (their own rows too)
spin_typed AS (
    SELECT trace_id, typed_mask AS pairs_carried
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
      AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND typed_mask > 0
      AND trace_id IN (SELECT trace_id FROM unsettled)
),

-- their child spans, when a pair names a resource attribute
child_typed AS (
    SELECT trace_id, child_mask AS pairs_carried
    FROM child_spans
    WHERE resource_bits > 0
      AND started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
      AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND child_mask > 0
      AND trace_id IN (SELECT trace_id FROM unsettled)
),

$typed_span_pairs,

$typed_spin_span_pairs,

$typed_resource_pairs

SELECT groupArrayIf({cap:UInt32})(trace_id, carried = all_pairs) AS matched_ids
FROM (
    SELECT trace_id, groupBitOr(pairs_carried) AS carried
    FROM (
        SELECT * FROM spin_typed
        UNION ALL SELECT * FROM child_typed
        UNION ALL SELECT * FROM span_pairs
        UNION ALL SELECT * FROM spin_span_pairs
        UNION ALL SELECT * FROM resource_pairs
    )
    GROUP BY trace_id
)
