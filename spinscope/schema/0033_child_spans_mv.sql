-- child_spans_mv: the duplicate gate for child spans. A span whose (trace id, span id) is already in
-- child_spans within an hour of this insert's spans is dropped (an exporter retry or a replayed
-- batch repeats it with the same ids and timestamp), and LIMIT 1 BY drops repeats inside one insert.
-- Spans without a span id have no key: each is admitted. Nothing reads child_spans until 0034
-- points span_minutely_mv at it, so between the two migrations child spans are counted once, by
-- the old path.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.child_spans$local
AS SELECT
    Timestamp AS started_at,
    TraceId AS trace_id,
    SpanId AS span_id,
    ServiceName AS service_name,
    SpanName AS span_name,
    toUInt8(StatusCode = 'Error') AS is_error,
    SpanAttributes['wallet.provider'] AS wallet_provider,
    SpanAttributes['db.system.name'] AS db_system,
    SpanAttributes['error.type'] AS error_type,
    Duration AS duration_ns
FROM $db.otel_traces$local
WHERE SpanName != 'spin'
  AND (
      SpanId = ''
      OR (TraceId, SpanId) NOT IN (
          SELECT trace_id, span_id
          FROM $db.child_spans$local
          WHERE started_at >= (SELECT min(Timestamp) FROM $db.otel_traces$local WHERE SpanName != 'spin') - INTERVAL 1 HOUR
            AND started_at <= (SELECT max(Timestamp) FROM $db.otel_traces$local WHERE SpanName != 'spin') + INTERVAL 1 HOUR
            AND (trace_id, span_id) IN (SELECT TraceId, SpanId FROM $db.otel_traces$local WHERE SpanName != 'spin')
      )
  )
LIMIT 1 BY trace_id, span_id, if(span_id = '', rowNumberInAllBlocks(), 0)
