-- alert_silences: every silence and maintenance window at its latest version whose end is at
-- or after {since}, newest first.
-- Parameters: since (DateTime64(3)).
WITH
latest AS (
    SELECT
        silence_id,
        argMax(tuple(matchers, starts_at, ends_at, created_by, comment, created_at, is_maintenance,
                     excludes_budget), version) AS last
    FROM alert_silences
    GROUP BY silence_id
)

SELECT
    silence_id,
    last.1 AS matchers,
    last.2 AS starts_at,
    last.3 AS ends_at,
    last.4 AS created_by,
    last.5 AS comment,
    last.6 AS created_at,
    last.7 = 1 AS is_maintenance,
    last.8 = 1 AS excludes_budget
FROM latest
WHERE last.3 >= {since:DateTime64(3)}
ORDER BY starts_at DESC, silence_id
