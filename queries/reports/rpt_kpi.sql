-- rpt_kpi: slot KPIs per day or ISO week (Monday start, UTC), per currency (amounts are never
-- added across currencies), optionally per game and per game version ('*' when not split).
-- Everything is a ratio of sums over the spin rollups: whole UTC days from spin_game_daily (the
-- dimensions this report splits by, no region, instance, channel or feature), the minutes of partial
-- days at the window's edges from spin_minutely (the figures are spin_minutely's; a week merges ~3,000x
-- fewer distinct-count and latency states than at minute grain, ~12x fewer than spin_daily). Money figures
-- count settled spins only: status ok and well-formed amounts (a failed spin moved no money;
-- a malformed one is counted in money_error_spins instead):
--   handle = sum of bets (free spins stake 0), RTP = wins / handle, GGR = handle - wins,
--   hold = GGR / handle, hit frequency = settled paid spins with a win / settled paid spins,
--   average bet = handle / settled paid spins, ARPU = GGR / active players,
--   spins per session = spins / distinct sessions, error rate = error spins / spins.
-- Money stays Decimal(38, 18); ratios of money divide in Decimal256 (scale 18, truncated),
-- because Decimal128 division overflows silently past ~10^2 at scale 18. Latency quantiles are bfloat16-histogram estimates (deterministic, ~0.4 % relative error) in ms.
-- Parameters: start, end (DateTime, UTC, end exclusive), grain ('day' | 'week'),
-- by_game, by_version (UInt8 flags).
WITH
    {start:DateTime} AS window_start,
    {end:DateTime} AS window_end,
    toDate(window_start) AS start_day,
    if(toDateTime(start_day) = window_start, start_day, start_day + 1) AS first_whole_day,
    toDate(window_end) AS end_day,
    first_whole_day < end_day AS reads_days,
    if(reads_days, toDateTime(first_whole_day), window_end) AS days_from,
    if(reads_days, toDateTime(end_day), window_end) AS days_to,
source AS (
    SELECT
        toDateTime(day) AS minute, game_id, game_version, currency, mode, status, spins, hit_spins, money_error_spins,
        bet_amount, win_amount, players, sessions, latency_ns_bf16
    FROM spin_game_daily
    WHERE day >= toDate(days_from) AND day < toDate(days_to)
    UNION ALL
    SELECT
        minute, game_id, game_version, currency, mode, status, spins, hit_spins, money_error_spins,
        bet_amount, win_amount, players, sessions, latency_ns_bf16
    FROM spin_minutely
    WHERE (minute >= window_start AND minute < days_from) OR (minute >= days_to AND minute < window_end)
),

rollup AS (
    SELECT
        if({grain:String} = 'week', toMonday(minute), toDate(minute)) AS period_start,
        if({by_game:UInt8} = 1, game_id, '*') AS game,
        if({by_game:UInt8} = 1 AND {by_version:UInt8} = 1, game_version, '*') AS version,
        currency AS currency_code,
        mode, status, spins, hit_spins, money_error_spins, bet_amount, win_amount, players, sessions,
        latency_ns_bf16
    FROM source
),

sums AS (
    SELECT
        period_start,
        game,
        version,
        currency_code,
        sum(spins) AS spins_count,
        sumIf(spins, mode = 'paid') AS paid_spins_count,
        sumIf(spins, mode = 'free') AS free_spins_count,
        sumIf(spins - money_error_spins, mode = 'paid' AND status = 'ok') AS settled_paid_spins_count,
        sumIf(hit_spins, mode = 'paid' AND status = 'ok') AS paid_hits_count,
        sumIf(spins, status = 'error') AS error_spins_count,
        sum(money_error_spins) AS money_error_spins_count,
        sumIf(bet_amount, status = 'ok') AS handle,
        sumIf(win_amount, status = 'ok') AS wins,
        uniqExactMerge(players) AS active_players_count,
        uniqExactMerge(sessions) AS sessions_count,
        quantilesBFloat16Merge(0.5, 0.95, 0.99)(latency_ns_bf16) AS latency_ns
    FROM rollup
    GROUP BY period_start, game, version, currency_code
)

SELECT
    period_start,
    if({grain:String} = 'week', period_start + 6, period_start) AS period_end,
    game AS game_id,
    version AS game_version,
    currency_code AS currency,
    spins_count AS spins,
    paid_spins_count AS paid_spins,
    free_spins_count AS free_spins,
    handle AS handle_amount,
    wins AS win_amount,
    handle - wins AS ggr_amount,
    if(handle = 0, NULL, toDecimal256(handle - wins, 18) / handle) AS hold_ratio,
    if(handle = 0, NULL, toDecimal256(wins, 18) / handle) AS rtp_ratio,
    if(settled_paid_spins_count = 0, NULL, paid_hits_count / settled_paid_spins_count) AS hit_frequency_ratio,
    if(settled_paid_spins_count = 0, NULL, toDecimal256(handle, 18) / settled_paid_spins_count) AS average_bet_amount,
    active_players_count AS active_players,
    if(active_players_count = 0, NULL, toDecimal256(handle - wins, 18) / active_players_count) AS arpu_amount,
    if(sessions_count = 0, NULL, spins_count / sessions_count) AS spins_per_session,
    round(latency_ns[1] / 1e6, 3) AS latency_p50_ms,
    round(latency_ns[2] / 1e6, 3) AS latency_p95_ms,
    round(latency_ns[3] / 1e6, 3) AS latency_p99_ms,
    if(spins_count = 0, NULL, error_spins_count / spins_count) AS error_rate_ratio,
    money_error_spins_count AS money_error_spins
FROM sums
ORDER BY period_start, game_id, game_version, currency
