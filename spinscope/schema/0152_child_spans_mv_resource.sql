-- child_spans_mv fills child_spans' resource columns (0150): cloud.region, service.instance.id,
-- service.version and deployment.environment.name as sent ('' when absent), and resource_typed = 1.
-- Same rows and duplicate gate as 0033. Replaced in one statement (as 0090).
ALTER TABLE $db.child_spans_mv $on_cluster MODIFY QUERY
SELECT
    Timestamp AS started_at,
    TraceId AS trace_id,
    SpanId AS span_id,
    ServiceName AS service_name,
    ResourceAttributes['cloud.region'] AS region,
    ResourceAttributes['service.instance.id'] AS instance_id,
    ResourceAttributes['service.version'] AS service_version,
    ResourceAttributes['deployment.environment.name'] AS environment,
    toUInt8(1) AS resource_typed,
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
