-- rca_rtp_rounds: per cell (game, version, region, instance, channel, currency) over [start, end),
-- settled spins only: the paid spins and the sum of every spin's win divided by its stake. The
-- input of the fleet-wide RTP root-cause ranking (spinscope.rca.rtp_excess), which compares that
-- sum with theoretical RTP × paid spins. Cells, not segments: the ranking sums them into each
-- segment (attribute = value) and into pairs of segments (nesting, conjunctions), a few thousand
-- rows at most.
-- Why per stake and not per money: stakes span 500× and a few high rollers carry most of Σb², so
-- a bet-weighted sum weighs 750k spins like 100k; a mis-set reel moves every stake's multiplier
-- alike, so counting each spin once (in its own stakes) keeps all the evidence and mixes
-- currencies without converting money. A free spin stakes nothing: its stake is the bet of the
-- paid spin before it in its session, looked up to an hour before the window; a free spin with
-- no such paid spin (or no session id) cannot be weighed and is counted as `unstaked`, as is a
-- paid spin that staked nothing. Wins are divided as Decimal(76, 18): exact for any amount. Amounts are
-- not Nullable past the settled filter, so a cell of unstaked free spins sums to 0, not NULL.
-- Feature and spin mode are not segments: they are outcomes of the spin (a jackpot spin pays more
-- than the RTP by definition; a free spin stakes nothing), so ranking them would explain the
-- payout by itself.
-- Where it reads (cost follows cells and free spins, not spins): paid spins of the window's whole
-- minutes from the rca_rtp_minutely rollup (the same per-spin quotients, summed per minute: exact),
-- the partial minutes at its edges from spins; free spins from spins, only for the games the rollup
-- says have free spins in the window, with the paid spins of their sessions only (a session's stake
-- needs its order, which a per-insert rollup cannot keep).
-- Parameters: start, end (DateTime64(9)), where_keys / where_values (contract attribute names).
WITH
    toStartOfMinute({start:DateTime64(9)}) AS first_minute,
    toDateTime(if(first_minute = {start:DateTime64(9)}, first_minute, first_minute + INTERVAL 1 MINUTE)) AS roll_start,
    toDateTime(toStartOfMinute({end:DateTime64(9)})) AS roll_end,

free_games AS (
    -- the only games whose free spins need their sessions read (free spins exist in a few games only)
    SELECT DISTINCT game_id
    FROM rca_rtp_minutely
    WHERE minute >= toDateTime(first_minute) AND minute < {end:DateTime64(9)} AND free_spins > 0
),

free_sessions AS (
    SELECT cityHash64(player_id, session_id)
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      AND game_id IN free_games AND mode != 'paid'
),

free_stakes AS (
    -- the stake of every free spin of the window: each session's spins in (started_at, spin_id) order,
    -- each free spin paired with the last staked paid spin before it (arrayFill carries it forward).
    -- Narrow on purpose (ids, times, bets): sorting whole rows per session cost twice as much.
    SELECT spin.2 AS spin_id, if(session_id = '' OR NOT before.3, NULL, before.4) AS stake
    FROM (
        SELECT player_id, session_id,
               arraySort(groupArray((started_at, spin_id, mode = 'paid', bet_amount))) AS spins_in_order,
               arrayFill(s -> s.3, spins_in_order) AS last_staked
        FROM spins
        WHERE started_at >= {start:DateTime64(9)} - INTERVAL 1 HOUR AND started_at < {end:DateTime64(9)}
          AND game_id IN free_games
          AND (mode != 'paid' OR bet_amount > 0)  -- the spins that can stake or be weighed
          AND cityHash64(player_id, session_id) IN free_sessions
          AND status = 'ok' AND bet_amount IS NOT NULL AND win_amount IS NOT NULL
        GROUP BY player_id, session_id
        HAVING countIf(mode != 'paid' AND started_at >= {start:DateTime64(9)}) > 0
    )
    ARRAY JOIN spins_in_order AS spin, last_staked AS before
    WHERE NOT spin.3 AND spin.1 >= {start:DateTime64(9)}
),

free_spins AS (
    -- every free spin of the window with its stake (ANY: a spin stored twice, not yet merged, counts twice
    -- in both paths, with the one stake its copies share)
    SELECT started_at, game_id, game_version, region, instance_id, channel, currency, feature, mode, win_amount,
           free_stakes.stake AS stake
    FROM spins
    ANY LEFT JOIN free_stakes ON spins.spin_id = free_stakes.spin_id
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      AND game_id IN free_games AND mode != 'paid'
      AND status = 'ok' AND bet_amount IS NOT NULL AND win_amount IS NOT NULL
),

cells AS (
    -- one row per combination of the dimensions (feature and mode only for the where filter)
    SELECT game_id, game_version, region, instance_id, channel, currency, feature, 'paid' AS mode,
           paid_sum + unstaked_sum AS spins_count, paid_sum AS paid, unstaked_sum AS unstaked, stakes_won_sum AS stakes_won
    FROM (
        SELECT game_id, game_version, region, instance_id, channel, currency, feature,
               sum(paid) AS paid_sum, sum(unstaked) AS unstaked_sum, sum(stakes_won) AS stakes_won_sum
        FROM rca_rtp_minutely
        WHERE minute >= roll_start AND minute < roll_end
        GROUP BY ALL
    )
    WHERE paid_sum + unstaked_sum > 0  -- a cell of free spins only: those are read raw below
    UNION ALL
    SELECT game_id, game_version, region, instance_id, channel, currency, feature, mode,
           count() AS spins_count,
           countIf(bet_amount > 0) AS paid,
           countIf(bet_amount = 0) AS unstaked,
           sumIf(toDecimal256(assumeNotNull(win_amount), 18) / if(bet_amount > 0, assumeNotNull(bet_amount), 1),
                 bet_amount > 0) AS stakes_won
    FROM spins
    WHERE started_at >= {start:DateTime64(9)} AND started_at < {end:DateTime64(9)}
      AND (started_at < roll_start OR started_at >= roll_end)  -- the edges' partial minutes
      AND mode = 'paid' AND status = 'ok' AND bet_amount IS NOT NULL AND win_amount IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT game_id, game_version, region, instance_id, channel, currency, feature, mode,
           count() AS spins_count,
           toUInt64(0) AS paid,
           countIf(stake IS NULL) AS unstaked,
           sumIf(toDecimal256(assumeNotNull(win_amount), 18) / ifNull(stake, 1), stake IS NOT NULL) AS stakes_won
    FROM free_spins
    GROUP BY ALL
)

SELECT
    game_id,
    game_version,
    region,
    instance_id,
    channel,
    currency,
    sum(spins_count) AS spins_count,
    sum(paid) AS paid,
    sum(unstaked) AS unstaked,
    sum(stakes_won) AS stakes_won
FROM cells
WHERE arrayAll((k, v) -> multiIf(
          k = 'slot.game.id', game_id = v,
          k = 'slot.game.version', game_version = v,
          k = 'cloud.region', region = v,
          k = 'service.instance.id', instance_id = v,
          k = 'slot.channel', channel = v,
          k = 'slot.currency', currency = v,
          k = 'slot.feature', feature = v,
          k = 'slot.spin.mode', mode = v,
          0), {where_keys:Array(String)}, {where_values:Array(String)})
GROUP BY game_id, game_version, region, instance_id, channel, currency
ORDER BY game_id, game_version, region, instance_id, channel, currency
