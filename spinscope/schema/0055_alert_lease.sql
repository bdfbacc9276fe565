-- alert_lease: which process evaluates the alert rules of this database. Each evaluator inserts a
-- claim (holder, since, expires_at) every round; the holder is the one with the earliest `since`
-- among unexpired claims (spinscope.alerts.lease), so a second `serve` or `alerts run` on the
-- same database stands by and takes over when the holder's claim expires or is released. Claims
-- are kept a day after they were written (who evaluated when); then they expire.
-- spinscope: distributed cityHash64(name)
CREATE TABLE IF NOT EXISTS $db.$table $on_cluster (
    name LowCardinality(String),
    holder String,
    since DateTime64(3),
    renewed_at DateTime64(3),
    expires_at DateTime64(3),
    recorded_at DateTime DEFAULT now()
) ENGINE = $engine
ORDER BY (name, holder, renewed_at)
TTL recorded_at + toIntervalDay(1)
