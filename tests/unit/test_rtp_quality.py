"""Quality targets of the RTP issue, measured by simulating the real game math (sim.games).

Spins are drawn from each game's exact outcome tables (`sample_rounds`: paid spins plus their
free spins), with stakes varying per round (six levels, most players at the lowest), so n_eff
is well below N as in production. Traffic per game-week is the demo's: about 10 M spins a
week split by game popularity, in hourly batches. Targets (issue 5):
- the 95 % band covers clean games' RTP 93–97 % of the time;
- ≤ 1 false `drift` across 100 clean game-version-weeks;
- a 2-point shift on a σ ≈ 8 game is flagged within 1.5× the planner's spins for 80 % power.
The full measurements are `slow` (minutes); a reduced coverage check runs with the unit tests.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from spinscope.catalog import load_catalog
from spinscope.rtp import DetectorSettings, RtpSums, detect, rtp_summary, spins_to_detect, thresholds_for_budget
from spinscope.sim.games import get_game, sample_rounds

GAMES_YAML = Path(__file__).resolve().parents[2] / "config" / "games.yaml"
CATALOG = {key[0]: entry for key, entry in load_catalog(GAMES_YAML).items()}
LEVELS = np.array([1, 2, 5, 10, 20, 50])  # stake per round, in multiples of the minimum bet
LEVEL_P = 0.45 * 0.55 ** np.arange(len(LEVELS))
LEVEL_P /= LEVEL_P.sum()
DILUTION = float((LEVEL_P * LEVELS**2).sum() / (LEVEL_P * LEVELS).sum() ** 2)  # spins per effective spin: 4.43
SPINS_PER_WEEK = {
    "fortune-tiger": 3_500_000,
    "lucky-sevens": 3_000_000,
    "dragon-hoard": 2_000_000,
    "mega-vault": 1_500_000,
}
HOURS = 168
BUDGET = {"false_drifts_per_period": 0.005, "false_watches_per_period": 0.25}  # per stream per week


def _decimal(x: float) -> Decimal:
    return Decimal(int(x)) if float(x).is_integer() else Decimal(repr(float(x)))


def simulate(game_id: str, rng: np.random.Generator, rounds: int, batches: int, scale: float = 1.0) -> list[RtpSums]:
    """`rounds` rounds split in order into `batches` windows; wins × `scale` shifts RTP by (scale − 1)·μ."""
    game = get_game(game_id)
    drawn = sample_rounds(game, rng, rounds)
    level = LEVELS[rng.choice(len(LEVELS), size=rounds, p=LEVEL_P)]
    bet_round = (level * drawn.units_per_bet).astype(float)
    batch_round = (np.arange(rounds) * batches) // rounds
    win = drawn.win_units * level[drawn.round_index] * scale
    bet_spin = np.where(drawn.is_free, 0.0, bet_round[drawn.round_index])
    batch_spin = batch_round[drawn.round_index]
    columns = [
        np.bincount(batch_spin, minlength=batches),
        np.bincount(batch_round, weights=bet_round, minlength=batches),
        np.bincount(batch_spin, weights=win, minlength=batches),
        np.bincount(batch_round, weights=bet_round**2, minlength=batches),
        np.bincount(batch_spin, weights=win**2, minlength=batches),
        np.bincount(batch_spin, weights=win * bet_spin, minlength=batches),
    ]
    return [RtpSums(int(columns[0][i]), *(_decimal(c[i]) for c in columns[1:])) for i in range(batches)]


def band_coverage(game_id: str, runs: int, rounds_per_run: int, seed: int) -> float:
    entry = CATALOG[game_id]
    rng = np.random.default_rng(seed)
    inside = done = 0
    per_draw = max(1, 20_000_000 // rounds_per_run)
    while done < runs:
        k = min(per_draw, runs - done)
        for sums in simulate(game_id, rng, rounds_per_run * k, k):
            inside += rtp_summary(sums, entry.rtp, entry.std_dev).state == "in_band"
        done += k
    return inside / runs


def rounds_per_week(game_id: str) -> int:
    free = get_game(game_id).theory().free_spins_per_round or 0
    return int(SPINS_PER_WEEK[game_id] / (1 + float(free)))


def weekly_settings(game_id: str) -> DetectorSettings:
    entry = CATALOG[game_id]
    return thresholds_for_budget(entry.std_dev, "0.02", rounds_per_week(game_id) / DILUTION, **BUDGET)


def test_band_coverage_on_clean_games_is_near_95_percent() -> None:
    # Reduced run (300 windows each): binomial sd 1.3 points, so the check is 95 ± 4 points.
    for game_id, rounds in (("lucky-sevens", 20_000), ("fortune-tiger", 40_000)):
        assert 0.91 <= band_coverage(game_id, 300, rounds, seed=5) <= 0.99, game_id


@pytest.mark.slow
def test_band_coverage_target_on_every_clean_game() -> None:
    plans = {
        "lucky-sevens": (2000, 50_000),
        "fortune-tiger": (2000, 50_000),
        "dragon-hoard": (800, 300_000),
        "mega-vault": (500, 1_000_000),
    }
    coverage = {g: band_coverage(g, runs, rounds, seed=17) for g, (runs, rounds) in plans.items()}
    print("band coverage:", {g: round(c, 4) for g, c in coverage.items()})
    pooled = sum(coverage[g] * plans[g][0] for g in plans) / sum(runs for runs, _ in plans.values())
    assert 0.93 <= pooled <= 0.97
    assert all(0.92 <= c <= 0.98 for c in coverage.values()), coverage  # per game, ±3 sd of 500–2000 runs


@pytest.mark.slow
def test_at_most_one_false_drift_in_100_clean_game_version_weeks() -> None:
    rng = np.random.default_rng(23)
    drifts, watches = 0, 0
    for game_id in SPINS_PER_WEEK:
        entry, settings = CATALOG[game_id], weekly_settings(game_id)
        for _ in range(25):
            week = simulate(game_id, rng, rounds_per_week(game_id), HOURS)
            result = detect(list(enumerate(week)), entry.rtp, entry.std_dev, settings)
            drifts += result.ever_drift
            watches += bool(result.episodes)
    print(f"100 clean game-version-weeks: {drifts} false drift, {watches} false watch")
    assert drifts <= 1


@pytest.mark.slow
def test_two_point_shift_on_a_sigma_8_game_is_flagged_within_1_5x_the_planned_spins() -> None:
    game_id = "fortune-tiger"  # σ = 7.49; wins × (μ0 + 0.02)/μ0 add 2 points and make σ ≈ 7.65
    entry, settings = CATALOG[game_id], weekly_settings(game_id)
    mu0 = float(entry.rtp)
    planned = spins_to_detect(entry.std_dev, "0.02") * DILUTION  # recorded spins for 80 % power
    per_hour = rounds_per_week(game_id) // HOURS
    rng = np.random.default_rng(29)
    flagged, drifted = [], []
    for _ in range(60):
        batches = simulate(game_id, rng, per_hour * 24, 24)  # a clean day first: the CUSUM is not at 0
        first_flag = first_drift = None
        while first_drift is None and (len(batches) - 24) * per_hour < 2.5 * planned:
            batches += simulate(game_id, rng, per_hour * 24, 24, scale=(mu0 + 0.02) / mu0)
            points = detect(list(enumerate(batches)), entry.rtp, entry.std_dev, settings).points[24:]
            over = [i for i, p in enumerate(points) if p.s_over >= settings.h_watch]
            first_flag = over[0] if over else None
            drift = [i for i, p in enumerate(points) if p.s_over >= settings.h_drift]
            first_drift = drift[0] if drift else None
        flagged.append(np.inf if first_flag is None else (first_flag + 1) * per_hour / planned)
        drifted.append(np.inf if first_drift is None else (first_drift + 1) * per_hour / planned)
    flag_rate = float(np.mean(np.array(flagged) <= 1.5))
    print(
        f"planned {planned:,.0f} spins; flagged (watch) within 1.5x: {flag_rate:.0%}, median "
        f"{np.median(flagged):.2f}x; drift within 1.5x: {np.mean(np.array(drifted) <= 1.5):.0%}, "
        f"median {np.median(drifted):.2f}x"
    )
    assert flag_rate >= 0.8
    assert np.median(drifted) <= 1.5
