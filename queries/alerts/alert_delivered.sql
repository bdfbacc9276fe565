-- alert_delivered: the last confirmed delivery per alert and receiver since {since}: which
-- state each receiver last acknowledged. A resolve with no later 'delivered' row for a
-- receiver is re-sent after a restart.
-- Parameters: since (DateTime64(3)).
SELECT fingerprint, receiver, max(at) AS delivered_at, argMax(resolved_at, at) AS resolved_at
FROM alert_events
WHERE receiver != '' AND state = 'delivered' AND at >= {since:DateTime64(3)}
GROUP BY fingerprint, receiver
