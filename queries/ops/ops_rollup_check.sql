-- ops_rollup_check: does each rollup count what its typed table holds? Per hour of [start, end):
-- spins in `spins FINAL` (each spin once, whatever passed the gate) against sum(spins) in
-- spin_minutely, and child spans in `child_spans FINAL` against sum(spans) in span_minutely.
-- excess > 0 means duplicates passed a gate and are counted twice in the rollups: on a cluster, a
-- retry that reached the other replica of a shard before it had the original (docs/deploy.md,
-- Duplicates). Run it after the hour has settled (replication and late retries), e.g. for
-- yesterday; child spans only within the raw retention (child_spans expires with otel_traces).
-- Parameters: start, end. One row per rollup and hour with data on either side.
WITH
typed_spins AS (
    SELECT toStartOfHour(started_at) AS hour, count() AS stored
    FROM spins FINAL
    WHERE started_at >= {start:DateTime} AND started_at < {end:DateTime}
    GROUP BY hour
),
rolled_spins AS (
    SELECT toStartOfHour(minute) AS hour, sum(spins) AS counted
    FROM spin_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
    GROUP BY hour
),
typed_spans AS (
    SELECT toStartOfHour(started_at) AS hour, count() AS stored
    FROM child_spans FINAL
    WHERE started_at >= {start:DateTime} AND started_at < {end:DateTime}
    GROUP BY hour
),
rolled_spans AS (
    SELECT toStartOfHour(minute) AS hour, sum(spans) AS counted
    FROM span_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
    GROUP BY hour
),
checks AS (
    SELECT 'spin_minutely' AS rollup, if(t.hour = 0, r.hour, t.hour) AS hour, t.stored AS stored, r.counted AS counted
    FROM typed_spins AS t FULL OUTER JOIN rolled_spins AS r ON t.hour = r.hour
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
