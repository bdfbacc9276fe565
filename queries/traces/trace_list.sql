-- trace_list: what the trace list shows of the ranked spins (traces/trace_ranked) that `spins` does
-- not hold as sent: the spin span's raw amounts, and the number of spans each trace has in
-- [start - 1 minute, end + 1 minute). One row per (trace id, spin id).
-- Parameters: start, end (DateTime64(9)), trace_ids (Array(String)).
--
-- The ids are bound as a literal array (not a subquery), so the exporter's bloom filter on TraceId
-- picks the granules that hold them before any attribute map is read: the cost follows the number
-- of ids, not the window. Only SpanAttributes is read, and only for the spin spans.
WITH
spin_spans AS (
    SELECT
        TraceId AS trace_id,
        SpanAttributes['slot.spin.id'] AS spin_id,
        SpanAttributes['slot.bet.amount'] AS bet_amount,
        SpanAttributes['slot.win.amount'] AS win_amount
    FROM otel_traces
    WHERE SpanName = 'spin' AND Timestamp >= {start:DateTime64(9)} AND Timestamp < {end:DateTime64(9)}
      AND TraceId IN {trace_ids:Array(String)}
    LIMIT 1 BY trace_id, spin_id
),

span_counts AS (
    SELECT TraceId AS trace_id, count() AS span_count
    FROM otel_traces
    WHERE Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND TraceId IN {trace_ids:Array(String)}
    GROUP BY TraceId
)

SELECT trace_id, spin_id, bet_amount, win_amount, span_count
FROM spin_spans
INNER JOIN span_counts USING (trace_id)
