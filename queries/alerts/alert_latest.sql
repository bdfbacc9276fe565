-- alert_latest: each alert's last lifecycle transition (receiver = ''), for alerts whose last
-- transition is open (pending, firing) or happened at or after {since}. The evaluator resumes
-- from these rows; `alerts list` and the Alerts page show them.
-- Parameters: since (DateTime64(3)).
WITH
latest AS (
    SELECT
        fingerprint,
        argMax(tuple(at, rule, state, labels, active_since, fired_at, resolved_at, value, summary, description,
                     window_start, window_end, investigate_signal), at) AS last
    FROM alert_events
    WHERE receiver = ''
    GROUP BY fingerprint
)

SELECT
    fingerprint,
    last.1 AS at,
    last.2 AS rule,
    last.3 AS state,
    last.4 AS labels,
    last.5 AS active_since,
    last.6 AS fired_at,
    last.7 AS resolved_at,
    last.8 AS value,
    last.9 AS summary,
    last.10 AS description,
    last.11 AS window_start,
    last.12 AS window_end,
    last.13 AS investigate_signal
FROM latest
WHERE last.3 IN ('pending', 'firing') OR last.1 >= {since:DateTime64(3)}
ORDER BY at DESC, fingerprint
