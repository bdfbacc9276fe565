"""The player population, money formatting and the spin generator (pure: no store, no sockets)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from spinscope.sim.currencies import BET_UNIT_MULTIPLE, CURRENCIES, Currency, format_column, format_minor
from spinscope.sim.games import GAMES
from spinscope.sim.population import Topology, diurnal, draw_players
from spinscope.sim.rows import SpinText, rtp_text
from spinscope.sim.spins import NS, SpinGenerator
from spinscope.sim.steps import spin_logs, spin_steps

CONTRACT_KEYS = {
    "slot.spin.id",
    "slot.game.id",
    "slot.game.version",
    "slot.game.rtp",
    "slot.bet.amount",
    "slot.win.amount",
    "slot.currency",
    "slot.spin.mode",
    "slot.feature",
    "slot.player.id",
    "slot.session.id",
    "slot.channel",
}
HOUR = 3600 * NS


def test_amounts_are_written_in_the_currency_precision() -> None:
    assert [format_minor(125, 2), format_minor(5, 2), format_minor(0, 2)] == ["1.25", "0.05", "0.00"]
    assert [format_minor(2000, 0), format_minor(0, 0)] == ["2000", "0"]
    assert [format_minor(2000, 8), format_minor(123_456_789, 8)] == ["0.00002000", "1.23456789"]
    assert {c.code: c.decimals for c in CURRENCIES.values()} == {"EUR": 2, "USD": 2, "KRW": 0, "BTC": 8}


def test_format_column_writes_a_bare_zero_stake_for_free_spins() -> None:
    minor = np.array([125, 125, 3000, 0])
    decimals = np.array([2, 2, 0, 8])
    free = np.array([False, True, False, False])
    assert format_column(minor, decimals, zero_free=free) == ["1.25", "0", "3000", "0.00000000"]


def test_bet_levels_price_every_game_exactly() -> None:
    for game in GAMES.values():
        assert BET_UNIT_MULTIPLE % game.bet_credits == 0, game.id
    with pytest.raises(ValueError, match="multiples of 20"):
        Currency("XXX", 2, (25,))


def test_players_are_reproducible_and_providers_cut_across_currencies() -> None:
    topo = Topology()
    a = draw_players(topo, 5000, np.random.default_rng(7))
    b = draw_players(topo, 5000, np.random.default_rng(7))
    for f in fields(a):
        assert np.array_equal(getattr(a, f.name), getattr(b, f.name)), f.name
    walletly = topo.wallet_providers.index("walletly")
    currencies = {topo.currencies[c].code for c in np.unique(a.currency[a.wallet == walletly])}
    assert currencies == {"EUR", "USD"}
    assert len(set(a.ids.tolist())) == 5000


def test_diurnal_curve_averages_one_over_a_day() -> None:
    hours = np.arange(0, 24, 0.01)
    assert diurnal(hours).mean() == pytest.approx(1.0, abs=1e-9)
    assert diurnal(np.array([21.0]))[0] > 1.5 > 0.5 > diurnal(np.array([9.0]))[0]


def test_rtp_text_keeps_at_least_four_places() -> None:
    from fractions import Fraction

    assert rtp_text(Fraction(965, 1000)) == "0.9650"
    assert rtp_text(Fraction(1, 3)) == "0.3333333333"


def _run(seed: int, run_id: int = 0, hours: int = 2, rate: float = 40.0):  # type: ignore[no-untyped-def]
    gen = SpinGenerator(rate, seed=seed, n_players=2000, run_id=run_id)
    return gen, [gen.window(h * HOUR, (h + 1) * HOUR) for h in range(hours)]


def test_same_seed_gives_identical_spins_and_ids() -> None:
    _, a = _run(3)
    _, b = _run(3)
    for (sa, ia), (sb, ib) in zip(a, b, strict=True):
        for f in fields(sa):
            assert np.array_equal(getattr(sa, f.name), getattr(sb, f.name)), f.name
        assert (ia.trace_id, ia.span_id, ia.spin_id) == (ib.trace_id, ib.span_id, ib.spin_id)
    _, c = _run(3, run_id=1)
    assert c[0][1].spin_id[:10] != a[0][1].spin_id[:10]


def test_windows_hold_exactly_their_spins_in_time_order() -> None:
    gen, windows = _run(5, hours=3)
    for h, (spins, ids) in enumerate(windows):
        assert len(spins) > 1000
        assert np.all(np.diff(spins.ts_ns) >= 0)
        assert spins.ts_ns.min() >= h * HOUR and spins.ts_ns.max() < (h + 1) * HOUR
        assert len(set(ids.spin_id)) == len(spins)
    with pytest.raises(ValueError, match="consecutive"):
        gen.window(10 * HOUR, 11 * HOUR)


def test_money_is_exact_and_free_spins_stake_nothing() -> None:
    gen, windows = _run(11, hours=4, rate=100)
    spins, _ = windows[-1]
    assert spins.is_free.any(), "the games award free spins"
    assert np.all(spins.bet_minor[spins.is_free] == 0)
    assert np.all(spins.bet_minor[~spins.is_free] == spins.stake_minor[~spins.is_free])
    assert np.all(spins.stake_minor % BET_UNIT_MULTIPLE == 0)
    failed = spins.error > 0
    assert failed.any()
    assert not (failed & spins.is_free).any() and np.all(spins.win_minor[failed] == 0)
    levels = {c.code: set(c.bet_levels) for c in gen.topology.currencies}
    for cur in np.unique(spins.currency):
        code = gen.topology.currencies[cur].code
        assert set(np.unique(spins.stake_minor[spins.currency == cur]).tolist()) <= levels[code]


def test_observed_rtp_is_near_theory_per_game() -> None:
    gen = SpinGenerator(50, seed=2, n_players=3000)
    spins, _ = gen.window(0, 4 * HOUR)
    lucky = gen.topology.game_ids.index("lucky-sevens")
    sel = spins.game == lucky
    units = spins.stake_minor[sel]
    rtp = spins.win_minor[sel].sum() / spins.bet_minor[sel].sum()
    theory = float(GAMES["lucky-sevens"].theory().rtp)
    rounds = int((~spins.is_free[sel]).sum())
    assert abs(rtp - theory) < 5 * GAMES["lucky-sevens"].theory().std_dev * units.max() / units.mean() / rounds**0.5


def test_span_attributes_are_exactly_the_contract() -> None:
    gen, windows = _run(4)
    spins, ids = windows[1]
    attrs = SpinText(gen).attributes(spins, ids)
    for spin_attrs, err in zip(attrs, spins.error.tolist(), strict=True):
        expected = CONTRACT_KEYS | ({"error.type"} if err else set())
        assert set(spin_attrs) == expected
    decimals = {"EUR": 2, "USD": 2, "KRW": 0, "BTC": 8}
    for a in attrs:
        places = decimals[a["slot.currency"]]
        for key in ("slot.bet.amount", "slot.win.amount"):
            value = a[key]
            if key == "slot.bet.amount" and a["slot.spin.mode"] == "free":
                assert value == "0"
            elif places:
                assert len(value.partition(".")[2]) == places, (key, value)
            else:
                assert "." not in value
    assert {a["slot.spin.mode"] for a in attrs} == {"paid", "free"}


def test_steps_follow_the_spin_and_stop_at_the_failure() -> None:
    paid = [s.name for s in spin_steps(100_000_000, False, "bonus", True, "", "paynova")]
    assert paid == ["wallet.debit", "rng.draw", "reels.evaluate", "feature.evaluate", "wallet.credit", "state.save"]
    free = [s.name for s in spin_steps(100_000_000, True, "none", False, "", "paynova")]
    assert free == ["rng.draw", "reels.evaluate", "state.save"]
    failed = spin_steps(2_000_000_000, False, "none", False, "wallet_timeout", "walletly")
    assert [(s.name, s.error_type, s.attributes["wallet.provider"]) for s in failed] == [
        ("wallet.debit", "wallet_timeout", "walletly")
    ]
    for step in spin_steps(100_000_000, False, "bonus", True, "", "kpay"):
        assert step.offset_ns >= 0 and step.offset_ns + step.duration_ns <= 100_000_000
    assert spin_steps(100_000_000, False, "none", False, "", "kpay")[-1].attributes == {"db.system.name": "postgresql"}


def test_logs_say_what_happened_to_the_spin() -> None:
    [error] = spin_logs("s1", 2_000_000_000, "wallet_timeout", "walletly", 100, 0, "0.00", "EUR", "mega-vault")
    assert (error.severity_text, error.attributes) == (
        "ERROR",
        {"slot.spin.id": "s1", "error.type": "wallet_timeout", "wallet.provider": "walletly"},
    )
    [big] = spin_logs("s2", 50_000_000, "", "paynova", 100, 6000, "60.00", "EUR", "mega-vault")
    assert big.severity_text == "INFO" and "60.00 EUR" in big.body
    assert spin_logs("s3", 50_000_000, "", "paynova", 100, 200, "2.00", "EUR", "mega-vault") == []
