-- alert_lease: each holder's latest claim on the lease {lease_name}: since when it holds (or
-- claims) it and when the claim expires. spinscope.alerts.lease decides the holder.
-- Parameters: lease_name (String).
WITH
latest AS (
    SELECT
        holder,
        argMax(tuple(since, expires_at), renewed_at) AS last
    FROM alert_lease
    WHERE name = {lease_name:String}
    GROUP BY holder
)

SELECT
    holder,
    last.1 AS since,
    last.2 AS expires_at
FROM latest
ORDER BY since, holder
