"""Seeded Monte Carlo confirmation of the exact figures, through both ways of playing a game.

Bounds are 4 standard errors: RTP σ/√N, hit frequency √(h(1-h)/N), and for the observed
standard deviation the large-sample error √((μ4 - σ⁴)/N) / 2σ with μ4 the exact central
fourth moment of the round total. Seeds are fixed, so these tests are deterministic.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

from spinscope.sim.games import GAMES, OutcomeTable, misconfigured, monte_carlo, play_round, sample_rounds
from spinscope.sim.games.reels import ReelGame
from spinscope.sim.games.sampling import MonteCarloResult, batch_figures
from spinscope.sim.games.theory import round_raw_moments


def assert_within_bounds(game: ReelGame, observed: MonteCarloResult) -> None:
    theory = game.theory()
    n = observed.rounds
    m1, m2, m3, m4 = round_raw_moments(game.outcome_table(False), game.outcome_table(True))[1:]
    mu4 = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    sigma = theory.std_dev
    std_se = math.sqrt(float(mu4 - theory.variance**2) / n) / (2 * sigma)
    hit = float(theory.hit_frequency)
    assert abs(observed.rtp - float(theory.rtp)) <= 4 * sigma / math.sqrt(n)
    assert abs(observed.hit_frequency - hit) <= 4 * math.sqrt(hit * (1 - hit) / n)
    assert abs(observed.std_dev - sigma) <= 4 * std_se


@pytest.mark.parametrize("game_id", sorted(GAMES))
def test_reel_draws_through_spin_confirm_the_exact_figures(game_id: str) -> None:
    game = GAMES[game_id]
    observed = monte_carlo(game, 20_000, seed=2026)
    assert_within_bounds(game, observed)
    assert monte_carlo(game, 500, seed=7) == monte_carlo(game, 500, seed=7)


@pytest.mark.parametrize("game_id", sorted(GAMES))
def test_vectorised_sampler_confirms_the_exact_figures(game_id: str) -> None:
    game = GAMES[game_id]
    batch = sample_rounds(game, np.random.default_rng(2026), 2_000_000)
    assert_within_bounds(game, batch_figures(batch))

    # Free spins per round: exact mean and variance by counting each free spin as a win of 1.
    def count(table: OutcomeTable, value: int) -> OutcomeTable:
        return replace(table, win_multiplier=(Fraction(value),) * len(table.probability))

    _, mean, second = round_raw_moments(count(game.outcome_table(False), 0), count(game.outcome_table(True), 1), 2)
    assert mean == game.theory().free_spins_per_round
    n = batch.n_rounds
    assert abs(int(batch.is_free.sum()) - float(mean) * n) <= 4 * math.sqrt(float(second - mean**2) * n)


def test_the_sampler_sees_a_misset_reel_where_the_exact_math_puts_it() -> None:
    game = GAMES["lucky-sevens"]
    variant = misconfigured(game, "under")
    observed = batch_figures(sample_rounds(variant, np.random.default_rng(3), 1_000_000))
    assert_within_bounds(variant, observed)
    band = 4 * game.theory().std_dev / math.sqrt(observed.rounds)
    assert observed.rtp < float(game.theory().rtp) - band


def test_sampled_rounds_are_in_play_order_with_free_spins_after_their_paid_spin() -> None:
    game = GAMES["dragon-hoard"]
    batch = sample_rounds(game, np.random.default_rng(11), 200_000)
    assert batch.units_per_bet == 10
    assert np.all(np.diff(batch.round_index) >= 0)
    paid = np.flatnonzero(~batch.is_free)
    assert np.array_equal(batch.round_index[paid], np.arange(batch.n_rounds))
    # Every free spin in a round was awarded by an earlier spin of that round, and all are played.
    awarded = np.bincount(batch.round_index, weights=batch.free_spins_awarded, minlength=batch.n_rounds)
    played = np.bincount(batch.round_index, weights=batch.is_free, minlength=batch.n_rounds)
    assert np.array_equal(awarded, played)
    assert np.all(batch.win_units[paid][batch.feature[paid] == 1] >= 10 * 10)  # trigger pays 10x the bet
    assert batch.win_multiplier.dtype == np.float64


def test_same_generator_seed_gives_identical_batches() -> None:
    game = GAMES["mega-vault"]
    first = sample_rounds(game, np.random.default_rng(9), 10_000)
    again = sample_rounds(game, np.random.default_rng(9), 10_000)
    for name in ("round_index", "is_free", "win_units", "feature", "free_spins_awarded"):
        assert np.array_equal(getattr(first, name), getattr(again, name))


def test_a_round_through_spin_plays_every_free_spin_it_awards() -> None:
    game = GAMES["dragon-hoard"]
    rng = random.Random(1)
    rounds = [play_round(game, rng) for _ in range(3_000)]
    featured = [r for r in rounds if r[0].free_spins_awarded]
    assert featured
    for spins in featured:
        assert len(spins) - 1 == sum(s.free_spins_awarded for s in spins)
        assert all(s.win_multiplier >= 0 for s in spins)
    assert all(isinstance(s.win_multiplier, Fraction) for r in rounds for s in r)
