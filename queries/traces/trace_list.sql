-- trace_list: the trace list's rows for the ranked traces (traces/trace_ranked gives their ids):
-- one row per spin in [start, end) with the fields on-call scans first, errored first then slowest
-- (order 'errors') or slowest first (order 'slowest'), and the trace's span count.
-- Parameters: start, end (DateTime64(9)), trace_ids (Array(String)), order, limit.
--
-- The ids are bound as a literal array (not a subquery), so the exporter's bloom filter on TraceId
-- picks the granules that hold them before any attribute map is read: the cost follows `limit`,
-- not the window.
WITH
spin_spans AS (
    SELECT TraceId AS trace_id, Timestamp AS started_at, Duration AS duration_ns,
           StatusCode AS status_code, SpanAttributes AS attributes, ResourceAttributes AS resource
    FROM otel_traces
    WHERE SpanName = 'spin' AND Timestamp >= {start:DateTime64(9)} AND Timestamp < {end:DateTime64(9)}
      AND TraceId IN {trace_ids:Array(String)}
    LIMIT 1 BY SpanAttributes['slot.spin.id']
),

span_counts AS (
    SELECT TraceId AS trace_id, count() AS span_count
    FROM otel_traces
    WHERE Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND TraceId IN {trace_ids:Array(String)}
    GROUP BY TraceId
)

SELECT
    trace_id,
    started_at,
    round(duration_ns / 1e6, 3) AS duration_ms,
    if(status_code = 'Error', 'error', 'ok') AS status,
    attributes['error.type'] AS error_type,
    attributes['slot.spin.id'] AS spin_id,
    attributes['slot.game.id'] AS game_id,
    attributes['slot.game.version'] AS game_version,
    resource['cloud.region'] AS region,
    resource['service.instance.id'] AS instance_id,
    attributes['slot.bet.amount'] AS bet_amount,
    attributes['slot.win.amount'] AS win_amount,
    attributes['slot.currency'] AS currency,
    span_count
FROM spin_spans
INNER JOIN span_counts USING (trace_id)
ORDER BY if({order:String} = 'errors', status_code = 'Error', 0) DESC, duration_ns DESC, trace_id
LIMIT {limit:UInt32}
