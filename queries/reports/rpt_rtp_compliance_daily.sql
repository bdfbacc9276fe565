-- rpt_rtp_compliance_daily: the RTP compliance report's daily sums per game, version, currency and
-- channel over [start, end) (UTC days), from spin_minutely. The report adds days into rolling
-- windows (sums are mergeable) and splits or combines channels itself, so one read feeds both the
-- game version x currency rows and the channel rows. Amounts of different currencies are never added.
-- Settled spins with readable amounts only (status ok, money_error empty): a failed spin moved no
-- money, a malformed one is not a figure. spins_count counts paid and free spins; free spins stake
-- 0 and carry their wins, so win_sum / bet_sum is the RTP of the telemetry spec. Squares and
-- products are exact Decimal(76, 36) (spinscope.rtp.stats.RtpSums).
-- Parameters: start, end (DateTime, UTC midnight, end exclusive), environment ('' = every environment).
WITH
settled AS (
    SELECT
        toDate(minute) AS day,
        game_id,
        game_version,
        currency,
        channel,
        mode,
        spins - money_error_spins AS readable_spins,
        bet_amount,
        win_amount,
        bet_squared_sum,
        win_squared_sum,
        win_bet_sum
    FROM spin_minutely
    WHERE minute >= {start:DateTime} AND minute < {end:DateTime}
      AND status = 'ok'
      AND ({environment:String} = '' OR environment = {environment:String})
)

SELECT
    day,
    game_id,
    game_version,
    currency,
    channel,
    sum(readable_spins) AS spins_count,
    sumIf(readable_spins, mode = 'paid') AS paid_spins_count,
    sum(bet_amount) AS bet_sum,
    sum(win_amount) AS win_sum,
    sum(bet_squared_sum) AS bet_squared,
    sum(win_squared_sum) AS win_squared,
    sum(win_bet_sum) AS win_bet
FROM settled
GROUP BY day, game_id, game_version, currency, channel
HAVING spins_count > 0
ORDER BY day, game_id, game_version, currency, channel
