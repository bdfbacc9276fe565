-- span_minutely_mv reads child_spans (each (trace id, span id) once, 0033) instead of otel_traces
-- (every span received, repeats included), so a replayed batch's child spans no longer count twice
-- in child-span SLOs such as wallet-debit success. Replaced in one statement: each insert is rolled
-- up by the old query or the new one, never both, never neither.
ALTER TABLE $db.span_minutely_mv $on_cluster MODIFY QUERY
SELECT
    toStartOfMinute(started_at) AS minute,
    service_name,
    span_name,
    is_error,
    wallet_provider,
    db_system,
    error_type,
    count() AS spans,
    $latency_counts,
    sum(duration_ns) AS duration_ns_sum
FROM $db.child_spans$local
GROUP BY minute, service_name, span_name, is_error, wallet_provider, db_system, error_type
