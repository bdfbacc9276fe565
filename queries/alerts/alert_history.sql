-- alert_history: lifecycle transitions (receiver = '') in [start, end), newest first, optionally
-- of one state; the Alerts page's timeline and `alerts list --history`.
-- Parameters: start, end (DateTime64(3)), state (String, '' for every state), limit (UInt32).
SELECT
    at, fingerprint, rule, alertname, severity, state, labels, active_since, fired_at, resolved_at, value,
    summary, window_start, window_end, investigate_signal
FROM alert_events
WHERE receiver = '' AND at >= {start:DateTime64(3)} AND at < {end:DateTime64(3)}
  AND ({state:String} = '' OR state = {state:String})
ORDER BY at DESC, fingerprint
LIMIT {limit:UInt32}
