-- rpt_rtp_compliance_stakes: the RTP compliance report's daily sums per game, version, currency and
-- stake over [start, end) (UTC days), for the split by stake band (the report bins stakes into the
-- configured bands; a stake ladder has few distinct values, so grouping by the exact stake is small).
-- A paid spin's stake is its bet. A free spin stakes nothing: its wins belong to the stake of the
-- paid spin that led to it, taken as the last paid spin of its session in the same game version and
-- currency (a session may hold several), looked up to an hour before the window as rca_rtp_rounds
-- does; a free spin with no such spin, or no session id, has a NULL stake (the `unattributed` band). Free spins add their wins and win squares, and nothing
-- to the bet sums, exactly as in spin_minutely, so the sums are those of the daily model split by stake.
-- Reads spins, not the minute rollup (the rollup keeps no stake): settled spins with readable amounts.
-- Parameters: start, end (DateTime, UTC midnight, end exclusive), environment ('' = every environment).
WITH
free_spins AS (
    SELECT *
    FROM (
        SELECT
            started_at, game_id, game_version, currency, mode, win_amount,
            if(session_id = '', NULL, last_value(if(mode = 'paid' AND bet_amount > 0, bet_amount, NULL))
                IGNORE NULLS OVER (PARTITION BY player_id, session_id, game_id, game_version, currency
                                   ORDER BY started_at, spin_id
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS stake
        FROM spins
        WHERE started_at >= {start:DateTime} - INTERVAL 1 HOUR AND started_at < {end:DateTime}
          AND (player_id, session_id) IN (
              SELECT player_id, session_id FROM spins
              WHERE started_at >= {start:DateTime} AND started_at < {end:DateTime} AND mode != 'paid')
          AND status = 'ok' AND bet_amount IS NOT NULL AND win_amount IS NOT NULL
          AND ({environment:String} = '' OR environment = {environment:String})
    )
    WHERE mode != 'paid' AND started_at >= {start:DateTime}
),

cells AS (
    SELECT
        toDate(started_at) AS day, game_id, game_version, currency, CAST(bet_amount, 'Nullable(Decimal(38, 18))') AS stake,
        count() AS spins_count,
        count() AS paid_spins_count,
        sum(bet_amount) AS bet_sum,
        sum(win_amount) AS win_sum,
        sum(toDecimal256(bet_amount, 18) * toDecimal256(bet_amount, 18)) AS bet_squared,
        sum(toDecimal256(win_amount, 18) * toDecimal256(win_amount, 18)) AS win_squared,
        sum(toDecimal256(win_amount, 18) * toDecimal256(bet_amount, 18)) AS win_bet
    FROM spins
    WHERE started_at >= {start:DateTime} AND started_at < {end:DateTime}
      AND mode = 'paid' AND status = 'ok' AND bet_amount IS NOT NULL AND win_amount IS NOT NULL
      AND ({environment:String} = '' OR environment = {environment:String})
    GROUP BY day, game_id, game_version, currency, stake
    UNION ALL
    SELECT
        toDate(started_at) AS day, game_id, game_version, currency, CAST(stake, 'Nullable(Decimal(38, 18))') AS stake,
        count() AS spins_count,
        toUInt64(0) AS paid_spins_count,
        toDecimal128(0, 18) AS bet_sum,
        sum(win_amount) AS win_sum,
        toDecimal256(0, 36) AS bet_squared,
        sum(toDecimal256(win_amount, 18) * toDecimal256(win_amount, 18)) AS win_squared,
        toDecimal256(0, 36) AS win_bet
    FROM free_spins
    GROUP BY day, game_id, game_version, currency, stake
)

SELECT
    day,
    game_id,
    game_version,
    currency,
    stake,
    sum(spins_count) AS spins_count,
    sum(paid_spins_count) AS paid_spins_count,
    sum(bet_sum) AS bet_sum,
    sum(win_sum) AS win_sum,
    sum(bet_squared) AS bet_squared,
    sum(win_squared) AS win_squared,
    sum(win_bet) AS win_bet
FROM cells
GROUP BY day, game_id, game_version, currency, stake
ORDER BY day, game_id, game_version, currency, stake
