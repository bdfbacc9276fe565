-- trace_where_typed: in typed mode (every where pair names a distinct attribute that `spins` copies,
-- with a non-empty value: SPIN_TYPED_ATTRIBUTES, RESOURCE_TYPED_ATTRIBUTES), the traces that carry every
-- pair although their spin's own row does not, among the spins the trace list may rank. traces/trace_ranked
-- then lists the spins whose row carries every pair (settled) and the spins of these traces.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, order, limit (the list's), cap (at
-- most this many traces are returned; the caller takes that many as "too many" and reads the maps instead).
-- One row: floor_key (the settled spins' cut, below: first_key, duration_ns), matched_ids and
-- child_candidates (below).
--
-- The list holds at most `limit` + 20 rows, so no spin ranked below the settled spins' (limit + 20)-th
-- key can be in it: only the spins at or above that key whose row does not settle them (`unsettled`,
-- usually a few hundred at most) need their traces' other spans, and the sets below are cut to their
-- traces. Same rows as testing every trace of the window: the list's rows at or above that key are all
-- among settled and unsettled. With fewer settled spins than the list holds, none is ruled out.
--
-- Where each span's pairs are read from: a spin span's spin-span attributes from `spins` (a byte or two a
-- row, otel_traces' spin spans skipped by the primary key); every span's resource attributes that
-- RESOURCE_TYPED_ATTRIBUTES names from `spins` and `child_spans`. A region is in every span's resource,
-- so the bloom filter on resource values skips nothing for it, and reading every span's resource map
-- took 3.4-4.3 s a day at the demo's density. The maps are read for the rest only: child spans' span
-- attributes (span_pairs), spin spans' span attributes for resource-attribute pairs (a span may carry
-- cloud.region as a span attribute too: spin_span_pairs), every span's resource attributes for
-- spin-span-attribute pairs (resource_pairs). A spin span without slot.spin.id has no row in spins, so
-- its own typed attributes are not seen here; its trace is listed only through another spin span with an
-- id (the contract's spin traces hold one each: the root span).
WITH
$typed_mask AS typed_mask,
$child_mask AS child_mask,
$all_pairs AS all_pairs,
$resource_bits AS resource_bits,

settled_threshold AS (
    SELECT if(count() < {limit:UInt32} + 20, (0, 0), min((first_key, duration_ns))) AS lowest_kept
    FROM (
        SELECT if({order:String} = 'errors', status = 'error', 0) AS first_key, duration_ns
        FROM spins
        WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
          AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
          AND typed_mask = all_pairs
        ORDER BY first_key DESC, duration_ns DESC
        LIMIT {limit:UInt32} + 20
    )
),

unsettled AS (
    SELECT trace_id
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
      AND typed_mask != all_pairs
      AND (if({order:String} = 'errors', status = 'error', 0), duration_ns) >= (SELECT lowest_kept FROM settled_threshold)
),

-- the unsettled spins' own rows (some pairs, not all)
spin_typed AS (
    SELECT trace_id, typed_mask AS pairs_carried
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
      AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND length({where_keys:Array(String)}) > 1  -- one pair: a row carrying it is settled
      AND typed_mask > 0 AND typed_mask != all_pairs
      AND trace_id IN (SELECT trace_id FROM unsettled)
),

-- When every pair is a resource pair, the unsettled traces' child spans, found through child_spans' bloom
-- filter on trace_id (0153; its key, hour then trace id, finds a trace's granules only within an hour).
-- A child span's row holds resource pairs only, so with other pairs too only the traces whose other
-- pairs are carried elsewhere can be completed by their child spans: child_candidates below, looked up
-- by traces/trace_where_children (usually a few dozen ids; the bloom filter skips most granules for so
-- few, where for every unsettled trace it skips almost none: 50 M store, 24 h, two pairs, 155 ms).
child_typed AS (
    SELECT trace_id, child_mask AS pairs_carried
    FROM child_spans
    WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
      AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND resource_bits = all_pairs
      AND child_mask > 0
      AND trace_id IN (SELECT trace_id FROM unsettled)
),

$typed_span_pairs,

$typed_spin_span_pairs,

$typed_resource_pairs

-- One row: the settled spins' lowest key the list may hold, where traces/trace_ranked cuts the window
-- (the list's own cut is at or above it), the traces found, and the traces whose child spans may carry
-- what they miss (child_candidates: (trace id, the pairs carried without child spans)). The key is one
-- tuple: each reference to a scalar subquery costs its analysis again (two references, for its two
-- parts: +4-12 ms at 50 M).
SELECT
    (SELECT lowest_kept FROM settled_threshold) AS floor_key,
    groupArrayIf({cap:UInt32})(trace_id, carried = all_pairs) AS matched_ids,
    groupArrayIf({cap:UInt32})(
        (trace_id, carried),
        resource_bits != all_pairs AND carried != all_pairs AND bitOr(carried, resource_bits) = all_pairs
    ) AS child_candidates
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
