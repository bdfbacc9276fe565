"""Fixed-window RTP statistics: hand-computed answers, the Robison PAR-sheet table, and invariants."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from spinscope.rtp import RtpSums, rtp_summary, to_decimal

Z95 = 1.959963984540054


def equal_bets(n: int, rtp: str) -> RtpSums:
    """n spins of bet 1 with total win n·rtp (second moments of win irrelevant to the band)."""
    win = Decimal(n) * Decimal(rtp)
    return RtpSums(n, Decimal(n), win, Decimal(n), win, win)


def test_sums_of_a_small_hand_computed_window() -> None:
    # bets 1, 1, 0 (a free spin), 2; wins 0, 1.5, 3, 1
    sums = RtpSums.of_spins([1, 1, 0, 2], [0, "1.5", 3, 1])
    assert sums == RtpSums(4, Decimal(4), Decimal("5.5"), Decimal(6), Decimal("12.25"), Decimal("3.5"))
    assert sums.rtp == Decimal("1.375")  # 5.5 / 4: free-spin wins count against paid bets
    assert sums.n_eff == pytest.approx(16 / 6)  # (Σb)²/Σb² = 16/6
    assert sums.excess_win(Decimal("0.96")) == Decimal("1.66")  # 5.5 − 0.96·4, exact


def test_summary_of_a_hand_computed_window() -> None:
    sums = RtpSums.of_spins([1, 1, 0, 2], [0, "1.5", 3, 1])
    s = rtp_summary(sums, Decimal("0.96"), Decimal(7))
    n_eff = 16 / 6
    se = 7 / math.sqrt(n_eff)
    assert s.se_theoretical == pytest.approx(se)
    assert (s.band_low, s.band_high) == pytest.approx((0.96 - Z95 * se, 0.96 + Z95 * se))
    assert s.z_score == pytest.approx((1.375 - 0.96) * math.sqrt(n_eff) / 7)
    assert s.p_value == pytest.approx(math.erfc(abs(s.z_score) / math.sqrt(2)))
    # Σw² − 2R̂Σwb + R̂²Σb² = 12.25 − 2·1.375·3.5 + 1.375²·6 = 13.96875; SE = √that / 4
    assert s.se_empirical == pytest.approx(math.sqrt(13.96875) / 4)
    assert (s.state, s.direction) == ("in_band", "over")


def test_equal_bets_give_the_textbook_band_and_z() -> None:
    # 1,000,000 equal spins at σ = 10, observed 0.97 vs μ0 0.96: SE = 0.01, Z = 1.0
    s = rtp_summary(equal_bets(1_000_000, "0.97"), "0.96", "10")
    assert s.n_eff == 1_000_000
    assert s.se_theoretical == pytest.approx(0.01)
    assert s.z_score == pytest.approx(1.0)
    assert s.p_value == pytest.approx(0.3173105078629141)
    assert s.excess_win == Decimal("10000.00")


@pytest.mark.parametrize(
    ("spins", "half_width", "low", "high"),
    # Robison, "Do casinos remove machines if they pay too much?": theo 92.78 %, SD 3.62, VI at 90 %.
    [
        (1_000, 0.1882, 0.7396, 1.1160),
        (10_000, 0.0595, 0.8683, 0.9873),
        (100_000, 0.0188, 0.9090, 0.9466),
        (1_000_000, 0.0060, 0.9219, 0.9338),
        (10_000_000, 0.0019, 0.9259, 0.9297),
    ],
)
def test_band_reproduces_the_robison_par_sheet_table(spins: int, half_width: float, low: float, high: float) -> None:
    s = rtp_summary(equal_bets(spins, "0.9278"), "0.9278", "3.62", confidence=0.90)
    # The table prints two decimals of a percent; its first row truncates 18.829 % to 18.82 %.
    assert s.z_critical * s.se_theoretical == pytest.approx(half_width, abs=0.00011)
    assert (s.band_low, s.band_high) == pytest.approx((low, high), abs=0.00011)


def test_no_reference_is_never_compared_against_a_guess() -> None:
    s = rtp_summary(equal_bets(1000, "0.5"), None, "3")
    assert s.state == "no_reference"
    assert (s.band_low, s.z_score, s.p_value, s.excess_win, s.direction) == (None, None, None, None, None)
    assert s.rtp == Decimal("0.5")  # the observation is still shown
    assert rtp_summary(equal_bets(1000, "0.5"), "0.96", None).state == "no_reference"


def test_no_stakes_is_no_data() -> None:
    free_spins_only = RtpSums.of_spins([0, 0], [5, 0])
    s = rtp_summary(free_spins_only, "0.96", "5")
    assert (s.state, s.rtp, s.z_score, s.n_eff) == ("no_data", None, None, 0.0)
    assert rtp_summary(RtpSums.zero(), None, None).state == "no_data"


def test_outside_band_states_name_the_direction() -> None:
    assert rtp_summary(equal_bets(1_000_000, "0.99"), "0.96", "10").state == "above_band"  # Z = 3
    under = rtp_summary(equal_bets(1_000_000, "0.93"), "0.96", "10")
    assert (under.state, under.direction) == ("below_band", "under")
    assert rtp_summary(equal_bets(100, "0.99"), "0.96", "10", min_n_eff=1000).state == "low_volume"


def test_to_json_keeps_money_exact_and_statistics_numeric() -> None:
    out = rtp_summary(RtpSums.of_spins(["0.10", "0.20"], ["0.30", "0"]), "0.96", "7").to_json()
    assert out["bet_amount"] == "0.3" and out["win_amount"] == "0.3" and out["rtp"] == "1"
    assert out["excess_win"] == "0.012"  # 0.30 − 0.96·0.30
    assert isinstance(out["z_score"], float) and out["state"] == "in_band"


def test_from_row_reads_the_rollup_columns() -> None:
    row = {
        "spins": 3,
        "bet_amount": Decimal("2.5"),
        "win_amount": Decimal(2),
        "bet_squared_sum": Decimal("3.25"),
        "win_squared_sum": Decimal(4),
        "win_bet_sum": Decimal("2.5"),
        "other": 1,
    }
    assert RtpSums.from_row(row) == RtpSums(3, Decimal("2.5"), Decimal(2), Decimal("3.25"), Decimal(4), Decimal("2.5"))
    with pytest.raises(KeyError, match="missing win_bet_sum"):
        RtpSums.from_row({k: v for k, v in row.items() if k != "win_bet_sum"})


def test_money_must_be_exact() -> None:
    with pytest.raises(TypeError, match="never float"):
        RtpSums.of_spins([0.1], [0])
    with pytest.raises(ValueError, match="terminating"):
        to_decimal(Fraction(1, 3))
    assert to_decimal(Fraction(1, 8)) == Decimal("0.125")
    with pytest.raises(ValueError, match="cannot be negative"):
        RtpSums(1, Decimal(-1), Decimal(0), Decimal(1), Decimal(0), Decimal(0))


# --- invariants ---------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
spins = st.lists(st.tuples(money, money), min_size=1, max_size=40)


@given(spins)
def test_n_eff_never_exceeds_the_paid_spins(pairs: list[tuple[Decimal, Decimal]]) -> None:
    sums = RtpSums.of_spins(*zip(*pairs, strict=True))
    paid = sum(1 for b, _ in pairs if b > 0)
    assert sums.n_eff <= paid * (1 + 1e-12) <= sums.spins * (1 + 1e-12)


@given(st.integers(1, 10_000), st.decimals(min_value="0.01", max_value=100, places=2))
def test_equal_bets_have_n_eff_equal_to_the_spins(n: int, bet: Decimal) -> None:
    sums = RtpSums(n, n * bet, Decimal(0), n * bet * bet, Decimal(0), Decimal(0))
    assert sums.n_eff == n


@given(
    spins, st.decimals(min_value="0.5", max_value="1.2", places=4), st.decimals(min_value="0.5", max_value=50, places=2)
)
def test_band_contains_mu0_and_state_agrees_with_it(
    pairs: list[tuple[Decimal, Decimal]], mu0: Decimal, sigma: Decimal
) -> None:
    sums = RtpSums.of_spins(*zip(*pairs, strict=True))
    assume(sums.bet_amount > 0)
    s = rtp_summary(sums, mu0, sigma)
    assert s.band_low < float(mu0) < s.band_high
    r = float(s.rtp)
    margin = 1e-9 * max(1.0, abs(r))
    if s.band_low + margin < r < s.band_high - margin:
        assert s.state == "in_band"
    elif r < s.band_low - margin or r > s.band_high + margin:
        assert s.state in ("below_band", "above_band")


@given(spins, spins)
def test_sums_merge_like_the_spins_they_hold(
    a: list[tuple[Decimal, Decimal]], b: list[tuple[Decimal, Decimal]]
) -> None:
    whole = RtpSums.of_spins(*zip(*(a + b), strict=True))
    assert RtpSums.of_spins(*zip(*a, strict=True)) + RtpSums.of_spins(*zip(*b, strict=True)) == whole
    assert whole - RtpSums.of_spins(*zip(*b, strict=True)) == RtpSums.of_spins(*zip(*a, strict=True))
