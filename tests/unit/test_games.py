"""The reel engine: hand-computed answers on tiny games, and the scalar path against enumeration."""

from __future__ import annotations

import functools
import random
from collections import Counter
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.sim.games import FEATURES, GAMES, ReelGame, ReelRules, SpinOutcome, get_game
from spinscope.sim.games.reels import enumerate_stops


def tiny_game(**changes: object) -> ReelGame:
    """Three reels of A, B, C; a one-row window; one line; three A pay 10, three B pay 5."""
    rules = dict(
        id="tiny",
        version="0",
        name="Tiny",
        reels=(("A", "B", "C"),) * 3,
        lines=((0, 0, 0),),
        line_pays=(("A", (0, 0, 0, 10)), ("B", (0, 0, 0, 5))),
        rows=1,
    )
    rules.update(changes)
    return ReelGame(ReelRules(**rules))  # type: ignore[arg-type]


def test_enumeration_of_a_tiny_game_equals_the_hand_computed_answer() -> None:
    # 27 equally likely stops: AAA pays 10, BBB pays 5, nothing else pays; one credit staked.
    theory = tiny_game().theory()
    rtp = Fraction(10 + 5, 27)
    second = Fraction(10**2 + 5**2, 27)
    assert (theory.rtp, theory.hit_frequency, theory.variance) == (rtp, Fraction(2, 27), second - rtp**2)
    assert theory.std_dev == pytest.approx(float(second - rtp**2) ** 0.5, rel=1e-15)
    assert theory.free_spins_per_round == 0


def test_free_spins_with_retriggers_equal_the_hand_computed_answer() -> None:
    # Reels A, W, S. Line: any mix of A and W pays 6, three W pay 12 (7 + 1 of 27 stops).
    # Three S (1 of 27) pay 2x the bet and award 2 free spins, which re-award 2 on three S;
    # free spins triple every win.
    game = tiny_game(
        reels=(("A", "W", "S"),) * 3,
        line_pays=(("A", (0, 0, 0, 6)), ("W", (0, 0, 0, 12))),
        wild="W",
        scatter="S",
        scatter_pays=(0, 0, 0, 2),
        free_spins_award=(0, 0, 0, 2),
        free_spins_retrigger=(0, 0, 0, 2),
        free_multiplier=3,
    )
    paid_mean = Fraction(7 * 6 + 12 + 2, 27)
    free_mean = 3 * paid_mean
    award = Fraction(2, 27)
    free_spin_value = free_mean / (1 - award)  # a free spin plus all it retriggers
    theory = game.theory()
    assert theory.rtp == paid_mean + award * free_spin_value
    assert theory.free_spins_per_round == award / (1 - award)
    assert theory.hit_frequency == Fraction(9, 27)


def test_round_variance_matches_a_brute_force_round_distribution() -> None:
    """The closed-form variance (with the trigger's covariance) against explicit convolution."""
    game = tiny_game(
        reels=(("A", "S", "B"), ("A", "S", "C"), ("S", "A", "C", "B")),
        line_pays=(("A", (0, 0, 2, 6)), ("B", (0, 1))),
        scatter="S",
        scatter_pays=(0, 0, 1, 4),
        free_spins_award=(0, 0, 1, 3),
        free_spins_retrigger=(0, 0, 0, 1),
        free_multiplier=2,
    )
    paid = game.outcome_table(False)
    free = game.outcome_table(True)

    @functools.cache
    def free_total(spins: int, depth: int) -> dict[Fraction, Fraction]:
        """Distribution of the total of `spins` free spins and their retriggers (truncated depth)."""
        dist = {Fraction(0): Fraction(1)}
        for _ in range(spins):
            step: dict[Fraction, Fraction] = {}
            for w, a, p in zip(free.win_multiplier, free.free_spins_awarded, free.probability, strict=True):
                children = free_total(a, depth - 1) if a and depth else {Fraction(0): Fraction(1)}
                for total, q in dist.items():
                    for extra, r in children.items():
                        key = total + w + extra
                        step[key] = step.get(key, Fraction(0)) + q * p * r
            dist = step
        return dist

    mean = second = Fraction(0)
    for w, a, p in zip(paid.win_multiplier, paid.free_spins_awarded, paid.probability, strict=True):
        for extra, q in free_total(a, 6).items():
            mean += p * q * (w + extra)
            second += p * q * (w + extra) ** 2
    theory = game.theory()
    assert float(mean) == pytest.approx(float(theory.rtp), rel=1e-9)
    assert float(second - mean**2) == pytest.approx(float(theory.variance), rel=1e-9)


def test_a_wild_substitutes_only_for_the_symbols_it_lists() -> None:
    # Reels A, B, W; one row, one line. AAA pays 10, BBB 5, WWW 20. Runs of {A, W}: 8 of 27 stops,
    # WWW among them pays 20 and the 7 others pay 10; runs of {B, W} other than WWW: 7 more pay 5.
    pays = (("A", (0, 0, 0, 10)), ("B", (0, 0, 0, 5)), ("W", (0, 0, 0, 20)))
    every = tiny_game(reels=(("A", "B", "W"),) * 3, line_pays=pays, wild="W")
    only_a = tiny_game(reels=(("A", "B", "W"),) * 3, line_pays=pays, wild="W", wild_substitutes=("A",))
    assert every.theory().rtp == Fraction(7 * 10 + 20 + 7 * 5, 27)
    assert only_a.theory().rtp == Fraction(7 * 10 + 20 + 1 * 5, 27)  # BBB alone pays for B
    assert (only_a.line_win(("W", "W", "B")), only_a.line_win(("W", "A", "W")), every.line_win(("W", "W", "B"))) == (
        0,
        10,
        5,
    )


def test_a_wild_multiplier_doubles_the_line_wins_a_wild_completes() -> None:
    # Reels A, B, W; one row, one line; AAA 10, BBB 5, WWW 20, wins with a wild doubled.
    # WWW pays 20 (its own row, not doubled; A's 10 x 2 ties it). Mixed runs of A and W (6 of 27) pay
    # 10 x 2, AAA pays 10; mixed runs of B and W (6) pay 5 x 2, BBB pays 5.
    pays = (("A", (0, 0, 0, 10)), ("B", (0, 0, 0, 5)), ("W", (0, 0, 0, 20)))
    game = tiny_game(reels=(("A", "B", "W"),) * 3, line_pays=pays, wild="W", wild_multiplier=2)
    assert game.theory().rtp == Fraction(20 + 6 * 20 + 10 + 6 * 10 + 5, 27)
    assert (game.line_win(("W", "A", "A")), game.line_win(("A", "A", "A")), game.line_win(("B", "W", "A"))) == (
        20,
        10,
        0,
    )


def test_wilds_substitute_and_the_best_run_on_a_line_pays() -> None:
    game = GAMES["lucky-sevens"]
    assert game.line_win(("WILD", "WILD", "BAR")) == 20
    assert game.line_win(("WILD", "WILD", "WILD")) == 250
    assert game.line_win(("CHERRY", "WILD", "BLANK")) == 4
    assert game.line_win(("WILD", "BLANK", "SEVEN")) == 1  # a wild alone stands in for a cherry
    assert game.line_win(("BLANK", "CHERRY", "CHERRY")) == 0


def test_spin_at_reads_the_window_and_prices_scatters_in_total_bets() -> None:
    game = GAMES["dragon-hoard"]
    # Reels 1, 3, 5 show a scatter in the top row at these stops.
    stops = (11, 0, 11, 0, 11)
    window = game.window(stops)
    assert [col[0] for col in window[::2]] == ["SCATTER"] * 3
    outcome = game.spin_at(stops)
    assert outcome.feature == "free_spins" and outcome.free_spins_awarded == 15
    assert outcome.win_multiplier >= 10  # the scatter pay alone is 10x the bet


@pytest.mark.parametrize("game_id", ["lucky-sevens", "fortune-tiger"])
def test_every_reel_stop_through_the_scalar_path_gives_the_enumerated_table(game_id: str) -> None:
    game = GAMES[game_id]
    strips = game.strips(False)
    observed = Counter(game.spin_at(stops) for stops in product(*(range(len(strip)) for strip in strips)))
    table = game.outcome_table(False)
    expected = {
        SpinOutcome(w, f, a): p * game.reel_stop_count
        for w, f, a, p in zip(
            table.win_multiplier, table.feature, table.free_spins_awarded, table.probability, strict=True
        )
    }
    assert observed == expected


@pytest.mark.parametrize("game_id", ["dragon-hoard", "mega-vault"])
@pytest.mark.parametrize("free", [False, True])
def test_sampled_reel_stops_of_five_reel_games_agree_with_the_vectorised_enumeration(game_id: str, free: bool) -> None:
    game = GAMES[game_id]
    rules = game.rules
    strips = game.strips(free)
    line_credits, scatters, bonuses = enumerate_stops(game, free)
    rng = random.Random(5)
    for _ in range(300):
        stops = tuple(rng.randrange(len(s)) for s in strips)
        flat = int(np.ravel_multi_index(stops, tuple(len(s) for s in strips)))
        if rules.bonus and bonuses[flat] >= rules.bonus_min:
            continue  # wheel prizes are checked through the outcome tables
        credits = int(line_credits[flat]) + (
            rules.scatter_pays[scatters[flat]] * game.bet_credits if scatters[flat] < len(rules.scatter_pays) else 0
        )
        credits *= rules.free_multiplier if free else 1
        assert game.spin_at(stops, free).win_multiplier == Fraction(credits, game.bet_credits)


symbols = st.sampled_from(["A", "B", "W", "S", "X"])


@settings(max_examples=40, deadline=None)
@given(
    reels=st.lists(st.lists(symbols, min_size=2, max_size=5), min_size=3, max_size=3),
    rows=st.integers(1, 2),
    pays=st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(0, 20)),
    substitutes=st.sampled_from([None, ("A",), ("B",), ()]),
    multiplier=st.sampled_from([1, 1, 2, 3]),
)
def test_enumeration_equals_the_scalar_path_on_random_tiny_games(
    reels: list[list[str]], rows: int, pays: tuple[int, int, int], substitutes: tuple[str, ...] | None, multiplier: int
) -> None:
    lines = ((0, 0, 0), (rows - 1, 0, rows - 1))
    game = ReelGame(
        ReelRules(
            id="random",
            version="0",
            name="Random",
            reels=tuple(tuple(r) for r in reels),
            lines=lines,
            line_pays=(("A", (0, pays[0], pays[1], pays[2])), ("B", (0, 0, 1, 3)), ("W", (0, 0, 0, 7))),
            rows=rows,
            wild="W",
            wild_substitutes=substitutes,
            wild_multiplier=multiplier,
            scatter="S",
            scatter_pays=(0, 0, 1, 2),
        )
    )
    table = game.outcome_table(False)
    observed = Counter(game.spin_at(stops) for stops in product(*(range(len(r)) for r in reels)))
    total = game.reel_stop_count
    assert {
        SpinOutcome(w, f, a): p * total
        for w, f, a, p in zip(
            table.win_multiplier, table.feature, table.free_spins_awarded, table.probability, strict=True
        )
    } == observed


def test_outcome_tables_are_exact_distributions_with_the_documented_features() -> None:
    features_by_game = {}
    for game in GAMES.values():
        for free in (False, True):
            table = game.outcome_table(free)
            assert sum(table.probability) == 1
            assert len(set(zip(table.win_multiplier, table.feature, table.free_spins_awarded, strict=True))) == len(
                table.probability
            )
        features_by_game[game.id] = set(game.outcome_table(False).feature)
    assert features_by_game == {
        "lucky-sevens": {"none"},
        "fortune-tiger": {"none"},
        "dragon-hoard": {"none", "free_spins"},
        "mega-vault": {"none", "bonus", "jackpot"},
    }
    assert set(FEATURES) >= set().union(*features_by_game.values())


def test_same_seed_gives_identical_spins_and_another_seed_does_not() -> None:
    for game in GAMES.values():

        def spins(seed: int, game: ReelGame = game) -> list[SpinOutcome]:
            rng = random.Random(seed)
            return [game.spin(rng, free=i % 3 == 2) for i in range(300)]

        assert spins(42) == spins(42)
        assert spins(42) != spins(43)


def test_get_game_names_what_is_known_when_asked_for_something_unknown() -> None:
    assert get_game("fortune-tiger").version == "1.4.2"
    assert get_game("fortune-tiger", "1.4.2") is GAMES["fortune-tiger"]
    with pytest.raises(KeyError, match="unknown game id 'no-such-game'; known games: dragon-hoard"):
        get_game("no-such-game")
    with pytest.raises(KeyError, match=r"has no version '9\.9\.9'; it has '1\.4\.2'"):
        get_game("fortune-tiger", "9.9.9")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": ((0, 0),)}, "one row index per reel"),
        ({"lines": ((0, 0, 1),)}, "rows must lie in 0..0"),
        ({"reels": (("A",), ("A",), ())}, "shorter than the window"),
        ({"bonus": "V"}, "needs a wheel"),
        ({"free_spins_award": (0, 0, 0, 5000)}, "at most 1023 free spins"),
        ({"wild": "B", "wild_substitutes": ("C",)}, "wild_substitutes needs a wild and names paytable symbols only"),
        ({"wild_multiplier": 2}, "wild_multiplier must be a whole number >= 1, and needs a wild"),
    ],
)
def test_invalid_rules_are_rejected_with_the_reason(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tiny_game(**changes)


def test_a_feature_that_never_ends_is_rejected() -> None:
    game = tiny_game(
        reels=(("S",),) * 3,
        line_pays=(("A", (0, 0, 0, 1)),),
        scatter="S",
        free_spins_award=(0, 0, 0, 1),
        free_spins_retrigger=(0, 0, 0, 1),
    )
    with pytest.raises(ValueError, match="never ends"):
        game.theory()
