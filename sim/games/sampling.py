"""Playing games: the slow reel-drawing path for Monte Carlo checks, and a fast vectorised sampler.

`play_round` / `monte_carlo` draw real reel stops through `Game.spin` (seeded `random.Random`),
so they exercise the same code a slot server would, and confirm the enumeration.

`sample_rounds` draws whole rounds from the exact outcome tables with numpy, for the demo
loader's tens of millions of spins. It samples exactly: each table entry is chosen by an
integer uniform over the table's common denominator (reel-stop combinations x wheel weights),
so no probability is rounded to a float. Wins are returned as an integer count of the
smallest unit, the line-bet credit: `win_multiplier = win_units / units_per_bet`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from spinscope.sim.games.base import Game, SpinOutcome
from spinscope.sim.games.reels import FEATURES, ReelGame, exact_table

_MAX_GENERATIONS = 10_000  # free-spin retrigger generations; E[retrigger] < 1 ends far sooner


@dataclass(frozen=True)
class SpinBatch:
    """Spins of `n_rounds` rounds, in play order (each paid spin followed by its free spins).

    Parallel arrays, one element per spin. `feature` holds indexes into `sim.games.FEATURES`.
    """

    round_index: np.ndarray  # int64, 0..n_rounds-1, non-decreasing
    is_free: np.ndarray  # bool
    win_units: np.ndarray  # int64, win in credits (line bets)
    feature: np.ndarray  # int8
    free_spins_awarded: np.ndarray  # int32
    units_per_bet: int  # credits staked by a paid spin
    n_rounds: int

    @property
    def win_multiplier(self) -> np.ndarray:
        """Wins per unit bet as float64 (exact: win_units / units_per_bet)."""
        return self.win_units / self.units_per_bet

    def round_totals(self) -> np.ndarray:
        """Total win of each round in credits (int64)."""
        return np.bincount(self.round_index, weights=self.win_units, minlength=self.n_rounds).astype(np.int64)


def _draw(game: ReelGame, free: bool, rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """n independent spins from the exact table: (credits, award, feature)."""
    table = exact_table(game, free)
    cumulative = np.cumsum(table.weight)
    picks = np.searchsorted(cumulative, rng.integers(0, table.total, size=n), side="right")
    return table.credits[picks], table.award[picks], table.feature[picks]


def sample_rounds(game: ReelGame, rng: np.random.Generator, n_rounds: int) -> SpinBatch:
    """Draw `n_rounds` whole rounds (paid spin + free spins incl. retriggers), vectorised.

    Free spins are drawn a generation at a time: all free spins awarded by the previous
    generation at once. Concatenating generations and sorting stably by round gives each
    round's spins in queue order: paid spin, then free spins in the order they were awarded.
    """
    credits, award, feature = _draw(game, False, rng, n_rounds)
    rounds = [np.arange(n_rounds, dtype=np.int64)]
    parts = [(credits, award, feature)]
    parents_round, parents_award = rounds[0], award
    for _ in range(_MAX_GENERATIONS):
        pending = int(parents_award.sum())
        if pending == 0:
            break
        child_round = np.repeat(parents_round, parents_award)
        c, a, f = _draw(game, True, rng, pending)
        rounds.append(child_round)
        parts.append((c, a, f))
        parents_round, parents_award = child_round, a
    else:
        raise RuntimeError(f"{game.id}: free spins still pending after {_MAX_GENERATIONS} generations")
    round_index = np.concatenate(rounds)
    is_free = np.concatenate([np.full(len(r), i > 0) for i, r in enumerate(rounds)])
    order = np.argsort(round_index, kind="stable")
    return SpinBatch(
        round_index=round_index[order],
        is_free=is_free[order],
        win_units=np.concatenate([p[0] for p in parts])[order].astype(np.int64),
        feature=np.concatenate([p[2] for p in parts])[order].astype(np.int8),
        free_spins_awarded=np.concatenate([p[1] for p in parts])[order].astype(np.int32),
        units_per_bet=game.bet_credits,
        n_rounds=n_rounds,
    )


def play_round(game: Game, rng: random.Random) -> list[SpinOutcome]:
    """One round through the slow path: a paid spin, then its free spins as a queue."""
    spins = [game.spin(rng, free=False)]
    pending = spins[0].free_spins_awarded
    while pending:
        spin = game.spin(rng, free=True)
        spins.append(spin)
        pending += spin.free_spins_awarded - 1
    return spins


@dataclass(frozen=True)
class MonteCarloResult:
    """Observed figures of N rounds, with the standard errors used to judge them."""

    rounds: int
    spins: int
    rtp: float  # total win / total paid bet
    hit_frequency: float  # share of paid spins with a win > 0
    std_dev: float  # sample std dev of the round total per unit bet
    std_dev_se: float  # delta-method standard error of std_dev, from the sample 4th moment


def figures(round_totals: np.ndarray, paid_hits: int, spins: int) -> MonteCarloResult:
    """Observed RTP, hit frequency and round std dev from round totals per unit bet."""
    n = len(round_totals)
    mean = float(round_totals.mean())
    centred = round_totals - mean
    variance = float((centred**2).sum() / (n - 1))
    fourth = float((centred**4).mean())
    std = math.sqrt(variance)
    # Var(s²) ≈ (μ4 - σ⁴)/n, and d(s)/d(s²) = 1/(2s): the usual large-sample error of s.
    std_se = math.sqrt(max(fourth - variance**2, 0.0) / n) / (2 * std) if std > 0 else 0.0
    return MonteCarloResult(n, spins, mean, paid_hits / n, std, std_se)


def monte_carlo(game: Game, n_rounds: int, seed: int) -> MonteCarloResult:
    """Play `n_rounds` rounds through `Game.spin` with `random.Random(seed)` and measure them."""
    rng = random.Random(seed)
    totals = np.empty(n_rounds, dtype=np.float64)
    hits = spins = 0
    for i in range(n_rounds):
        played = play_round(game, rng)
        total = sum((s.win_multiplier for s in played), Fraction(0))
        totals[i] = float(total)
        hits += played[0].win_multiplier > 0
        spins += len(played)
    return figures(totals, hits, spins)


def batch_figures(batch: SpinBatch) -> MonteCarloResult:
    """Observed figures of a vectorised batch, comparable with `monte_carlo`'s."""
    totals = batch.round_totals() / batch.units_per_bet
    paid = ~batch.is_free
    hits = int((batch.win_units[paid] > 0).sum())
    return figures(totals, hits, len(batch.round_index))


def feature_name(code: int) -> str:
    """Feature label of an integer code in `SpinBatch.feature`."""
    return FEATURES[code]
