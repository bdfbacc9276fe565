-- app_versions_seen: every game version with spins before end, when it was first and last seen,
-- and its spins in [start, end); is_new marks versions first seen inside [start, end) — the
-- Overview's "what changed recently". environment / game_id '' mean every one.
-- The whole history is read from spin_game_hourly (each version's first and last whole hour), and only
-- the minutes of those hours and of the window's partial hours from spin_minutely, so the answer is
-- minute-exact at a cost that follows hours of history, not minutes.
-- Parameters: start, end (DateTime, UTC, end exclusive), environment, game_id.
WITH
    $hour_edges,
    (
        -- each version's first and last whole hour before end_hour: its first and last minute lie there
        -- (or after end_hour), so only those hours are read at minute grain
        SELECT arrayConcat(groupArray(first_hour), groupArray(last_hour))
        FROM (
            SELECT min(hour) AS first_hour, max(hour) AS last_hour
            FROM spin_game_hourly
            WHERE hour < end_hour
              AND ({environment:String} = '' OR environment = {environment:String})
              AND ({game_id:String} = '' OR game_id = {game_id:String})
            GROUP BY game_id, game_version
        )
    ) AS edge_hours,
edge_minutes AS (
    SELECT game_id, game_version, minute
    FROM spin_minutely
    WHERE minute < window_end
      AND (minute >= end_hour OR has(edge_hours, toStartOfHour(minute)))
      AND ({environment:String} = '' OR environment = {environment:String})
      AND ({game_id:String} = '' OR game_id = {game_id:String})
),

seen AS (
    SELECT game_id, game_version, min(minute) AS first_seen_at, max(minute) AS last_seen_at
    FROM edge_minutes
    GROUP BY game_id, game_version
),

in_range AS (
    SELECT game_id, game_version, sum(spins) AS spins_in_range
    FROM (
        SELECT game_id, game_version, spins
        FROM spin_game_hourly
        WHERE hour >= hours_from AND hour < hours_to
          AND ({environment:String} = '' OR environment = {environment:String})
          AND ({game_id:String} = '' OR game_id = {game_id:String})
        UNION ALL
        SELECT game_id, game_version, spins
        FROM spin_minutely
        WHERE ((minute >= window_start AND minute < hours_from) OR (minute >= hours_to AND minute < window_end))
          AND ({environment:String} = '' OR environment = {environment:String})
          AND ({game_id:String} = '' OR game_id = {game_id:String})
    )
    GROUP BY game_id, game_version
)

SELECT
    s.game_id AS game_id,
    s.game_version AS game_version,
    s.first_seen_at AS first_seen_at,
    s.last_seen_at AS last_seen_at,
    r.spins_in_range AS spins_in_range,
    s.first_seen_at >= window_start AS is_new
FROM seen AS s
LEFT JOIN in_range AS r ON s.game_id = r.game_id AND s.game_version = r.game_version
ORDER BY first_seen_at DESC, game_id, game_version
