-- trace_spans: every span of one trace (duplicates from retries removed), with timings relative
-- to the trace start, for the span tree and waterfall. A trace-id lookup table narrows the scan to
-- the seconds that hold the trace, as the Collector exporter's README does with its
-- otel_traces_trace_id_ts; trace_index is used instead (each trace's span starts, by id): partitioned
-- by week, it has a few parts where the exporter's table has one or more a day, and a lookup without
-- a window opens every part.
-- Parameters: trace_id.
WITH
-- One scalar (a tuple), so the lookup runs once; its values are constants for the primary-key and
-- partition pruning of otel_traces.
(
    SELECT (min(started_at) - INTERVAL 1 MINUTE, max(started_at + toIntervalNanosecond(arrayMax(span_offsets_ns))) + INTERVAL 1 MINUTE)
    FROM trace_index
    WHERE trace_id = {trace_id:String}
) AS bounds,

spans AS (
    SELECT *
    FROM otel_traces
    WHERE TraceId = {trace_id:String}
      AND Timestamp >= bounds.1 AND Timestamp <= bounds.2
    LIMIT 1 BY SpanId
)

SELECT
    SpanId AS span_id,
    ParentSpanId AS parent_span_id,
    SpanName AS span_name,
    SpanKind AS span_kind,
    ServiceName AS service_name,
    Timestamp AS started_at,
    round(dateDiff('nanosecond', min(Timestamp) OVER (), Timestamp) / 1e6, 3) AS offset_ms,
    round(Duration / 1e6, 3) AS duration_ms,
    StatusCode AS status_code,
    StatusMessage AS status_message,
    SpanAttributes AS attributes,
    ResourceAttributes AS resource_attributes,
    arrayMap((t, n, a) -> (t, n, a), Events.Timestamp, Events.Name, Events.Attributes) AS events
FROM spans
ORDER BY started_at, span_id
