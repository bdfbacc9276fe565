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
-- read; with them, otel_traces' spans of the window are scanned once and only the traces carrying a
-- pair are grouped, each with a bit mask of the pairs it carries (at most 20 pairs, endpoints.py),
-- so memory follows the matching traces. A spin span without slot.spin.id has no row in spins and
-- is not listed.
WITH
matched AS (
    WITH arraySum(arrayMap(
            i -> bitShiftLeft(toUInt64(
                (mapContains(SpanAttributes, {where_keys:Array(String)}[i])
                 AND SpanAttributes[{where_keys:Array(String)}[i]] = {where_values:Array(String)}[i])
                OR (mapContains(ResourceAttributes, {where_keys:Array(String)}[i])
                    AND ResourceAttributes[{where_keys:Array(String)}[i]] = {where_values:Array(String)}[i])), i - 1),
            arrayEnumerate({where_keys:Array(String)}))) AS pairs_carried
    SELECT TraceId AS trace_id
    FROM otel_traces
    WHERE length({where_keys:Array(String)}) > 0
      AND Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND pairs_carried > 0
    GROUP BY TraceId
    HAVING groupBitOr(pairs_carried) = bitShiftLeft(toUInt64(1), length({where_keys:Array(String)})) - 1
),

window_spins AS (
    SELECT trace_id, started_at, duration_ns, status, error_type, spin_id, game_id, game_version, region,
           instance_id, currency, if({order:String} = 'errors', status = 'error', 0) AS first_key
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      -- spins outlive raw spans (400 days against 30): rank only spins whose trace is still there
      AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
      AND (length({where_keys:Array(String)}) = 0 OR trace_id IN (SELECT trace_id FROM matched))
),

-- The sort key of the last row kept below, found on the two narrow sort columns alone: the rows at
-- or above it are the few the list can hold, so the trace id (32 bytes a row) and the list's fields
-- are read and sorted for those only, not for every spin of the window (a day: 1.4 million rows).
-- Same rows as sorting the whole window: every row among the first `limit + 20` has a key at or
-- above the threshold. min() of nothing is (0, 0), below every key: a window with fewer rows, and a
-- list with where pairs, whose matched traces are few and are not scanned a second time here.
threshold AS (
    SELECT min((first_key, duration_ns)) AS lowest_kept
    FROM (
        SELECT if({order:String} = 'errors', status = 'error', 0) AS first_key, duration_ns
        FROM spins
        WHERE length({where_keys:Array(String)}) = 0
          AND started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
          AND started_at >= (SELECT min(Timestamp) FROM otel_traces)
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
    currency
FROM candidates
LIMIT 1 BY spin_id
LIMIT {limit:UInt32}
