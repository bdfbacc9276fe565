"""The demo history loader on the real engine: what lands in otel_traces, spins and otel_logs.

Expected figures are recomputed here from the generator's own output (integer minor
units, summed with Decimal), never read back from the loader.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import numpy as np
import orjson

from spinscope.sim.demo import generate_history, has_spins, load_history, plan_history
from spinscope.sim.rows import SpinText, spin_span_columns

END_NS = 1_795_000_000 * 10**9  # a fixed "now", so the expected rows are reproducible
SMALL = {"days": 1, "spins_per_day": 20_000, "seed": 5, "end": END_NS, "chunk_spins": 5_000}


def expected_totals(**kwargs) -> tuple[int, dict[str, tuple[Decimal, Decimal]], int]:  # type: ignore[no-untyped-def]
    """Spin count, per-currency (Σbet, Σwin) and error count, from the generator itself."""
    plan = plan_history(**kwargs)
    bet: dict[str, int] = defaultdict(int)
    win: dict[str, int] = defaultdict(int)
    count = errors = 0
    for generator, spins, _ in generate_history(plan):
        count += len(spins)
        errors += int((spins.error > 0).sum())
        for i, currency in enumerate(generator.topology.currencies):
            sel = spins.currency == i
            bet[currency.code] += int(spins.bet_minor[sel].sum())
            win[currency.code] += int(spins.win_minor[sel].sum())
    scale = {c.code: Decimal(10) ** -c.decimals for c in generator.topology.currencies}
    return count, {c: (bet[c] * scale[c], win[c] * scale[c]) for c in bet if bet[c] or win[c]}, errors


def test_history_lands_as_spins_with_exact_money_per_currency(store, store_client) -> None:  # type: ignore[no-untyped-def]
    assert not has_spins(store)
    seen = []
    result = load_history(store, progress=lambda done, total: seen.append((done, total)), **SMALL)
    count, totals, errors = expected_totals(**SMALL)
    assert result.spins == count and 15_000 < count < 25_000
    assert seen[-1] == (count, count)
    assert has_spins(store)

    stored = store_client.query(
        "SELECT currency, count(), sum(bet_amount), sum(win_amount), countIf(status = 'error') "
        "FROM spins FINAL GROUP BY currency ORDER BY currency"
    ).result_rows
    assert {r[0]: (r[2], r[3]) for r in stored} == totals
    assert sum(r[1] for r in stored) == count
    assert sum(r[4] for r in stored) == errors
    assert {r[0] for r in stored} == {"BTC", "EUR", "KRW", "USD"}

    rows = store_client.query(
        "SELECT min(started_at), max(started_at), countIf(money_error != ''), "
        "countIf(mode = 'free' AND bet_amount != 0), countIf(mode = 'free'), uniqExact(spin_id), "
        "uniqExact(region), uniqExact(instance_id), "
        "uniqExact(game_id), uniqExact(channel) FROM spins"
    ).result_rows[0]
    first, last, money_errors, free_with_bet, free, unique, regions, instances, games, channels = rows
    assert first.timestamp() >= (END_NS - 86400 * 10**9) / 1e9 and last.timestamp() < END_NS / 1e9
    assert (money_errors, free_with_bet, unique) == (0, 0, count)
    assert free > 0 and (regions, instances, games, channels) == (3, 7, 4, 3)


def test_history_amount_text_follows_each_currency_precision(store, store_client) -> None:  # type: ignore[no-untyped-def]
    load_history(store, **SMALL)
    rows = store_client.query(
        "SELECT SpanAttributes['slot.currency'] AS c, SpanAttributes['slot.spin.mode'] AS m, "
        "groupUniqArray(length(splitByChar('.', SpanAttributes['slot.bet.amount'])[2])), "
        "groupUniqArray(length(splitByChar('.', SpanAttributes['slot.win.amount'])[2])), "
        "groupUniqArray(if(m = 'free', SpanAttributes['slot.bet.amount'], '')) "
        "FROM otel_traces WHERE SpanName = 'spin' GROUP BY c, m ORDER BY c, m"
    ).result_rows
    places = {"BTC": 8, "EUR": 2, "KRW": 0, "USD": 2}
    for currency, mode, bet_places, win_places, free_bets in rows:
        assert win_places == [places[currency]], currency
        if mode == "paid":
            assert bet_places == [places[currency]]
        else:
            assert free_bets == ["0"]


def test_children_and_logs_are_correlated_with_their_spin(store, store_client) -> None:  # type: ignore[no-untyped-def]
    load_history(store, detail_hours=6, detail_sample=1.0, **SMALL)
    orphans = store_client.command(
        "SELECT count() FROM otel_traces c LEFT ANTI JOIN (SELECT TraceId, SpanId FROM otel_traces "
        "WHERE SpanName = 'spin') p ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId "
        "WHERE c.SpanName != 'spin'"
    )
    assert orphans == 0
    children = dict(
        store_client.query(
            "SELECT SpanName, count() FROM otel_traces WHERE SpanName != 'spin' GROUP BY SpanName"
        ).result_rows
    )
    common = {"wallet.debit", "rng.draw", "reels.evaluate", "wallet.credit", "state.save"}
    assert common <= set(children) <= common | {"feature.evaluate"}  # features are rare in these games
    # With every spin detailed, each failed spin has its failing step and an ERROR log.
    failed = store_client.query(
        "SELECT s.error_type, c.SpanName, c.SpanAttributes['error.type'], l.SeverityText FROM spins s "
        "LEFT JOIN (SELECT TraceId, SpanName, SpanAttributes FROM otel_traces WHERE StatusCode = 'Error' "
        "AND SpanName != 'spin') c ON c.TraceId = s.trace_id "
        "LEFT JOIN otel_logs l ON l.TraceId = s.trace_id AND l.SpanId = s.span_id WHERE s.status = 'error'"
    ).result_rows
    assert failed
    step_of = {"wallet_timeout": "wallet.debit", "rng_unavailable": "rng.draw", "state_save_timeout": "state.save"}
    for error_type, step, step_error, severity in failed:
        assert (step, step_error, severity) == (step_of[error_type], error_type, "ERROR")


def test_same_seed_gives_identical_rows() -> None:
    def rows(seed: int) -> bytes:
        plan = plan_history(**{**SMALL, "seed": seed, "days": 0.25})
        out = []
        text = None
        for generator, spins, ids in generate_history(plan):
            text = text or SpinText(generator)
            out.append(orjson.dumps(list(spin_span_columns(text, spins, ids).values())))
        return b"".join(out)

    assert rows(5) == rows(5)
    assert rows(5) != rows(6)


def test_wallet_error_burst_lands_on_the_manifest_provider(store, store_client) -> None:  # type: ignore[no-untyped-def]
    result = load_history(store, scenario="wallet-error-burst", detail_sample=1.0, **{**SMALL, "spins_per_day": 40_000})
    [fault] = result.manifest["faults"]
    assert fault["where"] == {"wallet.provider": "walletly"}
    by_provider = Counter(
        dict(
            store_client.query(
                "SELECT c.SpanAttributes['wallet.provider'] AS provider, count() FROM spins s "
                "JOIN otel_traces c ON c.TraceId = s.trace_id "
                "AND c.SpanName = 'wallet.debit' AND c.StatusCode = 'Error' "
                "WHERE s.error_type = 'wallet_timeout' AND s.started_at >= fromUnixTimestamp64Nano({a:Int64}) "
                "AND s.started_at < fromUnixTimestamp64Nano({b:Int64}) GROUP BY provider",
                parameters={"a": fault["start_ns"], "b": fault["end_ns"]},
            ).result_rows
        )
    )
    total = sum(by_provider.values())
    assert total > 100 and by_provider["walletly"] / total > 0.97
    outside = store_client.command(
        "SELECT countIf(error_type = 'wallet_timeout') / count() FROM spins "
        "WHERE started_at < fromUnixTimestamp64Nano({a:Int64})",
        parameters={"a": fault["start_ns"]},
    )
    assert float(outside) < 0.01
    assert np.isclose(fault["effects"]["error_rate"], 0.4)
