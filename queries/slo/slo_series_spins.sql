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
        arrayMap(k -> $spin_dimension_value, {group_by:Array(String)}) AS group_key,
        spins,
        if(status = 'ok', spins, 0) AS ok_events,
        $latency_pick AS fast_events
    FROM spin_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND arrayAll((k, v) -> $spin_dimension_in, {filter_keys:Array(String)}, {filter_values:Array(Array(String))})
)

SELECT
    bucket_start,
    group_key,
    sum(if({good_kind:String} = 'latency', fast_events, ok_events)) AS good_events,
    sum(spins) AS total_events
FROM rows
GROUP BY bucket_start, group_key
ORDER BY group_key, bucket_start
