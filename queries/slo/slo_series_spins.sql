-- slo_series_spins: good and total spins of one SLO per time bucket and group, from the spin rollups.
-- The one series behind an SLO: the burn-rate windows, the SLI over the period and the
-- budget burndown are all sums of these buckets, so the alert and the dashboard cannot
-- disagree. Good is either "status = ok" (availability) or "duration <= threshold"
-- (latency, exact: the rollups count durations against each threshold of the ladder).
-- Whole hours are read from spin_hourly, the minutes at the window's edges from spin_minutely
-- (when step_s is a multiple of an hour; otherwise every minute from spin_minutely), so the
-- figures are those of spin_minutely alone, at a cost that follows hours, not minutes. With
-- game_rollup = 1 (the caller's word that every filter and group key is one of spin_game_hourly's
-- dimensions) whole hours come from spin_game_hourly instead: the same sums from ~6x fewer rows.
-- Parameters: start, end (DateTime, end exclusive), step_s (bucket seconds), good_kind
-- ('status_ok' | 'latency'), threshold_ms (a ladder value, for latency), filter_keys and
-- filter_values (parallel arrays: a spin counts when, for every key, its value is one of
-- the listed values), group_by (array of dimension keys; group_key holds their values),
-- game_rollup (UInt8, see above).
WITH
    $hour_edges_step,
source AS (
    SELECT
        hour AS minute, game_id, game_version, '' AS region, '' AS instance_id, '' AS channel, currency,
        mode, '' AS feature, status, service_name, environment, spins, $latency_pick AS fast_events
    FROM spin_game_hourly
    WHERE {game_rollup:UInt8} = 1 AND hour >= hours_from AND hour < hours_to
    UNION ALL
    SELECT
        hour AS minute, game_id, game_version, region, instance_id, channel, currency, mode, feature, status,
        service_name, environment, spins, $latency_pick AS fast_events
    FROM spin_hourly
    WHERE {game_rollup:UInt8} = 0 AND hour >= hours_from AND hour < hours_to
    UNION ALL
    SELECT
        minute, game_id, game_version, region, instance_id, channel, currency, mode, feature, status,
        service_name, environment, spins, $latency_pick AS fast_events
    FROM spin_minutely
    WHERE (minute >= window_start AND minute < hours_from) OR (minute >= hours_to AND minute < window_end)
),

rows AS (
    SELECT
        toStartOfInterval(minute, toIntervalSecond({step_s:UInt32})) AS bucket_start,
        arrayMap(k -> $spin_dimension_value, {group_by:Array(String)}) AS group_key,
        spins,
        if(status = 'ok', spins, 0) AS ok_events,
        fast_events
    FROM source
    WHERE arrayAll((k, v) -> $spin_dimension_in, {filter_keys:Array(String)}, {filter_values:Array(Array(String))})
)

SELECT
    bucket_start,
    group_key,
    sum(if({good_kind:String} = 'latency', fast_events, ok_events)) AS good_events,
    sum(spins) AS total_events
FROM rows
GROUP BY bucket_start, group_key
ORDER BY group_key, bucket_start
