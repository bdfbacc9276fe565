-- rca_minutely_backfill: the spans stored before rca_minutely_mv existed, rolled up once, as the view
-- would have (an upgraded store gets the RCA rollup for its whole history). Idempotent against the
-- view: only spans older than the first minute the view has rolled up are read, so a spin the view
-- counted is never counted again (on a store with ingest paused, as `serve` and `demo` migrate, the
-- rollup is empty and every span is read). Traces are gathered over the whole history, so the
-- aggregation spills to disk past 1 GB instead of holding every trace in memory. Plain names: on a
-- cluster they are the Distributed tables, so every shard's spans are read (a trace lives on one
-- shard, so its spans still meet) and the rows spread as the view's would.
INSERT INTO $db.rca_minutely
SELECT
    toStartOfMinute(spin_at) AS minute,
    pairs,
    count() AS spins,
    countIf(is_error) AS error_spins,
    countIf(NOT is_error) AS ok_spins,
    $rca_ok_latency_counts
FROM (
    SELECT
        TraceId,
        minIf(Timestamp, SpanName = 'spin') AS spin_at,
        countIf(SpanName = 'spin') AS spin_spans,
        maxIf(StatusCode = 'Error', SpanName = 'spin') AS is_error,
        maxIf(Duration, SpanName = 'spin') AS duration_ns,
        arraySort(arrayDistinct(arrayFilter(
            p -> NOT has(['slot.spin.id', 'slot.player.id', 'slot.session.id', 'slot.bet.amount', 'slot.win.amount'], p.1),
            groupArrayArray(arrayConcat(
                arrayZip(mapKeys(ResourceAttributes), mapValues(ResourceAttributes)),
                arrayZip(mapKeys(SpanAttributes), mapValues(SpanAttributes))
            ))
        ))) AS pairs
    FROM $db.otel_traces
    WHERE Timestamp < (
        SELECT if(count() = 0, toDateTime('2106-01-01 00:00:00'), min(minute)) FROM $db.rca_minutely
    )
    GROUP BY TraceId
    HAVING spin_spans > 0
)
GROUP BY minute, pairs
SETTINGS max_bytes_before_external_group_by = 1000000000
