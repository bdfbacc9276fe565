-- trace_where_typed: in typed mode (every where pair names a distinct attribute that `spins` copies,
-- with a non-empty value: SPIN_TYPED_ATTRIBUTES, RESOURCE_TYPED_ATTRIBUTES), the traces that carry every
-- pair although their spin's own row does not, among the spins the trace list may rank. traces/trace_ranked
-- then lists the spins whose row carries every pair (settled) and the spins of these traces.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, order, limit (the list's), cap (at
-- most this many traces are returned in each array; the caller takes that many as "too many": matched
-- traces, it reads the maps instead; candidates, traces/trace_where_typed_many reads them).
-- One row: floor_key (the settled spins' cut, below: first_key, duration_ns), matched_ids, candidates and
-- child_candidates (below).
--
-- The list holds at most `limit` + 20 rows, so no spin ranked below the settled spins' (limit + 20)-th
-- key can be in it: only the spins at or above that key whose row does not settle them (`unsettled`,
-- usually a few hundred at most) need their traces' other spans. Same rows as testing every trace of
-- the window: the list's rows at or above that key are all among settled and unsettled. With fewer
-- settled spins than the list holds, none is ruled out.
--
-- Those traces' other spins and child spans are read in a second query, by their ids
-- (traces/trace_where_other_spans): an IN over this query's own set of a few hundred ids cost more than
-- the second query's round trip. 50 M store, 24 h, the child spans of 91 traces (cloud.region): +79 ms
-- here, 40 ms by id; the other spins of 351 traces (game and region): +126 ms here, 94 ms by id. The
-- engine tests an IN over a subquery's set more slowly than over a literal set, and without the query
-- condition cache.
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
    SELECT trace_id, typed_mask AS pairs_carried, 1 AS is_unsettled
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
      AND typed_mask != all_pairs
      AND (if({order:String} = 'errors', status = 'error', 0), duration_ns) >= (SELECT lowest_kept FROM settled_threshold)
),

$typed_span_pairs,

$typed_spin_span_pairs,

$typed_resource_pairs

-- One row: the settled spins' lowest key the list may hold, where traces/trace_ranked cuts the window
-- (the list's own cut is at or above it), the traces found, and the unsettled traces not found yet,
-- which their other spans may complete (candidates: (trace id, the pairs carried so far), for
-- traces/trace_where_other_spans), with those of them whose missing pairs are all resource pairs
-- (child_candidates: their child spans may complete them). The key is one tuple: each reference to a
-- scalar subquery costs its analysis again (two references, for its two parts: +4-12 ms at 50 M).
SELECT
    (SELECT lowest_kept FROM settled_threshold) AS floor_key,
    groupArrayIf({cap:UInt32})(trace_id, carried = all_pairs) AS matched_ids,
    groupArrayIf({cap:UInt32})((trace_id, carried), is_unsettled AND carried != all_pairs) AS candidates,
    groupArrayIf({cap:UInt32})(
        trace_id, is_unsettled AND carried != all_pairs AND bitOr(carried, resource_bits) = all_pairs
    ) AS child_candidates
FROM (
    SELECT trace_id, groupBitOr(pairs_carried) AS carried, max(is_unsettled) AS is_unsettled
    FROM (
        SELECT * FROM unsettled
        UNION ALL SELECT *, 0 FROM span_pairs
        UNION ALL SELECT *, 0 FROM spin_span_pairs
        UNION ALL SELECT *, 0 FROM resource_pairs
    )
    GROUP BY trace_id
)
