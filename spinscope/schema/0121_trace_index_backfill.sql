-- trace_index_backfill: the spans stored before trace_index_mv existed (a store upgraded to 0120),
-- copied once with the view's expressions (0122), one row per trace and hour (a row is any group of a
-- trace's spans). Runs before the view exists, so the upgrade needs ingest paused (`serve` and
-- `demo` migrate before their receivers start; `db migrate --ingest-paused` otherwise). An hour
-- already in trace_index is skipped, so a run interrupted and repeated adds nothing twice. Every
-- trace of the history is grouped at once, so the aggregation spills to disk past 1 GB. Plain names:
-- on a cluster they are the Distributed tables, so every shard's spans are read and each row goes to
-- its trace's shard, as the view's would.
INSERT INTO $db.trace_index
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
    ) AS spin_spans
FROM $db.otel_traces
WHERE toStartOfHour(Timestamp) NOT IN (SELECT DISTINCT toStartOfHour(started_at) FROM $db.trace_index)
GROUP BY TraceId, toStartOfHour(Timestamp)
SETTINGS max_bytes_before_external_group_by = 1000000000
