-- rca_window_spins: how many spins a window holds (from the rollup, so it is instant); the RCA
-- sizes its trace sample from it. Parameters: start, end (DateTime).
SELECT sum(spins) AS spins_count
FROM spin_minutely
WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
