-- trace_index_mv fills resource_hash (0155): one hash of each span's resource attributes, the row's when
-- all its spans share it, else 0. Same rows as 0122. Replaced in one statement (as 0152).
ALTER TABLE $db.trace_index_mv $on_cluster MODIFY QUERY
SELECT
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
    ) AS spin_spans,
    if(min(cityHash64(ResourceAttributes)) = max(cityHash64(ResourceAttributes)),
       min(cityHash64(ResourceAttributes)), 0) AS resource_hash
FROM $db.otel_traces$local
GROUP BY TraceId
