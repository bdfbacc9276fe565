-- otel_traces_trace_id_ts_mv: fills otel_traces_trace_id_ts from every insert into
-- otel_traces, as the exporter's own view does (one row per insert block and trace).
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.otel_traces_trace_id_ts$local
AS SELECT
    TraceId,
    min(Timestamp) AS Start,
    max(Timestamp) AS End
FROM $db.otel_traces$local
WHERE TraceId != ''
GROUP BY TraceId
