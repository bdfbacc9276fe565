-- trace_index_mv: fills trace_index from every insert into otel_traces, whichever receiver wrote it
-- (spinscope's own or the Collector's exporter): one row per insert block and trace, every span's
-- start kept (no gate: a repeat is a row of otel_traces too). The amounts are read on spin spans only.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.trace_index$local
AS SELECT
    TraceId AS trace_id,
    min(Timestamp) AS started_at,
    arrayMap(t -> toUInt64(t - toUnixTimestamp64Nano(started_at)), groupArray(toUnixTimestamp64Nano(Timestamp)))
        AS span_offsets_ns,
    arrayMap(
        s -> (toUInt64(s.1 - toUnixTimestamp64Nano(started_at)), s.2, s.3),
        groupArrayIf(
            (toUnixTimestamp64Nano(Timestamp), if(SpanName = 'spin', SpanAttributes['slot.bet.amount'], ''),
             if(SpanName = 'spin', SpanAttributes['slot.win.amount'], '')),
            SpanName = 'spin'
        )
    ) AS spin_spans
FROM $db.otel_traces$local
GROUP BY TraceId
