-- alert_silences: silences and maintenance windows. Each change (create, expire) inserts a new
-- row version of the silence; readers take the latest version (argMax on version). A silence
-- matches an alert when every matcher label equals the alert's; it stops notifications, never
-- evaluation or history. A maintenance window is a silence with is_maintenance = 1;
-- excludes_budget asks for its minutes to be left out of SLO budgets.
-- spinscope: distributed cityHash64(silence_id)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    silence_id String,
    version UInt64,
    matchers Map(String, String),
    starts_at DateTime64(3),
    ends_at DateTime64(3),
    created_by String,
    comment String CODEC(ZSTD(1)),
    created_at DateTime64(3),
    is_maintenance UInt8,
    excludes_budget UInt8
) ENGINE = $engine
ORDER BY (silence_id, version)
