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
        arrayMap(k -> multiIf(
                k = 'service_name', service_name,
                k = 'status', if(is_error = 1, 'error', 'ok'),
                k = 'wallet.provider', wallet_provider,
                k = 'db.system.name', db_system,
                k = 'error.type', error_type,
                ''), {group_by:Array(String)}) AS group_key,
        spans,
        if(is_error = 0, spans, 0) AS ok_events,
        multiIf(
            {threshold_ms:UInt32} = 50, latency_le_50ms,
            {threshold_ms:UInt32} = 100, latency_le_100ms,
            {threshold_ms:UInt32} = 200, latency_le_200ms,
            {threshold_ms:UInt32} = 250, latency_le_250ms,
            {threshold_ms:UInt32} = 300, latency_le_300ms,
            {threshold_ms:UInt32} = 500, latency_le_500ms,
            {threshold_ms:UInt32} = 750, latency_le_750ms,
            {threshold_ms:UInt32} = 1000, latency_le_1000ms,
            {threshold_ms:UInt32} = 2000, latency_le_2000ms,
            {threshold_ms:UInt32} = 5000, latency_le_5000ms,
            0
        ) AS fast_events
    FROM span_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND span_name = {span_name:String}
      AND arrayAll((k, v) -> multiIf(
                k = 'service_name', has(v, service_name),
                k = 'status', has(v, if(is_error = 1, 'error', 'ok')),
                k = 'wallet.provider', has(v, wallet_provider),
                k = 'db.system.name', has(v, db_system),
                k = 'error.type', has(v, error_type),
                0), {filter_keys:Array(String)}, {filter_values:Array(Array(String))})
)

SELECT
    bucket_start,
    group_key,
    sum(if({good_kind:String} = 'latency', fast_events, ok_events)) AS good_events,
    sum(spans) AS total_events
FROM rows
GROUP BY bucket_start, group_key
ORDER BY group_key, bucket_start
