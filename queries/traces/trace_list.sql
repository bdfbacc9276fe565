-- trace_list: what the trace list shows of the ranked spins (traces/trace_ranked) that `spins` does
-- not hold as sent: the spin span's raw amounts, and the number of spans each trace has in
-- [start - 1 minute, end + 1 minute). One row per spin span in [start, end) of the given traces,
-- keyed by (trace id, started_ns): the span's start, which its spins row holds too.
-- Parameters: start, end (DateTime64(9)), trace_ids (Array(String)).
--
-- Both are read from trace_index (each trace's span starts and spin spans' amounts as sent, ordered by
-- trace id), not from otel_traces: there a trace's spans lie in a granule of each span name and the
-- amounts inside whole attribute maps. Here the ids are the key: each part's index points at one
-- small granule per id, and the bloom filter drops those not holding it, so the cost follows the
-- number of ids, not the window. Same figures as otel_traces gives: every span's start is kept,
-- repeats too. A row's spans start at or after its started_at, so rows starting at or after the
-- window's end are skipped by the partition key as well.
--
-- One read of trace_index, grouped by trace: the spin spans and the span count were two CTEs over the
-- same rows, and a CTE referenced twice is read twice (50 M store, 50 ids: 67-80 ms -> 42-56 ms).
WITH
toUnixTimestamp64Nano({start:DateTime64(9)}) AS start_ns,
toUnixTimestamp64Nano({end:DateTime64(9)}) AS end_ns,
toUnixTimestamp64Nano({start:DateTime64(9)} - INTERVAL 1 MINUTE) AS count_from_ns,
toUnixTimestamp64Nano({end:DateTime64(9)} + INTERVAL 1 MINUTE) AS count_to_ns,

traces AS (
    SELECT
        trace_id,
        sum(arrayCount(offset -> first_ns + offset >= count_from_ns AND first_ns + offset < count_to_ns, span_offsets_ns))
            AS span_count,
        groupArrayArray(arrayFilter(
            spin -> spin.1 >= start_ns AND spin.1 < end_ns,
            arrayMap(spin -> (first_ns + spin.offset_ns, spin.bet_amount, spin.win_amount), spin_spans))) AS spins
    FROM (
        SELECT trace_id, toUnixTimestamp64Nano(started_at) AS first_ns, span_offsets_ns, spin_spans
        FROM trace_index
        WHERE trace_id IN {trace_ids:Array(String)}
          AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
    )
    GROUP BY trace_id
)

SELECT trace_id, spin.1 AS started_ns, spin.2 AS bet_amount, spin.3 AS win_amount, span_count
FROM traces
ARRAY JOIN spins AS spin
LIMIT 1 BY trace_id, started_ns
