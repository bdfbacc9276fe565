-- trace_where_typed: in typed mode (every where pair names a distinct attribute that `spins` copies,
-- with a non-empty value: SPIN_TYPED_ATTRIBUTES, RESOURCE_TYPED_ATTRIBUTES), the spins the trace list may
-- rank whose own row carries every pair (settled), with the list's fields, and the traces that carry
-- every pair although their spin's own row does not. When no trace is found that way (the usual case: a
-- trace's spans share its spin's resource and game), the settled spins are the list, sorted by the caller;
-- otherwise traces/trace_ranked lists the settled spins and the spins of those traces.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, order, limit (the list's), cap (at
-- most this many traces are returned in each array; the caller takes that many as "too many": matched
-- traces, it reads the maps instead; candidates, traces/trace_where_typed_many reads them), settled_cap
-- (at most this many settled spins are returned; the caller takes that many as "ties past the cut" and
-- ranks with traces/trace_ranked).
-- One row: floor_key (the settled spins' cut, below: first_key, duration_ns), settled, matched_ids,
-- candidates and child_candidates (below).
--
-- The list holds at most `limit` + 20 rows, so no spin ranked below the settled spins' (limit + 20)-th
-- key can be in it: only the spins at or above that key are read past their sort key (`above_cut`,
-- usually a few hundred at most). Its settled spins are every settled row the list may hold, unordered
-- (those at the cut included: more than `limit` + 20 rows only where keys tie), and its unsettled spins'
-- traces are the ones whose other spans may complete them. Same rows as testing every trace of the
-- window: the list's rows at or above that key are all among them. With fewer settled spins than the
-- list holds, none is ruled out. Returning the settled spins here spares a second ranking of the window:
-- 50 M store, 24 h, +45-55 ms here against 90-100 ms for traces/trace_ranked.
--
-- The unsettled traces' other spins and child spans are read in later queries, by their ids
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

-- One read of the spins at or above the cut for both kinds: the list's fields of a settled spin (NULL for an
-- unsettled one, which groupArray skips), in traces/trace_ranked's columns and order, then duration_ns.
above_cut AS (
    SELECT trace_id, typed_mask AS pairs_carried, typed_mask != all_pairs AS is_unsettled,
           if(is_unsettled, NULL, (started_at, round(duration_ns / 1e6, 3), status, error_type, spin_id, game_id,
                                   game_version, region, instance_id, currency, toUnixTimestamp64Nano(started_at),
                                   duration_ns)) AS settled_row
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
      AND (if({order:String} = 'errors', status = 'error', 0), duration_ns) >= (SELECT lowest_kept FROM settled_threshold)
),

$typed_span_pairs,

$typed_spin_span_pairs,

$typed_resource_pairs

-- One row: the settled spins' lowest key the list may hold, where traces/trace_ranked cuts the window
-- (the list's own cut is at or above it), the settled spins at or above it ((trace id, settled_row)), the
-- unsettled spins' traces found (a settled spin's own pairs are not counted for its trace: it is listed
-- anyway; a trace without a spin at or above the cut has none to list), and those not found yet, which
-- their other spans may complete (candidates: (trace id, the pairs carried so far), for
-- traces/trace_where_other_spans), with those of them whose missing pairs are all resource pairs
-- (child_candidates: their child spans may complete them). The key is one tuple: each reference to a
-- scalar subquery costs its analysis again (two references, for its two parts: +4-12 ms at 50 M).
SELECT
    (SELECT lowest_kept FROM settled_threshold) AS floor_key,
    groupArrayArray({settled_cap:UInt32})(arrayMap(row -> (trace_id, row), settled_rows)) AS settled,
    groupArrayIf({cap:UInt32})(trace_id, is_unsettled AND carried = all_pairs) AS matched_ids,
    groupArrayIf({cap:UInt32})((trace_id, carried), is_unsettled AND carried != all_pairs) AS candidates,
    groupArrayIf({cap:UInt32})(
        trace_id, is_unsettled AND carried != all_pairs AND bitOr(carried, resource_bits) = all_pairs
    ) AS child_candidates
FROM (
    SELECT trace_id, groupBitOrIf(pairs_carried, NOT is_settled) AS carried, max(is_unsettled) AS is_unsettled,
           groupArray(settled_row) AS settled_rows
    FROM (
        SELECT *, settled_row IS NOT NULL AS is_settled FROM above_cut
        UNION ALL SELECT *, 0, NULL, 0 FROM span_pairs
        UNION ALL SELECT *, 0, NULL, 0 FROM spin_span_pairs
        UNION ALL SELECT *, 0, NULL, 0 FROM resource_pairs
    )
    GROUP BY trace_id
)
