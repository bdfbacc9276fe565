-- trace_ranked: the first `limit` spins in [start, end) in the trace list's order (errored first then
-- slowest for order 'errors', slowest first for 'slowest'; then trace id), among the traces whose
-- spans (any span of the trace, resource or span attribute) carry every where pair, with the list's
-- fields that `spins` holds as the spin span carried them.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, order, limit, typed (1 in typed mode:
-- every pair names a distinct attribute `spins` copies, with a non-empty value, see traces/trace_where_typed),
-- matched_ids, floor_first, floor_duration_ns (typed mode: the traces and the settled spins' cut that
-- traces/trace_where_typed found; [], 0, 0 otherwise).
--
-- The first half of the trace list (traces/trace_list adds the raw amounts and span counts of these
-- traces): the order is decided on `spins`, the typed copy of every spin span ordered by hour, so
-- the window is a primary key prefix and only status, duration and trace id are read to rank (the
-- engine reads the other columns of the first rows only). Without where pairs no attribute map is
-- read. In typed mode a spin is listed when its own row carries every pair or its trace is among
-- matched_ids (an empty array: its trace id is not even read); the caller runs this then only when
-- matched_ids is not empty or keys tie past SETTLED_CAP (spinscope/traces.py), and otherwise ranks the
-- settled spins traces/trace_where_typed returns. Outside typed mode the window's spans that may carry a
-- pair's value are read from both attribute maps (span_pairs, resource_pairs) and grouped by trace
-- (matched). A spin span without slot.spin.id has no row in spins and is not listed.
WITH
$typed_mask AS typed_mask,
$all_pairs AS all_pairs,
-- The shortest duration of a row whose (first_key, duration_ns) is at or above `key`: key's duration when
-- every such row has the same first_key (slowest first: always 0; errors first: key errored), else none.
(key -> if(key.1 = 1 OR {order:String} = 'slowest', key.2, 0)) AS duration_floor,

$map_span_pairs,

$map_resource_pairs,

-- The traces carrying every pair (at most 20 pairs, endpoints.py): only spans carrying a pair are
-- grouped, so memory follows the matching traces.
matched AS (
    SELECT trace_id
    FROM (SELECT * FROM span_pairs UNION ALL SELECT * FROM resource_pairs)
    GROUP BY trace_id
    HAVING groupBitOr(pairs_carried) = all_pairs
),

-- Past two days, a lower bound of that key from the window's last day alone (a subset's (limit + 20)-th
-- key is at or below the whole window's; a day with fewer spins bounds nothing): with the minmax index on duration_ns (0154) the threshold's
-- scan skips the granules whose slowest spin is below it. A day holds ~20 times the spins of a granule,
-- so its bound is in the far tail, past most granules' slowest spin: 7 days at 50 M, the threshold
-- 128-178 ms -> 80-103 ms. Over shorter windows a part of the window bounds nothing useful.
bound AS (
    SELECT if(count() < {limit:UInt32} + 20, (0, 0), min((first_key, duration_ns))) AS lowest_kept
    FROM (
        SELECT if({order:String} = 'errors', status = 'error', 0) AS first_key, duration_ns
        FROM spins
        WHERE length({where_keys:Array(String)}) = 0
          AND dateDiff('second', {start:DateTime64(9)}, {end:DateTime64(9)}) > 2 * 86400
          AND started_at >= {end:DateTime64(9)} - INTERVAL 1 DAY AND started_at < {end:DateTime64(9)}
          AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
        ORDER BY first_key DESC, duration_ns DESC
        LIMIT {limit:UInt32} + 20
    )
),

-- The sort key of the last row kept below, found on the two narrow sort columns alone: the rows at
-- or above it are the few the list can hold, so the trace id (32 bytes a row) and the list's fields
-- are read and sorted for those only, not for every spin of the window (a day: 1.4 million rows).
-- Same rows as sorting the whole window: every row among the first `limit + 20` has a key at or
-- above the threshold. Found here without where pairs; min() of nothing is (0, 0), below every key
-- (a window with fewer rows, and a list with where pairs outside typed mode, whose matched set is not
-- built a second time here). In typed mode candidates takes the settled spins' cut from
-- traces/trace_where_typed instead (at or below the list's own: matched traces only push it up), so
-- the window is not ranked twice.
threshold AS (
    SELECT min((first_key, duration_ns)) AS lowest_kept
    FROM (
        SELECT if({order:String} = 'errors', status = 'error', 0) AS first_key, duration_ns
        FROM spins
        WHERE length({where_keys:Array(String)}) = 0
          AND started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
          AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
          AND duration_ns >= duration_floor((SELECT lowest_kept FROM bound))
        ORDER BY first_key DESC, duration_ns DESC
        LIMIT {limit:UInt32} + 20
    )
),

-- Where the window is cut: the threshold, or in typed mode the settled spins' cut.
if({typed:UInt8}, ({floor_first:UInt8}, {floor_duration_ns:UInt64}), (SELECT lowest_kept FROM threshold)) AS cut,

window_spins AS (
    SELECT trace_id, started_at, duration_ns, status, error_type, spin_id, game_id, game_version, region,
           instance_id, currency, if({order:String} = 'errors', status = 'error', 0) AS first_key
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      -- spins outlive raw spans (400 days against 30): rank only spins whose trace is still there
      AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
      AND (length({where_keys:Array(String)}) = 0
           OR ({typed:UInt8} AND (typed_mask = all_pairs OR trace_id IN {matched_ids:Array(String)}))
           OR (NOT {typed:UInt8} AND trace_id IN (SELECT trace_id FROM matched)))
      AND (if({order:String} = 'errors', status = 'error', 0), duration_ns) >= cut
),

-- Read with room for a few spins stored twice (spins is a ReplacingMergeTree: a replay older than
-- the duplicate gate's hour waits for a merge to be dropped), then one row per spin.
candidates AS (
    SELECT *
    FROM window_spins
    ORDER BY first_key DESC, duration_ns DESC, trace_id
    LIMIT {limit:UInt32} + 20
)

SELECT
    trace_id,
    started_at,
    round(duration_ns / 1e6, 3) AS duration_ms,
    status,
    error_type,
    spin_id,
    game_id,
    game_version,
    region,
    instance_id,
    currency,
    toUnixTimestamp64Nano(started_at) AS started_ns  -- the key traces/trace_list answers by
FROM candidates
LIMIT 1 BY spin_id
LIMIT {limit:UInt32}
