-- slo_series_spins: good and total spins of one SLO per time bucket and group, from spin_minutely.
-- The one series behind an SLO: the burn-rate windows, the SLI over the period and the
-- budget burndown are all sums of these buckets, so the alert and the dashboard cannot
-- disagree. Good is either "status = ok" (availability) or "duration <= threshold"
-- (latency, exact: the rollup counts durations against each threshold of the ladder).
-- Parameters: start, end (DateTime, end exclusive), step_s (bucket seconds), good_kind
-- ('status_ok' | 'latency'), threshold_ms (a ladder value, for latency), filter_keys and
-- filter_values (parallel arrays: a spin counts when, for every key, its value is one of
-- the listed values), group_by (array of dimension keys; group_key holds their values).
WITH
rows AS (
    SELECT
        toStartOfInterval(minute, toIntervalSecond({step_s:UInt32})) AS bucket_start,
        arrayMap(k -> multiIf(
                k = 'game_id', game_id,
                k = 'game_version', game_version,
                k = 'region', region,
                k = 'instance_id', instance_id,
                k = 'channel', channel,
                k = 'currency', currency,
                k = 'mode', mode,
                k = 'feature', feature,
                k = 'status', status,
                k = 'service_name', service_name,
                k = 'environment', environment,
                ''), {group_by:Array(String)}) AS group_key,
        spins,
        if(status = 'ok', spins, 0) AS ok_events,
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
    FROM spin_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND arrayAll((k, v) -> multiIf(
                k = 'game_id', has(v, game_id),
                k = 'game_version', has(v, game_version),
                k = 'region', has(v, region),
                k = 'instance_id', has(v, instance_id),
                k = 'channel', has(v, channel),
                k = 'currency', has(v, currency),
                k = 'mode', has(v, mode),
                k = 'feature', has(v, feature),
                k = 'status', has(v, status),
                k = 'service_name', has(v, service_name),
                k = 'environment', has(v, environment),
                0), {filter_keys:Array(String)}, {filter_values:Array(Array(String))})
)

SELECT
    bucket_start,
    group_key,
    sum(if({good_kind:String} = 'latency', fast_events, ok_events)) AS good_events,
    sum(spins) AS total_events
FROM rows
GROUP BY bucket_start, group_key
ORDER BY group_key, bucket_start
