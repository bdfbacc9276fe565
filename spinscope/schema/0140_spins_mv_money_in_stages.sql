-- spins_mv, same rows as 0031 for less work per insert (issue 17's ingest budget). 0031 parsed both
-- amounts with a chain of aliases in one SELECT; every use of an alias repeats the expression behind it
-- down to the map lookup, and the engine analyses the whole tree again on every insert, whatever its
-- size: 0031's query took ~140 ms on a 10-span block, ~35 ms of it without the money columns. Here each
-- step of the parse is one subquery level reading the columns of the level below (the steps are
-- fragments.MONEY_STAGES, 0031's expressions): ~100 ms on the same block; per insert into otel_traces
-- (all views, one process, interleaved) 284 -> 258 ms for 10 spans and 603 -> 559 ms for 20,000.
-- Semantics unchanged: the duplicate gate (0011), the exact parse of every decimal literal form, the
-- checks in the same order with the same reasons, the currency's scale from the newest currency_scales.
-- Replaced in one statement (as 0031).
ALTER TABLE $db.spins_mv $on_cluster MODIFY QUERY
SELECT
    spin_id, started_at, trace_id, span_id, service_name, service_version, environment, region, instance_id,
    game_id, game_version, game_rtp, mode, feature, currency, player_id, session_id, channel, status,
    error_type, duration_ns,
    [NULL, toDecimal128OrNull(bet_plain, 18)][1 + (money_problem = '')] AS bet_amount,
    [NULL, toDecimal128OrNull(win_plain, 18)][1 + (money_problem = '')] AS win_amount,
    money_problem AS money_error
FROM (
    SELECT *, arrayFirst(problem -> problem != '', [flagged_problem, bet_problem, win_problem]) AS money_problem
    FROM (
    SELECT *, $money_stage_6
    FROM (
    SELECT *, $money_stage_5
    FROM (
    SELECT *, $money_stage_4
    FROM (
    SELECT *, $money_stage_3
    FROM (
    SELECT *, $money_stage_2
    FROM (
        WITH
            '^[+]?([0-9]*)(?:[.]([0-9]*))?(?:[eE]([+-]?[0-9]+))?$$' AS literal_pattern,
            (
                SELECT (groupArray(currency), groupArray(scale))
                FROM $db.currency_scales
                WHERE version = (SELECT max(version) FROM $db.currency_scales)
            ) AS scale_table
        SELECT
            SpanAttributes['slot.spin.id'] AS spin_id,
            Timestamp AS started_at,
            TraceId AS trace_id,
            SpanId AS span_id,
            ServiceName AS service_name,
            ResourceAttributes['service.version'] AS service_version,
            ResourceAttributes['deployment.environment.name'] AS environment,
            ResourceAttributes['cloud.region'] AS region,
            ResourceAttributes['service.instance.id'] AS instance_id,
            SpanAttributes['slot.game.id'] AS game_id,
            SpanAttributes['slot.game.version'] AS game_version,
            toDecimal64OrNull(SpanAttributes['slot.game.rtp'], 10) AS game_rtp,
            SpanAttributes['slot.spin.mode'] AS mode,
            if(SpanAttributes['slot.feature'] = '', 'none', SpanAttributes['slot.feature']) AS feature,
            SpanAttributes['slot.currency'] AS currency,
            SpanAttributes['slot.player.id'] AS player_id,
            SpanAttributes['slot.session.id'] AS session_id,
            SpanAttributes['slot.channel'] AS channel,
            if(StatusCode = 'Error', 'error', 'ok') AS status,
            SpanAttributes['error.type'] AS error_type,
            Duration AS duration_ns,
            -- the currency's scale (18 for one currency_scales does not list) and its name in a reason
            indexOf(scale_table.1, currency) AS currency_index,
            if(currency_index > 0, toUInt8(scale_table.2[currency_index]), toUInt8(18)) AS currency_scale,
            if(currency_index > 0, currency, concat('unlisted currency "', left(currency, 32), '"')) AS currency_label,
            -- spinscope's receiver flags money sent as a double, which a string map cannot show
            SpanAttributes['spinscope.money_error'] AS flagged_problem,
            $money_stage_1
        FROM $db.otel_traces$local
        WHERE SpanName = 'spin'
          AND SpanAttributes['slot.spin.id'] != ''
          AND SpanAttributes['slot.spin.id'] NOT IN (
              SELECT spin_id
              FROM $db.spins$local
              WHERE started_at >= (SELECT min(Timestamp) FROM $db.otel_traces$local WHERE SpanName = 'spin') - INTERVAL 1 HOUR
                AND started_at <= (SELECT max(Timestamp) FROM $db.otel_traces$local WHERE SpanName = 'spin') + INTERVAL 1 HOUR
                AND spin_id IN (SELECT SpanAttributes['slot.spin.id'] FROM $db.otel_traces$local WHERE SpanName = 'spin')
          )
        LIMIT 1 BY spin_id
    ))))))
)
