-- ops_rollup_check: does each rollup count what its typed table holds? Per hour of [start, end):
-- spins in `spins FINAL` (each spin once, whatever passed the gate) against sum(spins) in
-- spin_minutely, and child spans in `child_spans FINAL` against sum(spans) in span_minutely.
-- excess > 0 means duplicates passed a gate and are counted twice in the rollups: on a cluster, a
-- retry that reached the other replica of a shard before it had the original (docs/deploy.md,
-- Duplicates). Run it after the hour has settled (replication and late retries), e.g. for
-- yesterday; child spans only within the raw retention (child_spans expires with otel_traces).
-- spin_hourly and spin_game_hourly (fed from spin_minutely) are compared the same way for the whole hours
-- inside [start, end), and spin_game_daily (fed from spin_game_hourly) for the whole UTC days (hour_start_at
-- is the day's start). spin_daily was retired (migrations 0130-0132).
-- Parameters: start, end. One row per rollup and hour (or day) with data on either side.
WITH
    {start:DateTime} AS window_start,
    {end:DateTime} AS window_end,
    if(toStartOfHour(window_start) = window_start, window_start, toStartOfHour(window_start) + 3600) AS hours_from,
    toStartOfHour(window_end) AS hours_to,
    if(toDateTime(toDate(window_start)) = window_start, toDate(window_start), toDate(window_start) + 1) AS days_from,
    toDate(window_end) AS days_to,
typed_spins AS (
    SELECT toStartOfHour(started_at) AS hour, count() AS stored
    FROM spins FINAL
    WHERE started_at >= window_start AND started_at < window_end
    GROUP BY hour
),
rolled_spins AS (
    SELECT toStartOfHour(minute) AS hour, sum(spins) AS counted
    FROM spin_minutely
    WHERE minute >= window_start AND minute < window_end
    GROUP BY hour
),
typed_spans AS (
    SELECT toStartOfHour(started_at) AS hour, count() AS stored
    FROM child_spans FINAL
    WHERE started_at >= window_start AND started_at < window_end
    GROUP BY hour
),
rolled_spans AS (
    SELECT toStartOfHour(minute) AS hour, sum(spans) AS counted
    FROM span_minutely
    WHERE minute >= window_start AND minute < window_end
    GROUP BY hour
),
typed_whole_hours AS (
    SELECT hour, stored FROM typed_spins WHERE hour >= hours_from AND hour < hours_to
),
rolled_hours AS (
    SELECT hour, sum(spins) AS counted
    FROM spin_hourly
    WHERE hour >= hours_from AND hour < hours_to
    GROUP BY hour
),
rolled_game_hours AS (
    SELECT hour, sum(spins) AS counted
    FROM spin_game_hourly
    WHERE hour >= hours_from AND hour < hours_to
    GROUP BY hour
),
typed_days AS (
    SELECT toDateTime(toDate(hour)) AS day_start, sum(stored) AS stored
    FROM typed_spins
    WHERE toDate(hour) >= days_from AND toDate(hour) < days_to
    GROUP BY day_start
),
rolled_game_days AS (
    SELECT toDateTime(day) AS day_start, sum(spins) AS counted
    FROM spin_game_daily
    WHERE day >= days_from AND day < days_to
    GROUP BY day_start
),
checks AS (
    SELECT 'spin_minutely' AS rollup, if(t.hour = 0, r.hour, t.hour) AS hour, t.stored AS stored, r.counted AS counted
    FROM typed_spins AS t FULL OUTER JOIN rolled_spins AS r ON t.hour = r.hour
    UNION ALL
    SELECT 'spin_hourly', if(t.hour = 0, r.hour, t.hour), t.stored, r.counted
    FROM typed_whole_hours AS t FULL OUTER JOIN rolled_hours AS r ON t.hour = r.hour
    UNION ALL
    SELECT 'spin_game_hourly', if(t.hour = 0, r.hour, t.hour), t.stored, r.counted
    FROM typed_whole_hours AS t FULL OUTER JOIN rolled_game_hours AS r ON t.hour = r.hour
    UNION ALL
    SELECT 'spin_game_daily', if(t.day_start = 0, r.day_start, t.day_start), t.stored, r.counted
    FROM typed_days AS t FULL OUTER JOIN rolled_game_days AS r ON t.day_start = r.day_start
    UNION ALL
    SELECT 'span_minutely', if(t.hour = 0, r.hour, t.hour), t.stored, r.counted
    FROM typed_spans AS t FULL OUTER JOIN rolled_spans AS r ON t.hour = r.hour
)
SELECT
    rollup,
    hour AS hour_start_at,
    toUInt64(stored) AS stored,
    toUInt64(counted) AS counted,
    toInt64(counted) - toInt64(stored) AS excess
FROM checks
ORDER BY rollup, hour_start_at
