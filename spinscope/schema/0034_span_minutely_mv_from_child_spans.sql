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
    countIf(duration_ns <= 50000000) AS latency_le_50ms,
    countIf(duration_ns <= 100000000) AS latency_le_100ms,
    countIf(duration_ns <= 200000000) AS latency_le_200ms,
    countIf(duration_ns <= 250000000) AS latency_le_250ms,
    countIf(duration_ns <= 300000000) AS latency_le_300ms,
    countIf(duration_ns <= 500000000) AS latency_le_500ms,
    countIf(duration_ns <= 750000000) AS latency_le_750ms,
    countIf(duration_ns <= 1000000000) AS latency_le_1000ms,
    countIf(duration_ns <= 2000000000) AS latency_le_2000ms,
    countIf(duration_ns <= 5000000000) AS latency_le_5000ms,
    sum(duration_ns) AS duration_ns_sum
FROM $db.child_spans$local
GROUP BY minute, service_name, span_name, is_error, wallet_provider, db_system, error_type
