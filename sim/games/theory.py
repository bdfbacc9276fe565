"""Exact theoretical figures of a game from its outcome tables: RTP, round variance, hit frequency.

The unit of play is the *round*: one paid spin plus every free spin it leads to, including
free spins re-awarded during free spins. RTP and standard deviation are of the round's total
win per unit bet, because that is what a paid stake buys (the telemetry contract divides
all wins, paid and free, by paid bets only). Hit frequency is of paid spins alone.

Derivation (all in exact Fractions; only the final square root is a float):

Let a paid spin win X and award A0 free spins; a free spin wins Y and awards A more
(a retrigger). Free spins are independent draws from the free table. Define S as the total
won by one free spin *and all free spins it retriggers* (a branching process):

    S = Y + S_1 + ... + S_A,   S_j independent copies of S, independent of (Y, A)

Taking expectations (valid when E[A] < 1, else the feature never ends):

    m    = E[S]  = E[Y] / (1 - E[A])
    E[S²]        = (E[Y²] + 2·E[Y·A]·m + E[A(A-1)]·m²) / (1 - E[A])

The round total is T = X + S_1 + ... + S_A0, hence

    E[T]  = E[X] + E[A0]·m                                        (the RTP)
    E[T²] = E[X²] + 2·E[X·A0]·m + E[A0]·E[S²] + E[A0(A0-1)]·m²
    Var T = E[T²] - E[T]²

Without retriggers (A = 0, so S = Y) this is the textbook compound-sum formula
Var T = Var X + E[N]·Var Y + Var N·E[Y]² + 2·Cov(X, N)·E[Y] with N = A0: the last term is
the covariance of the triggering spin's own win (e.g. its scatter pay) with the feature.
The expected number of free spins per round is E[A0] / (1 - E[A]).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction

from spinscope.sim.games.base import Game, OutcomeTable, Theory


@dataclass(frozen=True)
class SpinMoments:
    """Exact moments of one spin's win W (per unit bet) and the free spins it awards A."""

    mean: Fraction  # E[W]
    second: Fraction  # E[W²]
    award: Fraction  # E[A]
    win_award: Fraction  # E[W·A]
    award_pairs: Fraction  # E[A(A-1)]
    hit: Fraction  # P(W > 0)


def spin_moments(table: OutcomeTable) -> SpinMoments:
    """Moments of one spin from its exact outcome table; checks that probabilities sum to 1."""
    total = sum(table.probability, Fraction(0))
    if total != 1:
        raise ValueError(f"outcome table probabilities sum to {total}, not 1")
    mean = second = award = win_award = pairs = hit = Fraction(0)
    for w, a, p in zip(table.win_multiplier, table.free_spins_awarded, table.probability, strict=True):
        mean += p * w
        second += p * w * w
        award += p * a
        win_award += p * w * a
        pairs += p * a * (a - 1)
        if w > 0:
            hit += p
    return SpinMoments(mean, second, award, win_award, pairs, hit)


@dataclass(frozen=True)
class RoundMoments:
    """Exact first two moments of a round's total win and its expected free spins."""

    mean: Fraction
    second: Fraction
    free_spins: Fraction

    @property
    def variance(self) -> Fraction:
        return self.second - self.mean * self.mean


def round_moments(paid: SpinMoments, free: SpinMoments) -> RoundMoments:
    """Combine paid-spin and free-spin moments into round moments (see the module docstring)."""
    if paid.award == 0:
        return RoundMoments(paid.mean, paid.second, Fraction(0))
    if free.award >= 1:
        raise ValueError(f"free spins retrigger {float(free.award):.3f} spins per spin: the feature never ends")
    keep = 1 - free.award
    m = free.mean / keep
    s2 = (free.second + 2 * free.win_award * m + free.award_pairs * m * m) / keep
    mean = paid.mean + paid.award * m
    second = paid.second + 2 * paid.win_award * m + paid.award * s2 + paid.award_pairs * m * m
    return RoundMoments(mean, second, paid.award / keep)


def theory_from_tables(paid: OutcomeTable, free: OutcomeTable, method: str) -> Theory:
    """Theory of any game given its exact paid and free outcome tables."""
    paid_m = spin_moments(paid)
    moments = round_moments(paid_m, spin_moments(free))
    return Theory(
        rtp=moments.mean,
        std_dev=math.sqrt(moments.variance),
        hit_frequency=paid_m.hit,
        method=method,
        variance=moments.variance,
        free_spins_per_round=moments.free_spins,
    )


@functools.cache
def game_theory(game: Game) -> Theory:
    """Theory of a game from its own tables, with a method line naming each derivation."""
    paid = game.outcome_table(False)
    has_free = any(paid.free_spins_awarded)
    free = game.outcome_table(True) if has_free else paid
    return theory_from_tables(paid, free, describe_method(game, has_free))


def describe_method(game: Game, has_free: bool) -> str:
    """How each figure was derived, in words an auditor can check; written into the catalog."""
    rules = getattr(game, "rules", None)
    paid_space = free_space = "all reel stops"
    if rules is not None:
        paid_space = f"{math.prod(len(s) for s in rules.reels):,} paid reel stops"
        if rules.wheel:
            paid_space += f" x {sum(s.weight for s in rules.wheel):,} bonus-wheel weights"
        free_space = f"{math.prod(len(s) for s in (rules.free_reels or rules.reels)):,} free reel stops"
    rtp = f"rtp: exact, enumeration of {paid_space}"
    std = "std_dev: sqrt of the exact variance of the round total, from E[X²] of the paid spin"
    if has_free:
        rtp += f" + free spins: E[free spin incl. retriggers] = E[Y]/(1-E[A]) over {free_space}"
        std += " + branching-process moments of its free spins, E[S²] = (E[Y²]+2E[YA]m+E[A(A-1)]m²)/(1-E[A])"
    hit = f"hit_frequency: exact share of the {paid_space} with a paid-spin win > 0"
    return "; ".join((rtp, std, hit))


def round_raw_moments(paid: OutcomeTable, free: OutcomeTable, order: int = 4) -> tuple[Fraction, ...]:
    """Exact raw moments E[T^k], k = 0..order, of the round total, by moment-generating series.

    An independent route to the figures above (tests check they agree), and the source of
    E[T³], E[T⁴] for confidence bounds on an observed standard deviation. With M(t) the
    truncated series of E[e^{tS}], the branching structure gives M = Σ_a E[e^{tY}; A=a]·M^a,
    solved one degree at a time: the degree-k coefficient of the right side depends on m_k
    only through E[A]·m_k, so m_k = (right side without it) / (1 - E[A]).
    Then E[e^{tT}] = Σ_a E[e^{tX}; A0=a]·M^a.
    """

    def by_award(table: OutcomeTable) -> dict[int, list[Fraction]]:
        series: dict[int, list[Fraction]] = {}
        for w, a, p in zip(table.win_multiplier, table.free_spins_awarded, table.probability, strict=True):
            coefficients = series.setdefault(a, [Fraction(0)] * (order + 1))
            term = p
            for k in range(order + 1):
                coefficients[k] += term
                term = term * w / (k + 1)
        return series

    def multiply(x: list[Fraction], y: list[Fraction]) -> list[Fraction]:
        return [sum((x[i] * y[k - i] for i in range(k + 1)), Fraction(0)) for k in range(order + 1)]

    def compose(parts: dict[int, list[Fraction]], m: list[Fraction]) -> list[Fraction]:
        total = [Fraction(0)] * (order + 1)
        power = [Fraction(1)] + [Fraction(0)] * order  # m**0
        for a in range(max(parts) + 1):
            if a in parts:
                total = [t + c for t, c in zip(total, multiply(parts[a], power), strict=True)]
            power = multiply(power, m)
        return total

    free_parts = by_award(free)
    keep = 1 - sum((p * a for a, p in zip(free.free_spins_awarded, free.probability, strict=True)), Fraction(0))
    if keep <= 0:
        raise ValueError("free spins retrigger at least one spin per spin on average: the feature never ends")
    m = [Fraction(1)] + [Fraction(0)] * order
    for k in range(1, order + 1):
        m[k] = compose(free_parts, m)[k] / keep
    series = compose(by_award(paid), m)
    return tuple(series[k] * math.factorial(k) for k in range(order + 1))
