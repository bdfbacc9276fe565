-- trace_logs: the log records written while one trace ran (matched by trace id), in time order.
-- Parameters: trace_id, start, end (DateTime64(9): the trace's time range, to prune partitions).
SELECT
    Timestamp AS logged_at,
    SpanId AS span_id,
    SeverityText AS severity,
    SeverityNumber AS severity_number,
    ServiceName AS service_name,
    Body AS body,
    LogAttributes AS attributes
FROM otel_logs
WHERE TraceId = {trace_id:String}
  AND Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp <= {end:DateTime64(9)} + INTERVAL 1 MINUTE
ORDER BY logged_at
