-- app_versions_seen: every game version with spins before end, when it was first and last seen,
-- and its spins in [start, end); is_new marks versions first seen inside [start, end) — the
-- Overview's "what changed recently". environment / game_id '' mean every one.
-- Parameters: start, end (DateTime, UTC, end exclusive), environment, game_id.
WITH
filtered AS (
    SELECT minute, game_id, game_version, spins
    FROM spin_minutely
    WHERE minute < {end:DateTime}
      AND ({environment:String} = '' OR environment = {environment:String})
      AND ({game_id:String} = '' OR game_id = {game_id:String})
)

SELECT
    game_id,
    game_version,
    min(minute) AS first_seen_at,
    max(minute) AS last_seen_at,
    sumIf(spins, minute >= {start:DateTime}) AS spins_in_range,
    min(minute) >= {start:DateTime} AS is_new
FROM filtered
GROUP BY game_id, game_version
ORDER BY first_seen_at DESC, game_id, game_version
