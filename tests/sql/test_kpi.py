"""Known-answer tests for rpt_kpi: expected figures computed here, independently, from the spins inserted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from spinscope.queries.loader import run
from tests.sql.spans import Spin, insert_spins

DAY = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)


def kpi(client, **kw):  # type: ignore[no-untyped-def]
    params = {
        "start": DAY - timedelta(days=7),
        "end": DAY + timedelta(days=2),
        "grain": "day",
        "by_game": 1,
        "by_version": 1,
        **kw,
    }
    return run(client, "reports/rpt_kpi", **params)


def test_daily_kpis_per_game_version_and_currency_to_the_last_digit(store_client) -> None:  # type: ignore[no-untyped-def]
    t = DAY + timedelta(hours=10)
    # ETH has 18 fractional digits; XTS (ISO 4217's code for tests) is not in the currency table, so 18 too
    spins = [
        Spin("a", t, bet="1.25", win="0", player_id="p1", session_id="s1", duration_ms=80, currency="ETH"),
        Spin(
            "b",
            t + timedelta(minutes=1),
            bet="2.50",
            win="10.000000000000000001",
            player_id="p1",
            session_id="s1",
            duration_ms=120,
            feature="free_spins",
            currency="ETH",
        ),
        Spin(
            "c",
            t + timedelta(minutes=2),
            bet="0",
            win="3.75",
            mode="free",
            player_id="p1",
            session_id="s1",
            currency="ETH",
        ),
        Spin(
            "d",
            t + timedelta(minutes=3),
            bet="0.25",
            win="0",
            player_id="p2",
            session_id="s2",
            error_type="wallet_timeout",
            duration_ms=900,
            currency="ETH",
        ),
        Spin("e", t, bet="99999999999999", win="12345678901234.5", currency="XTS", player_id="p3", session_id="s3"),
        Spin("f", t, bet="x", win="0", player_id="p4", session_id="s4", currency="ETH"),  # malformed money
        Spin("a", t, bet="1.25", win="0", currency="ETH"),  # duplicate of a: counts once
    ]
    insert_spins(store_client, spins)
    rows = {(r["currency"]): r for r in kpi(store_client)}
    eur = rows["ETH"]
    handle = Decimal("1.25") + Decimal("2.50") + Decimal("0")  # d failed: no money moved; f is malformed
    wins = Decimal("10.000000000000000001") + Decimal("3.75")
    assert (eur["period_start"], eur["game_id"], eur["game_version"]) == (DAY.date(), "fortune-tiger", "1.4.2")
    assert (eur["spins"], eur["paid_spins"], eur["free_spins"]) == (5, 4, 1)
    assert eur["handle_amount"] == handle
    assert eur["win_amount"] == wins
    assert eur["ggr_amount"] == handle - wins
    assert eur["rtp_ratio"] == (wins / handle).quantize(Decimal("1e-18"), rounding="ROUND_DOWN")
    assert eur["hold_ratio"] == ((handle - wins) / handle).quantize(Decimal("1e-18"), rounding="ROUND_DOWN")
    assert eur["hit_frequency_ratio"] == 1 / 2  # settled paid spins a and b; b won
    assert eur["average_bet_amount"] == handle / 2
    assert eur["active_players"] == 3  # p1, p2, p4
    assert eur["spins_per_session"] == 5 / 3
    assert eur["error_rate_ratio"] == 1 / 5
    assert eur["money_error_spins"] == 1
    # durations 80, 120, 100, 900, 100 ms; quantiles come from bfloat16 histograms (~0.4 % relative error)
    assert abs(eur["latency_p50_ms"] - 100) <= 0.5
    krw = rows["XTS"]
    expected_rtp = (Decimal("12345678901234.5") / Decimal("99999999999999")).quantize(
        Decimal("1e-18"), rounding="ROUND_DOWN"
    )
    assert (krw["spins"], krw["handle_amount"], krw["win_amount"], krw["rtp_ratio"]) == (
        1,
        Decimal("99999999999999"),
        Decimal("12345678901234.5"),
        expected_rtp,
    )


def test_weekly_grain_starts_monday_and_merges_days(store_client) -> None:  # type: ignore[no-untyped-def]
    monday = DAY - timedelta(days=DAY.weekday())
    insert_spins(
        store_client,
        [
            Spin("x", monday + timedelta(hours=1), bet="1"),
            Spin("y", monday + timedelta(days=1, hours=1), bet="2", win="4"),
        ],
    )
    rows = kpi(store_client, grain="week", by_game=0, by_version=0, start=monday, end=monday + timedelta(days=7))
    assert len(rows) == 1
    row = rows[0]
    assert (row["period_start"], row["period_end"]) == (monday.date(), (monday + timedelta(days=6)).date())
    assert (row["game_id"], row["game_version"], row["spins"], row["handle_amount"], row["rtp_ratio"]) == (
        "*",
        "*",
        2,
        Decimal(3),
        Decimal("1.333333333333333333"),
    )


def test_empty_window_returns_no_rows(store_client) -> None:  # type: ignore[no-untyped-def]
    assert kpi(store_client) == []
