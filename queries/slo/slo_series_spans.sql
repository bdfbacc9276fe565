-- slo_series_spans: good and total child spans (wallet.debit, state.save ...) of one SLO per time
-- bucket and group, from span_minutely. Same contract as slo_series_spins, for one span
-- name: good is "status is not Error" or "duration <= threshold" (exact, from the ladder).
-- Keys: service_name, status ('ok' | 'error'), wallet.provider, db.system.name, error.type.
-- Parameters: span_name, start, end, step_s, good_kind, threshold_ms, filter_keys,
-- filter_values, group_by.
WITH
rows AS (
    SELECT
        toStartOfInterval(minute, toIntervalSecond({step_s:UInt32})) AS bucket_start,
        arrayMap(k -> $span_dimension_value, {group_by:Array(String)}) AS group_key,
        spans,
        if(is_error = 0, spans, 0) AS ok_events,
        $latency_pick AS fast_events
    FROM span_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND span_name = {span_name:String}
      AND arrayAll((k, v) -> $span_dimension_in, {filter_keys:Array(String)}, {filter_values:Array(Array(String))})
)

SELECT
    bucket_start,
    group_key,
    sum(if({good_kind:String} = 'latency', fast_events, ok_events)) AS good_events,
    sum(spans) AS total_events
FROM rows
GROUP BY bucket_start, group_key
ORDER BY group_key, bucket_start
