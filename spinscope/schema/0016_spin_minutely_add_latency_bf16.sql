-- spin_minutely.latency_ns_bf16: latency quantile states that merge deterministically.
-- t-digest states (latency_ns_quantiles) give slightly different quantiles depending on the
-- order states are merged in (parallel reads, background merges), so a report exported twice
-- could differ; quantilesBFloat16 states are counts per bfloat16 value, whose merge is a sum:
-- the same rows always give the same quantiles (relative error ~0.4 %).
ALTER TABLE $db.spin_minutely$local $on_cluster
    ADD COLUMN IF NOT EXISTS latency_ns_bf16 AggregateFunction(quantilesBFloat16(0.5, 0.95, 0.99), UInt64)
