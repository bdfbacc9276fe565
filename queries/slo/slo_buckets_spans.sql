-- slo_buckets_spans: slo_buckets_spins for a child-span SLO, from span_minutely alone (there is no
-- hourly span rollup): minutes of the hours listed in minute_hours as they are, every other minute
-- summed into its hour, in one read, so one SLO costs one query per evaluation instead of one per
-- window. Same good/total definitions, filters and groups as slo_series_spans.
-- Parameters: span_name, start, end, minute_hours, good_kind, threshold_ms, filter_keys,
-- filter_values, group_by. Rows: bucket_start, is_minute, group_key, good_events, total_events.
WITH
    {start:DateTime} AS window_start,
    {end:DateTime} AS window_end,
    {minute_hours:Array(DateTime)} AS minute_hours,
rows AS (
    SELECT
        has(minute_hours, toStartOfHour(minute)) AS is_minute,
        if(is_minute, minute, toStartOfHour(minute)) AS bucket_start,
        arrayMap(k -> $span_dimension_value, {group_by:Array(String)}) AS group_key,
        spans,
        if(is_error = 0, spans, 0) AS ok_events,
        $latency_pick AS fast_events
    FROM span_minutely
    WHERE minute >= window_start AND minute < window_end
      AND span_name = {span_name:String}
      AND arrayAll((k, v) -> $span_dimension_in, {filter_keys:Array(String)}, {filter_values:Array(Array(String))})
)

SELECT
    bucket_start,
    toUInt8(is_minute) AS is_minute,
    group_key,
    sum(if({good_kind:String} = 'latency', fast_events, ok_events)) AS good_events,
    sum(spans) AS total_events
FROM rows
GROUP BY bucket_start, is_minute, group_key
