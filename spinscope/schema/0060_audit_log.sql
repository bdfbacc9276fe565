-- audit_log: who did what, when, from where: exports, silences, app logins and refused
-- authentications (spinscope.audit). Append-only and kept without a TTL: an audit trail that
-- expires with the telemetry would be gone when it is asked for. Read by the operator-only
-- audit endpoint (queries/audit/rpt_audit_log.sql).
-- spinscope: distributed rand()
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    who String CODEC(ZSTD(1)),
    action LowCardinality(String),
    what String CODEC(ZSTD(1)),
    client_address String CODEC(ZSTD(1))
) ENGINE = $engine
PARTITION BY toYYYYMM(at)
ORDER BY (at, action)
