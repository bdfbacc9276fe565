-- slo_series_spans: good and total child spans (wallet.debit, state.save ...) of one SLO per time
-- bucket and group, from span_minutely. Same contract as slo_series_spins: good is
-- "status is not Error" or "duration <= threshold" (exact, from the threshold ladder).
-- Parameters: start, end, step_s, good_kind ('status_ok' | 'latency'), threshold_ms,
-- filter_keys / filter_values (keys: span_name, service_name, wallet.provider,
-- db.system.name, error.type), group_by ('' or one of those keys).
WITH
rows AS (
    SELECT
        toStartOfInterval(minute, toIntervalSecond({step_s:UInt32})) AS bucket_start,
        multiIf(
        {group_by:String} = 'span_name', span_name,
        {group_by:String} = 'service_name', service_name,
        {group_by:String} = 'wallet.provider', wallet_provider,
        {group_by:String} = 'db.system.name', db_system,
        {group_by:String} = 'error.type', error_type,
            ''
        ) AS group_value,
        spans,
        if(is_error = 0, spans, 0) AS ok_spans,
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
        ) AS fast_spans
    FROM span_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND arrayAll((k, v) -> multiIf(
            k = 'span_name', span_name = v,
            k = 'service_name', service_name = v,
            k = 'wallet.provider', wallet_provider = v,
            k = 'db.system.name', db_system = v,
            k = 'error.type', error_type = v,
            0), {filter_keys:Array(String)}, {filter_values:Array(String)})
)

SELECT
    bucket_start,
    group_value,
    sum(if({good_kind:String} = 'latency', fast_spans, ok_spans)) AS good_events,
    sum(spans) AS total_events
FROM rows
GROUP BY bucket_start, group_value
ORDER BY group_value, bucket_start
