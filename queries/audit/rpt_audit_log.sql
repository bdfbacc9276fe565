-- rpt_audit_log: the audit trail newest first: who did what, when, from where, in [start, end),
-- optionally one action only (action = '' keeps all). Parameters: start, end (DateTime64(3)),
-- action (String), limit (UInt32).
WITH
    entries AS (
        SELECT at, who, action, what, client_address
        FROM audit_log
        WHERE at >= {start:DateTime64(3)} AND at < {end:DateTime64(3)}
          AND ({action:String} = '' OR action = {action:String})
    )
SELECT
    at AS recorded_at,
    who,
    action,
    what,
    client_address
FROM entries
ORDER BY recorded_at DESC, action
LIMIT {limit:UInt32}
