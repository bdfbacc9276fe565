-- spins_mv: turns `spin` spans arriving in otel_traces into typed spins rows, whichever
-- receiver wrote them (spinscope's own or the OpenTelemetry Collector's exporter).
-- Duplicate gate: a spin whose id is already stored within an hour of this insert's
-- spins is dropped (an exporter retry or a replayed batch repeats the span), and
-- LIMIT 1 BY drops repeats inside one insert. Every downstream view therefore sees
-- each spin once, provided inserts into otel_traces do not run concurrently (spinscope's
-- writer is single-threaded by design); queries over spins may add FINAL to be exact
-- even then. Money: a non-negative decimal with at most 20 integer and 18 fractional
-- digits, else NULL with the reason in money_error. spinscope's receiver also flags
-- money sent as a double (spinscope.money_error), which a string map cannot show.
CREATE MATERIALIZED VIEW IF NOT EXISTS $db.$table $on_cluster
TO $db.spins$local
AS WITH
    '^[0-9]{1,20}([.][0-9]{1,18})?$$' AS money_pattern,
    SpanAttributes['slot.bet.amount'] AS bet_raw,
    SpanAttributes['slot.win.amount'] AS win_raw,
    multiIf(
        SpanAttributes['spinscope.money_error'] != '', SpanAttributes['spinscope.money_error'],
        NOT mapContains(SpanAttributes, 'slot.bet.amount'), 'slot.bet.amount is missing',
        NOT match(bet_raw, money_pattern), concat('slot.bet.amount is not a decimal amount: ', left(bet_raw, 64)),
        NOT mapContains(SpanAttributes, 'slot.win.amount'), 'slot.win.amount is missing',
        NOT match(win_raw, money_pattern), concat('slot.win.amount is not a decimal amount: ', left(win_raw, 64)),
        ''
    ) AS money_problem
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
    if(money_problem = '', toDecimal128OrNull(bet_raw, 18), NULL) AS bet_amount,
    if(money_problem = '', toDecimal128OrNull(win_raw, 18), NULL) AS win_amount,
    money_problem AS money_error
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
