-- trace_ranked: the first `limit` spins in [start, end) in the trace list's order (errored first then
-- slowest for order 'errors', slowest first for 'slowest'; then trace id), among the traces whose
-- spans (any span of the trace, resource or span attribute) carry every where pair, with the list's
-- fields that `spins` holds as the spin span carried them.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, order, limit.
--
-- The first half of the trace list (traces/trace_list adds the raw amounts and span counts of these
-- traces): the order is decided on `spins`, the typed copy of every spin span ordered by hour, so
-- the window is a primary key prefix and only status, duration and trace id are read to rank (the
-- engine reads the other columns of the first rows only). Without where pairs no attribute map is
-- read; with them, the window's spans that may carry a pair's value are read (span_pairs,
-- resource_pairs). A spin span without slot.spin.id has no row in spins and is not listed.
WITH
-- The where pairs a spins row's own typed columns carry, as a bit mask; whether every pair is on
-- such a column (typed mode); the mask of all pairs. Visible in every subquery below.
$typed_mask AS typed_mask,
(length({where_keys:Array(String)}) > 0
 AND arrayAll(k -> has($typed_keys, k),
              {where_keys:Array(String)})
 AND NOT has({where_values:Array(String)}, '')) AS typed_mode,
bitShiftLeft(toUInt64(1), length({where_keys:Array(String)})) - 1 AS all_pairs,

-- Which where pairs each span carries, as a bit mask, read apart for span and resource attributes:
-- a span can carry a pair only if the pair's value is among its map's values, and that test
-- (hasAny on mapValues) is what the exporter's bloom filters on mapValues(SpanAttributes) and
-- mapValues(ResourceAttributes) answer, so each branch reads only the granules whose spans hold one
-- of the values (a wallet provider: the wallet spans' granules; a region: resource attributes
-- only). Same masks as testing both maps on every span; an OR of the two maps in one WHERE would let
-- neither index skip anything.
--
-- When every pair names a spin-span attribute that `spins` copies as sent into a LowCardinality
-- column (typed mode) with a non-empty value, the spin spans' own attributes are read from `spins`
-- (a byte or two a row) and otel_traces' spin spans are skipped by the primary key (SpanName):
-- reading their attribute maps costs ~0.6 s of CPU a day of spins. A spin span without
-- slot.spin.id has no row in spins, so its own attributes are not seen on this path; its trace is
-- listed only through another spin span with an id (the contract's spin traces hold one each: the
-- root span, so a spin row carrying every pair settles its trace without grouping).
-- The spin spans whose typed columns carry some but not all pairs (a spin span carrying them all
-- matches by itself, in window_spins, without grouping).
spin_typed AS (
    SELECT trace_id, typed_mask AS pairs_carried
    FROM spins
    WHERE typed_mode
      AND started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND typed_mask > 0 AND typed_mask != all_pairs
),

span_pairs AS (
    SELECT TraceId AS trace_id, arraySum(arrayMap(
            i -> bitShiftLeft(toUInt64(
                mapContains(SpanAttributes, {where_keys:Array(String)}[i])
                AND SpanAttributes[{where_keys:Array(String)}[i]] = {where_values:Array(String)}[i]), i - 1),
            arrayEnumerate({where_keys:Array(String)}))) AS pairs_carried
    FROM otel_traces
    WHERE length({where_keys:Array(String)}) > 0
      AND Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND hasAny(mapValues(SpanAttributes), {where_values:Array(String)})
      AND (SpanName != 'spin' OR NOT typed_mode)
      AND pairs_carried > 0
),

resource_pairs AS (
    SELECT TraceId AS trace_id, arraySum(arrayMap(
            i -> bitShiftLeft(toUInt64(
                mapContains(ResourceAttributes, {where_keys:Array(String)}[i])
                AND ResourceAttributes[{where_keys:Array(String)}[i]] = {where_values:Array(String)}[i]), i - 1),
            arrayEnumerate({where_keys:Array(String)}))) AS pairs_carried
    FROM otel_traces
    WHERE length({where_keys:Array(String)}) > 0
      AND Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND hasAny(mapValues(ResourceAttributes), {where_values:Array(String)})
      AND pairs_carried > 0
),

-- The traces carrying every pair (at most 20 pairs, endpoints.py): only spans carrying a pair are
-- grouped, so memory follows the matching traces.
matched AS (
    SELECT trace_id
    FROM (SELECT * FROM spin_typed UNION ALL SELECT * FROM span_pairs UNION ALL SELECT * FROM resource_pairs)
    GROUP BY trace_id
    HAVING groupBitOr(pairs_carried) = all_pairs
),

window_spins AS (
    SELECT trace_id, started_at, duration_ns, status, error_type, spin_id, game_id, game_version, region,
           instance_id, currency, if({order:String} = 'errors', status = 'error', 0) AS first_key
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      -- spins outlive raw spans (400 days against 30): rank only spins whose trace is still there
      AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
      AND (length({where_keys:Array(String)}) = 0 OR (typed_mode AND typed_mask = all_pairs)
           OR trace_id IN (SELECT trace_id FROM matched))
),

-- The sort key of the last row kept below, found on the two narrow sort columns alone: the rows at
-- or above it are the few the list can hold, so the trace id (32 bytes a row) and the list's fields
-- are read and sorted for those only, not for every spin of the window (a day: 1.4 million rows).
-- Same rows as sorting the whole window: every row among the first `limit + 20` has a key at or
-- above the threshold. min() of nothing is (0, 0), below every key: a window with fewer rows, and a
-- list with where pairs outside typed mode, whose matched set is not built a second time here (in
-- typed mode the set holds only the traces a spin span does not settle alone: usually none).
threshold AS (
    SELECT min((first_key, duration_ns)) AS lowest_kept
    FROM (
        SELECT if({order:String} = 'errors', status = 'error', 0) AS first_key, duration_ns
        FROM spins
        WHERE (length({where_keys:Array(String)}) = 0 OR typed_mode)
          AND started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
          AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
          AND (length({where_keys:Array(String)}) = 0 OR typed_mask = all_pairs OR trace_id IN (SELECT trace_id FROM matched))
        ORDER BY first_key DESC, duration_ns DESC
        LIMIT {limit:UInt32} + 20
    )
),

-- Read with room for a few spins stored twice (spins is a ReplacingMergeTree: a replay older than
-- the duplicate gate's hour waits for a merge to be dropped), then one row per spin.
candidates AS (
    SELECT *
    FROM window_spins
    WHERE (first_key, duration_ns) >= (SELECT lowest_kept FROM threshold)
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
