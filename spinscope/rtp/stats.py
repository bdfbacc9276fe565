"""Fixed-window RTP statistics from mergeable sums: observed RTP, the volatility band, z, p, empirical SE.

Everything derives from six sums per segment (`RtpSums`: spins, Σb, Σw, Σb², Σw², Σwb), the
columns of the spin_minutely rollup, so any window or roll-up is exact: add the sums, then
compute. Money stays exact (`Decimal`); the statistics (n_eff, z, p, bands) are floats,
since they are estimates whose last digits mean nothing. Nothing here reads the store.

Free spins and the catalog σ. The catalog's rtp and std_dev are per unit bet of a *round*
(a paid spin plus the free spins it awards). Spins are stored one row each, free spins
with bet 0 and their own win. Because a free spin's bet is 0, Σb and Σb² over spins equal
the same sums over rounds (each round contributes its paid bet once), and Σw over spins is
the sum of round totals. So R̂ = Σw/Σb is the round-level turnover-weighted RTP, and
Var(R̂) = σ²·Σb²/(Σb)² = σ²/n_eff holds with the catalog σ, exactly as for rounds. The only
approximation is at the window edges: a round whose free spins fall after the window's end
has its paid bet inside and part of its wins outside (at most one round per active player at
each edge: negligible against the thousands of rounds a band is drawn over).
The empirical SE is different: Σw² and Σwb are per *spin*, so a round's free-spin wins are
treated as separate bet-0 observations and the within-round cross terms (2·w_paid·w_free,
w_free·b) are missing; for games with free spins it under-states the round variance. It is a
cross-check of σ for games without free spins and a lower bound otherwise, never the band.

Currencies must not be mixed: Σb and Σw of different currencies are not one sum. Segment by
currency (or convert each spin before summing) before calling these functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

from spinscope.jsonout import plain
from spinscope.rtp.normal import two_sided_p, z_two_sided

Number = Decimal | int | Fraction
Parameter = Number | float | str  # theoretical figures (μ0, σ, δ): floats read as printed
BandState = Literal["in_band", "below_band", "above_band", "low_volume", "no_reference", "no_data"]

# Exact money arithmetic: products and differences of Decimal(76, 36) sums fit in 200 digits;
# the trap turns any rounding into an error instead of a silently wrong amount.
EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
# R̂ = Σw/Σb: exact when the quotient terminates, otherwise correctly rounded to 50 digits.
RATIO = Context(prec=50)

SUM_COLUMNS = ("spins", "bet_amount", "win_amount", "bet_squared_sum", "win_squared_sum", "win_bet_sum")
_MONEY_SUMS = SUM_COLUMNS[1:]  # RtpSums' Decimal fields, named once: dataclasses.fields() per call was most of a
# week's RTP status (thousands of hourly sums built and added)


def to_decimal(value: Number | str, name: str = "value") -> Decimal:
    """`value` as an exact, finite Decimal; floats and non-terminating fractions are refused (money is exact)."""
    if isinstance(value, bool | float):
        raise TypeError(f"{name}={value!r}: pass money and sums as Decimal, int or str, never float")
    if isinstance(value, Fraction):
        if not _terminates(value):
            raise ValueError(f"{name}={value}: not a terminating decimal; money sums must be exact decimals")
        result = EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))
    elif isinstance(value, Decimal | int | str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{name}={value!r}: not a decimal number") from None
    else:
        raise TypeError(f"{name}={value!r}: expected Decimal, int, str or Fraction")
    if not result.is_finite():
        raise ValueError(f"{name}={value!r}: must be a finite number")
    return result


def to_parameter(value: Parameter, name: str = "value") -> Decimal:
    """A theoretical figure (μ0, σ, δ) as Decimal; a float is read as the decimal it prints as (0.96 → 0.96)."""
    if isinstance(value, float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"{name}={value!r}: must be a finite number")
        return Decimal(repr(value))
    return to_decimal(value, name)


def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


@dataclass(frozen=True)
class RtpSums:
    """The mergeable sums of one segment: spins (incl. free spins), Σbet, Σwin, Σbet², Σwin², Σwin·bet.

    Add two with `+` (a roll-up); build from a rollup row with `from_row`, or from per-spin
    values with `of_spins` (tests, simulations).
    """

    spins: int
    bet_amount: Decimal
    win_amount: Decimal
    bet_squared_sum: Decimal
    win_squared_sum: Decimal
    win_bet_sum: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.spins, bool) or not isinstance(self.spins, int) or self.spins < 0:
            raise ValueError(f"spins={self.spins!r}: expected a whole number >= 0")
        for name in _MONEY_SUMS:
            value = getattr(self, name)
            if type(value) is not Decimal or not value.is_finite():  # a finite Decimal is taken as it is
                value = to_decimal(value, name)
            if value < 0 and name != "win_bet_sum":
                raise ValueError(f"{name}={value}: a sum of amounts or squares cannot be negative")
            object.__setattr__(self, name, value)

    @classmethod
    def zero(cls) -> RtpSums:
        return cls(0, Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RtpSums:
        """From a mapping with the spin_minutely column names (`SUM_COLUMNS`)."""
        missing = [c for c in SUM_COLUMNS if c not in row]
        if missing:
            raise KeyError(f"RTP sums need the columns {', '.join(SUM_COLUMNS)}; missing {', '.join(missing)}")
        return cls(int(row["spins"]), *(to_decimal(row[c], c) for c in SUM_COLUMNS[1:]))

    @classmethod
    def of_spins(cls, bets: Iterable[Number], wins: Iterable[Number]) -> RtpSums:
        """Sums of per-spin (bet, win) pairs; a free spin is a bet of 0 with its win."""
        n, b, w, bb, ww, wb = 0, Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0)
        for bet, win in zip(bets, wins, strict=True):
            bet, win = to_decimal(bet, "bet"), to_decimal(win, "win")
            n += 1
            b, w = EXACT.add(b, bet), EXACT.add(w, win)
            bb = EXACT.add(bb, EXACT.multiply(bet, bet))
            ww = EXACT.add(ww, EXACT.multiply(win, win))
            wb = EXACT.add(wb, EXACT.multiply(win, bet))
        return cls(n, b, w, bb, ww, wb)

    @classmethod
    def total(cls, parts: Iterable[RtpSums]) -> RtpSums:
        """The sum of many parts, built once (adding them one `+` at a time builds every partial sum)."""
        spins, money = 0, [Decimal(0)] * len(_MONEY_SUMS)
        for part in parts:
            spins += part.spins
            money = [EXACT.add(a, getattr(part, name)) for a, name in zip(money, _MONEY_SUMS, strict=True)]
        return cls(spins, *money)

    def __add__(self, other: RtpSums) -> RtpSums:
        return RtpSums(
            self.spins + other.spins,
            *(EXACT.add(getattr(self, name), getattr(other, name)) for name in _MONEY_SUMS),
        )

    def __sub__(self, other: RtpSums) -> RtpSums:
        """The sums without a part (leave-one-out); the part must be contained in these sums."""
        return RtpSums(
            self.spins - other.spins,
            *(EXACT.subtract(getattr(self, name), getattr(other, name)) for name in _MONEY_SUMS),
        )

    @property
    def rtp(self) -> Decimal | None:
        """Σw / Σb, or None when nothing was staked."""
        return RATIO.divide(self.win_amount, self.bet_amount) if self.bet_amount else None

    @cached_property  # exact Fraction arithmetic, asked for many times per status: computed once per instance
    def n_eff(self) -> float:
        """Kish effective sample size (Σb)²/Σb²: N for equal bets, less when stakes vary; 0 if no bets."""
        if not self.bet_squared_sum:
            return 0.0
        # (b_n/b_d)² / (q_n/q_d) as one integer ratio: int / int is correctly rounded, like float(Fraction), and
        # skips building Fractions (a week's status asks thousands of hourly batches)
        b_n, b_d = self.bet_amount.as_integer_ratio()
        q_n, q_d = self.bet_squared_sum.as_integer_ratio()
        return (b_n * b_n * q_d) / (b_d * b_d * q_n)

    def excess_win(self, mu0: Decimal) -> Decimal:
        """W − μ0·B: what was paid beyond the theoretical RTP (negative when underpaying), exact."""
        return EXACT.subtract(self.win_amount, EXACT.multiply(mu0, self.bet_amount))

    def z_score(self, mu0: Decimal, sigma: Decimal) -> float | None:
        """(R̂ − μ0)·√n_eff/σ, computed as (W − μ0·B)/(σ·√Σb²); None without bets."""
        if not self.bet_squared_sum:
            return None
        return float(Fraction(self.excess_win(mu0))) / (float(sigma) * math.sqrt(float(self.bet_squared_sum)))

    def empirical_se(self) -> float | None:
        """Ratio-linearisation SE of R̂: √(Σw² − 2R̂Σwb + R̂²Σb²)/Σb (see the module note on free spins)."""
        if not self.bet_amount:
            return None
        r = Fraction(self.win_amount) / Fraction(self.bet_amount)
        residual = (
            Fraction(self.win_squared_sum) - 2 * r * Fraction(self.win_bet_sum) + r * r * Fraction(self.bet_squared_sum)
        )
        return math.sqrt(max(float(residual), 0.0)) / float(self.bet_amount)


@dataclass(frozen=True)
class RtpSummary:
    """A fixed-window RTP test of one segment against its theoretical RTP.

    `state`: `no_data` (nothing staked), `no_reference` (no catalog entry: no band, z or p,
    never a guess), `low_volume` (n_eff below the minimum the caller set for the heavy-tail
    caveat), else where R̂ lies against the band μ0 ± z·σ/√n_eff.
    """

    spins: int
    bet_amount: Decimal
    win_amount: Decimal
    rtp: Decimal | None
    theoretical_rtp: Decimal | None
    std_dev: Decimal | None
    confidence: float
    z_critical: float
    n_eff: float
    se_theoretical: float | None
    band_low: float | None
    band_high: float | None
    z_score: float | None
    p_value: float | None
    excess_win: Decimal | None
    se_empirical: float | None
    ci_low: float | None
    ci_high: float | None
    state: BandState
    direction: Literal["over", "under"] | None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: money and R̂ as exact decimal strings, statistics as numbers (None for NaN)."""
        return plain(self)


def _reference(mu0: Parameter | None, sigma: Parameter | None) -> tuple[Decimal, Decimal] | None:
    if mu0 is None or sigma is None:
        return None
    mu, sd = to_parameter(mu0, "mu0"), to_parameter(sigma, "sigma")
    if mu < 0 or sd <= 0:
        raise ValueError(f"theoretical rtp={mu} and std_dev={sd}: need rtp >= 0 and std_dev > 0")
    return mu, sd


def rtp_summary(
    sums: RtpSums, mu0: Parameter | None, sigma: Parameter | None, confidence: float = 0.95, min_n_eff: float = 0.0
) -> RtpSummary:
    """Observed vs theoretical RTP of `sums` with the volatility band at `confidence` (two-sided).

    `mu0`/`sigma` are the catalog's rtp and std_dev (per unit bet of a round); None for either
    gives `no_reference`. `min_n_eff` guards the normal approximation, which is optimistic for
    small samples of very skewed games: below it the state is `low_volume`, figures still shown.
    """
    z_crit = z_two_sided(confidence)
    rtp, n_eff = sums.rtp, sums.n_eff
    se_emp = sums.empirical_se()
    ci = (
        (float(rtp) - z_crit * se_emp, float(rtp) + z_crit * se_emp)
        if rtp is not None and se_emp is not None
        else (None, None)
    )
    reference = _reference(mu0, sigma)
    base: dict[str, Any] = dict(
        spins=sums.spins,
        bet_amount=sums.bet_amount,
        win_amount=sums.win_amount,
        rtp=rtp,
        confidence=confidence,
        z_critical=z_crit,
        n_eff=n_eff,
        se_empirical=se_emp,
        ci_low=ci[0],
        ci_high=ci[1],
    )
    if reference is None:
        return RtpSummary(
            **base,
            theoretical_rtp=None,
            std_dev=None,
            se_theoretical=None,
            band_low=None,
            band_high=None,
            z_score=None,
            p_value=None,
            excess_win=None,
            state="no_data" if rtp is None else "no_reference",
            direction=None,
        )
    mu, sd = reference
    if rtp is None:
        return RtpSummary(
            **base,
            theoretical_rtp=mu,
            std_dev=sd,
            se_theoretical=None,
            band_low=None,
            band_high=None,
            z_score=None,
            p_value=None,
            excess_win=None,
            state="no_data",
            direction=None,
        )
    se = float(sd) / math.sqrt(n_eff)
    band = (float(mu) - z_crit * se, float(mu) + z_crit * se)
    z = sums.z_score(mu, sd)
    assert z is not None  # bets were staked
    state: BandState
    if n_eff < min_n_eff:
        state = "low_volume"
    elif abs(z) <= z_crit:
        state = "in_band"
    else:
        state = "above_band" if z > 0 else "below_band"
    return RtpSummary(
        **base,
        theoretical_rtp=mu,
        std_dev=sd,
        se_theoretical=se,
        band_low=band[0],
        band_high=band[1],
        z_score=z,
        p_value=two_sided_p(z),
        excess_win=sums.excess_win(mu),
        state=state,
        direction="over" if z > 0 else "under" if z < 0 else None,
    )
