-- rtp_span_reference: the theoretical RTP spans declare (slot.game.rtp) per game and version over
-- [start, end); it overrides the catalog. Several values for one version are reported as such
-- (distinct_values > 1) so the caller can refuse to guess.
SELECT
    game_id,
    game_version,
    any(game_rtp) AS declared_rtp,
    uniqExact(game_rtp) AS distinct_values
FROM spins
WHERE started_at >= {start:DateTime} AND started_at < {end:DateTime}
  AND game_rtp IS NOT NULL
GROUP BY game_id, game_version
