"""Exact figures of the catalogued games, their volatility classes, and the mis-set variants."""

from __future__ import annotations

from fractions import Fraction

import pytest

from spinscope.sim.games import GAMES, MISSET_SUFFIX, get_game, misconfigured
from spinscope.sim.games.theory import round_raw_moments

# Known answers: exact figures of each intended configuration (a changed strip or paytable
# changes them, and must then be a new version with a regenerated catalog).
EXACT = {
    "lucky-sevens": ("2.0.1", Fraction(2159, 2250), Fraction(1912, 3375), Fraction(36074579, 5062500)),
    "fortune-tiger": ("1.4.2", Fraction(5219, 5400), Fraction(3119, 13500), Fraction(1635617519, 29160000)),
    "dragon-hoard": (
        "3.1.0",
        Fraction(29147981, 30380000),
        Fraction(7261, 32000),
        Fraction(10750822256352011947, 50069733700000000),
    ),
    "mega-vault": ("1.0.0", Fraction(7547, 8000), Fraction(3131, 6400), Fraction(28665602309, 16000000)),
}

VOLATILITY = {  # std dev per unit bet of a round, by class
    "lucky-sevens": (2, 4),
    "fortune-tiger": (6, 9),
    "dragon-hoard": (12, 20),
    "mega-vault": (30, 60),
}


@pytest.mark.parametrize("game_id", sorted(EXACT))
def test_exact_figures_of_each_game_are_the_known_answers(game_id: str) -> None:
    game = GAMES[game_id]
    theory = game.theory()
    assert (game.version, theory.rtp, theory.hit_frequency, theory.variance) == EXACT[game_id]
    assert theory.std_dev == pytest.approx(float(theory.variance) ** 0.5, rel=1e-12)


@pytest.mark.parametrize("game_id", sorted(EXACT))
def test_each_game_has_a_realistic_rtp_and_its_volatility_class(game_id: str) -> None:
    theory = GAMES[game_id].theory()
    low, high = VOLATILITY[game_id]
    assert Fraction(92, 100) <= theory.rtp <= Fraction(97, 100)
    assert low <= theory.std_dev <= high


@pytest.mark.parametrize("game_id", sorted(EXACT))
def test_closed_form_moments_equal_the_moment_generating_series(game_id: str) -> None:
    """Two derivations of the round's mean and variance must agree exactly."""
    game = GAMES[game_id]
    theory = game.theory()
    moments = round_raw_moments(game.outcome_table(False), game.outcome_table(True))
    assert (moments[0], moments[1], moments[2] - moments[1] ** 2) == (1, theory.rtp, theory.variance)


def test_free_spins_feature_contributes_its_exact_share() -> None:
    game = GAMES["dragon-hoard"]
    theory = game.theory()
    # One scatter per 20 stops on reels 1, 3, 5 of both reel sets; the window shows 3 rows.
    trigger = Fraction(3, 20) ** 3
    assert theory.free_spins_per_round == 15 * trigger / (1 - 15 * trigger)
    paid = game.outcome_table(False)
    paid_mean = sum((w * p for w, p in zip(paid.win_multiplier, paid.probability, strict=True)), Fraction(0))
    assert Fraction(40, 100) < (theory.rtp - paid_mean) / theory.rtp < Fraction(46, 100)


def test_method_records_how_each_figure_was_derived() -> None:
    dragon = GAMES["dragon-hoard"].theory().method
    assert dragon.startswith("rtp: exact, enumeration of 3,200,000 paid reel stops + free spins")
    assert "std_dev: sqrt of the exact variance of the round total" in dragon
    assert "hit_frequency: exact share of the 3,200,000 paid reel stops" in dragon
    assert "1,000 bonus-wheel weights" in GAMES["mega-vault"].theory().method
    assert "27,000 paid reel stops" in GAMES["lucky-sevens"].theory().method


@pytest.mark.parametrize("game_id", sorted(EXACT))
@pytest.mark.parametrize(("direction", "sign"), [("under", -1), ("over", 1)])
def test_a_misset_reel_shifts_the_exact_rtp_by_two_to_four_points(game_id: str, direction: str, sign: int) -> None:
    game = GAMES[game_id]
    variant = misconfigured(game, direction)  # type: ignore[arg-type]
    shift = sign * (variant.theory().rtp - game.theory().rtp)
    assert Fraction(2, 100) <= shift <= Fraction(4, 100)
    changed = [i for i, (a, b) in enumerate(zip(game.rules.reels, variant.rules.reels, strict=True)) if a != b]
    assert len(changed) == 1
    assert (variant.id, variant.version, variant.intended_version) == (
        game.id,
        f"{game.version}{MISSET_SUFFIX}-{direction}",
        game.version,
    )
    assert get_game(game_id, variant.version) == variant


def test_misconfigured_rejects_an_unknown_direction() -> None:
    with pytest.raises(ValueError, match="no 'sideways' misset; choose one of \\['over', 'under'\\]"):
        misconfigured(GAMES["fortune-tiger"], "sideways")  # type: ignore[arg-type]
