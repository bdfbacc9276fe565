-- rtp_span_reference: the theoretical RTP spans declare (slot.game.rtp) per game and version over
-- [start, end); it overrides the catalog. Several values for one version are reported as such
-- (distinct_values > 1) so the caller can refuse to guess. Read from spin_game_rtp_minutely (the
-- declared values per minute), not from every spin of the window: the minutes counted are those
-- rtp_sums counts (a minute belongs to the window when it starts inside it).
SELECT
    game_id,
    game_version,
    any(rtp) AS declared_rtp,
    uniqExact(rtp) AS distinct_values
FROM (
    SELECT game_id, game_version, declared_rtp AS rtp
    FROM spin_game_rtp_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
)
GROUP BY game_id, game_version
