-- alert_events: the alert history, one row per lifecycle transition (pending, firing, resolved,
-- inactive: cleared before it fired) and one per confirmed delivery of a firing or resolved
-- notification to a receiver (state 'delivered', receiver set). The evaluator resumes from
-- the last transition of each alert, so a restart neither re-notifies a firing alert as new
-- nor loses a resolve; delivery rows let it re-send a resolve a receiver never confirmed.
-- spinscope: distributed cityHash64(fingerprint)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    at DateTime64(3) CODEC(Delta, ZSTD(1)),
    fingerprint String,
    rule LowCardinality(String),
    alertname LowCardinality(String),
    severity LowCardinality(String),
    state LowCardinality(String),
    receiver LowCardinality(String),
    labels Map(String, String),
    active_since DateTime64(3),
    fired_at Nullable(DateTime64(3)),
    resolved_at Nullable(DateTime64(3)),
    value Nullable(Float64),
    summary String CODEC(ZSTD(1)),
    description String CODEC(ZSTD(1)),
    window_start DateTime64(3),
    window_end DateTime64(3),
    investigate_signal LowCardinality(String),
    recorded_at DateTime64(3) DEFAULT now64(3)
) ENGINE = $engine
PARTITION BY toYYYYMM(at)
ORDER BY (fingerprint, at)
