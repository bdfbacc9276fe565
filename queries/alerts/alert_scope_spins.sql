-- alert_scope_spins: spins per scope and bucket in [start, end): the scope is the values of the
-- dimensions in {dims} (an empty array: the whole fleet); buckets are {step_s} long counted back
-- from {end} (bucket 0 ends at end; step_s = 0: one bucket). The traffic-anomaly and no-data
-- rules compare such counts; they read the minute rollup, so a window costs one row per minute
-- and dimension combination.
-- Parameters: start, end (DateTime), dims (Array(String): game_id, game_version, region, ...), step_s (UInt32).
SELECT
    arrayMap(k -> multiIf(
            k = 'game_id', game_id,
            k = 'game_version', game_version,
            k = 'region', region,
            k = 'instance_id', instance_id,
            k = 'channel', channel,
            k = 'currency', currency,
            k = 'service_name', service_name,
            k = 'environment', environment,
            ''), {dims:Array(String)}) AS scope_values,
    if({step_s:UInt32} = 0, 0, intDiv(dateDiff('second', minute, {end:DateTime}) - 1, {step_s:UInt32})) AS bucket,
    sum(spins) AS spins
FROM spin_minutely
WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
GROUP BY scope_values, bucket
