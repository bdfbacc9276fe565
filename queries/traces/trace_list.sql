-- trace_list: spin traces in [start, end) whose spans (any span of the trace, resource or span
-- attribute) carry every where pair; errored first then slowest (order 'errors'), or slowest
-- first (order 'slowest'). One row per spin, with the fields on-call scans first.
-- Parameters: start, end (DateTime64(9)), where_keys, where_values, order, limit.
WITH
spin_spans AS (
    SELECT TraceId AS trace_id, SpanId AS span_id, Timestamp AS started_at, Duration AS duration_ns,
           StatusCode AS status_code, SpanAttributes AS attributes, ResourceAttributes AS resource
    FROM otel_traces
    WHERE SpanName = 'spin' AND Timestamp >= {start:DateTime64(9)} AND Timestamp < {end:DateTime64(9)}
    LIMIT 1 BY SpanAttributes['slot.spin.id']
),

-- Which where pairs each trace carries (their indices), not every attribute of every span: memory
-- follows the number of traces in the window, so a wide window stays within the read limits.
trace_matches AS (
    SELECT
        TraceId AS trace_id,
        groupUniqArrayArray(arrayFilter(
            i -> (mapContains(SpanAttributes, {where_keys:Array(String)}[i])
                  AND SpanAttributes[{where_keys:Array(String)}[i]] = {where_values:Array(String)}[i])
              OR (mapContains(ResourceAttributes, {where_keys:Array(String)}[i])
                  AND ResourceAttributes[{where_keys:Array(String)}[i]] = {where_values:Array(String)}[i]),
            arrayEnumerate({where_keys:Array(String)})
        )) AS matched,
        count() AS span_count
    FROM otel_traces
    WHERE Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND TraceId IN (SELECT trace_id FROM spin_spans)
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
INNER JOIN trace_matches USING (trace_id)
WHERE length(matched) = length({where_keys:Array(String)})
ORDER BY if({order:String} = 'errors', status_code = 'Error', 0) DESC, duration_ns DESC, trace_id
LIMIT {limit:UInt32}
