-- slo_series_spins: good and total spins of one SLO per time bucket and group, from spin_minutely.
-- The one series behind an SLO: the burn-rate windows, the SLI over the period and the
-- budget burndown are all sums of these buckets, so the alert and the dashboard cannot
-- disagree. Good is either "status = ok" (availability) or "duration <= threshold"
-- (latency, exact: the rollup counts durations against each threshold of the ladder).
-- Parameters: start, end (DateTime, end exclusive), step_s (bucket length in seconds),
-- good_kind ('status_ok' | 'latency'), threshold_ms (one of the ladder, for latency),
-- filter_keys / filter_values (parallel arrays; a spin counts when every key equals its
-- value), group_by ('' or one dimension column).
WITH
rows AS (
    SELECT
        toStartOfInterval(minute, toIntervalSecond({step_s:UInt32})) AS bucket_start,
        multiIf(
        {group_by:String} = 'game_id', game_id,
        {group_by:String} = 'game_version', game_version,
        {group_by:String} = 'region', region,
        {group_by:String} = 'instance_id', instance_id,
        {group_by:String} = 'channel', channel,
        {group_by:String} = 'currency', currency,
        {group_by:String} = 'mode', mode,
        {group_by:String} = 'feature', feature,
        {group_by:String} = 'status', status,
        {group_by:String} = 'service_name', service_name,
        {group_by:String} = 'environment', environment,
            ''
        ) AS group_value,
        spins,
        if(status = 'ok', spins, 0) AS ok_spins,
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
        ) AS fast_spins
    FROM spin_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND arrayAll((k, v) -> multiIf(
            k = 'game_id', game_id = v,
            k = 'game_version', game_version = v,
            k = 'region', region = v,
            k = 'instance_id', instance_id = v,
            k = 'channel', channel = v,
            k = 'currency', currency = v,
            k = 'mode', mode = v,
            k = 'feature', feature = v,
            k = 'status', status = v,
            k = 'service_name', service_name = v,
            k = 'environment', environment = v,
            0), {filter_keys:Array(String)}, {filter_values:Array(String)})
)

SELECT
    bucket_start,
    group_value,
    sum(if({good_kind:String} = 'latency', fast_spins, ok_spins)) AS good_events,
    sum(spins) AS total_events
FROM rows
GROUP BY bucket_start, group_value
ORDER BY group_value, bucket_start
