-- slo_buckets_spins: one SLO's good and total spins per group over [start, end), in one read: whole
-- hours from spin_hourly (spin_game_hourly when game_rollup = 1, as in slo_series_spins), and every
-- minute of the hours listed in minute_hours from spin_minutely (those hours are left out of the
-- hourly part). spinscope.slo.status sums these buckets into the
-- SLO period and every burn-rate window at once (each window's partial hours are listed), so one
-- SLO costs one query per evaluation instead of one per window, and the figures equal
-- slo_series_spins' (same good/total definitions, same filters, same groups).
-- Parameters: start, end (DateTime, end exclusive), minute_hours (Array(DateTime), hour starts read
-- at minute grain), good_kind, threshold_ms, filter_keys, filter_values, group_by, game_rollup (as in
-- slo_series_spins). Rows: bucket_start, is_minute (1 = a minute, 0 = a whole hour), group_key,
-- good_events, total_events.
WITH
    {start:DateTime} AS window_start,
    {end:DateTime} AS window_end,
    {minute_hours:Array(DateTime)} AS minute_hours,
source AS (
    SELECT
        hour AS bucket_start, 0 AS is_minute, game_id, game_version, '' AS region, '' AS instance_id, '' AS channel, currency,
        mode, '' AS feature, status, service_name, environment, spins, $latency_pick AS fast_events
    FROM spin_game_hourly
    WHERE {game_rollup:UInt8} = 1 AND hour >= window_start AND hour < window_end AND NOT has(minute_hours, hour)
    UNION ALL
    SELECT
        hour AS bucket_start, 0 AS is_minute, game_id, game_version, region, instance_id, channel, currency, mode,
        feature, status, service_name, environment, spins, $latency_pick AS fast_events
    FROM spin_hourly
    WHERE {game_rollup:UInt8} = 0 AND hour >= window_start AND hour < window_end AND NOT has(minute_hours, hour)
    UNION ALL
    SELECT
        minute, 1, game_id, game_version, region, instance_id, channel, currency, mode,
        feature, status, service_name, environment, spins, $latency_pick AS fast_events
    FROM spin_minutely
    WHERE minute >= window_start AND minute < window_end AND has(minute_hours, toStartOfHour(minute))
),

rows AS (
    SELECT
        bucket_start,
        is_minute,
        arrayMap(k -> $spin_dimension_value, {group_by:Array(String)}) AS group_key,
        spins,
        if(status = 'ok', spins, 0) AS ok_events,
        fast_events
    FROM source
    WHERE arrayAll((k, v) -> $spin_dimension_in, {filter_keys:Array(String)}, {filter_values:Array(Array(String))})
)

SELECT
    bucket_start,
    is_minute,
    group_key,
    sum(if({good_kind:String} = 'latency', fast_events, ok_events)) AS good_events,
    sum(spins) AS total_events
FROM rows
GROUP BY bucket_start, is_minute, group_key
