-- The same column on the table readers query: in cluster mode the Distributed spin_minutely
-- (single-node mode: the table itself, already altered, so this does nothing).
ALTER TABLE $db.spin_minutely $on_cluster
    ADD COLUMN IF NOT EXISTS latency_ns_bf16 AggregateFunction(quantilesBFloat16(0.5, 0.95, 0.99), UInt64)
