-- rca_minutely_mv: fills rca_minutely from every insert into otel_traces. Within the insert, the
-- spans of each trace that holds a `spin` span are gathered: the spin span gives the minute, the
-- status and the duration; every span of the trace in this insert gives its attribute pairs. A
-- child span inserted apart from its spin span (another batch) is not seen here: the exact path
-- (spinscope.rca.rank with exact=True) reads raw spans and sees it. A spin span repeated in a later
-- insert (an exporter retry) counts again here, while the exact path counts each spin id once.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.rca_minutely$local
AS SELECT
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
    FROM $db.otel_traces$local
    GROUP BY TraceId
    HAVING spin_spans > 0
)
GROUP BY minute, pairs
