"""The game-math gate: known answers on a hand-computable 3x3 game, enumeration against Monte Carlo,
wrong declared figures and reel changes caught, the same seed giving the same report."""

from __future__ import annotations

import json
import random
from decimal import Context, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from spinscope.catalog import load_catalog
from spinscope.cli import main
from spinscope.gamemath.compare import Thresholds, compare
from spinscope.gamemath.verify import MathError, TopWin, verify_parsheet
from spinscope.sim.games import GAMES
from spinscope.sim.games.parsheet import parse_parsheet_text
from spinscope.sim.games.reeldraws import ReelEvaluator
from spinscope.sim.games.registry import shipped_parsheet_paths, shipped_parsheets

# A 3x3 window, two symbols. Every reel is "A A B", so each reel's column is a rotation of
# (A, A, B): the B sits on row 0, 1 or 2 with probability 1/3 each, independently per reel.
# Three lines (the rows); AAA pays 1 credit, BBB pays 10; a paid spin stakes 3 credits.
# Over the 27 equally likely B positions (b1, b2, b3):
# - all equal (3): that row pays BBB = 10, the two others AAA = 1 each: 12 credits;
# - two equal (18): two rows hold a B and pay nothing, one row pays AAA: 1 credit;
# - all different (6): every row holds one B: nothing.
TINY = """\
format: spinscope-parsheet/1
id: tiny
version: "1.0"
name: Tiny
window: {reels: 3, rows: 3}
reels:
  base: ["A A B", "A A B", "A A B"]
paylines: [[0, 0, 0], [1, 1, 1], [2, 2, 2]]
paytable:
  A: {3: 1}
  B: {3: 10}
declared: {rtp: "0.666667", std_dev: "1.1863", hit_frequency: "0.777778"}
"""
TINY_RTP = Fraction(3 * 12 + 18 * 1, 27 * 3)  # 2/3
TINY_SECOND = Fraction(3 * 12**2 + 18 * 1**2, 27 * 3**2)
TINY_VARIANCE = TINY_SECOND - TINY_RTP**2  # 38/27
TINY_HIT = Fraction(21, 27)

# One stop changed: reel 3 becomes "A A A" (its B is now an A). Over the 9 positions (b1, b2):
# - b1 == b2 (3): that row reads B B A and pays nothing, the two others pay AAA: 2 credits;
# - b1 != b2 (6): two rows hold a B, one pays AAA: 1 credit. Every spin wins.
CHANGED = TINY.replace('"A A B"]', '"A A A"]').replace('version: "1.0"', 'version: "1.1"')
CHANGED_RTP = Fraction(3 * 2 + 6 * 1, 9 * 3)  # 4/9


def sheet(text: str = TINY, **declared: str):
    if declared:
        text = text.replace(
            'declared: {rtp: "0.666667", std_dev: "1.1863", hit_frequency: "0.777778"}',
            "declared: {" + ", ".join(f'{k}: "{v}"' for k, v in declared.items()) + "}",
        )
    return parse_parsheet_text(text, "tiny.yaml")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_tiny_game_gives_the_hand_computed_figures() -> None:
    result = verify_parsheet(sheet(), rounds=0)
    exact = result.exact
    assert exact is not None
    assert (exact.rtp, exact.variance, exact.hit_frequency) == (Fraction(2, 3), Fraction(38, 27), Fraction(7, 9))
    assert (exact.rtp, exact.variance, exact.hit_frequency) == (TINY_RTP, TINY_VARIANCE, TINY_HIT)
    reference = Context(prec=60).sqrt(Context(prec=60).divide(Decimal(38), Decimal(27)))
    assert exact.std_dev.quantize(Decimal("1e-25")) == reference.quantize(Decimal("1e-25"))
    assert exact.top_wins == (TopWin(Fraction(4), Fraction(3, 27)), TopWin(Fraction(1, 3), Fraction(18, 27)))
    assert [(c.figure, c.status) for c in result.checks] == [
        ("rtp", "pass"),
        ("std_dev", "pass"),
        ("hit_frequency", "pass"),
    ]
    assert result.passed


def test_enumeration_lies_inside_the_monte_carlo_intervals_of_the_tiny_game() -> None:
    result = verify_parsheet(sheet(), rounds=20_000, seed=7)
    mc = result.monte_carlo
    assert mc is not None and (mc.rounds, mc.spins, mc.seed) == (20_000, 20_000, 7)
    for name, exact in (("rtp", TINY_RTP), ("hit_frequency", TINY_HIT)):
        interval = mc.figure(name)
        assert interval.low < float(exact) < interval.high
        assert interval.high - interval.low < 0.06  # the interval is informative, not vacuous
    assert mc.std_dev.low < float(TINY_VARIANCE) ** 0.5 < mc.std_dev.high
    assert [c.status for c in result.checks if c.kind == "cross-check"] == ["pass", "advisory pass", "pass"]


@pytest.mark.parametrize("game_id", sorted(GAMES))
def test_enumeration_lies_inside_the_monte_carlo_intervals_of_each_shipped_game(game_id: str) -> None:
    game = GAMES[game_id]
    result = verify_parsheet(sheet_of(game_id), rounds=30_000, seed=3)
    theory = game.theory()
    assert result.exact is not None and (result.exact.rtp, result.exact.variance) == (theory.rtp, theory.variance)
    mc = result.monte_carlo
    assert mc is not None
    assert mc.rtp.low < float(theory.rtp) < mc.rtp.high
    assert mc.hit_frequency.low < float(theory.hit_frequency) < mc.hit_frequency.high
    assert result.passed


def sheet_of(game_id: str):
    return next(s for s in shipped_parsheets() if s.rules.id == game_id)


@pytest.mark.parametrize("game_id", sorted(GAMES))
@pytest.mark.parametrize("free", [False, True])
def test_reel_draws_evaluate_stops_as_the_scalar_engine_does(game_id: str, free: bool) -> None:
    game = GAMES[game_id]
    evaluator = ReelEvaluator(game, free)
    rng = random.Random(11)
    strips = game.strips(free)
    stops = [tuple(rng.randrange(len(s)) for s in strips) for _ in range(400)]
    wheel = [rng.randrange(max(len(game.rules.wheel), 1)) for _ in stops]
    credits, award, _ = evaluator.evaluate([np.array(col) for col in zip(*stops, strict=True)], np.array(wheel))
    for i, (spin_stops, slice_index) in enumerate(zip(stops, wheel, strict=True)):
        outcome = game.spin_at(spin_stops, free, wheel_index=slice_index)
        assert Fraction(int(credits[i]), game.bet_credits) == outcome.win_multiplier
        assert int(award[i]) == outcome.free_spins_awarded


def test_a_wrong_declared_rtp_fails_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = sheet(rtp="0.666", std_dev="1.1863", hit_frequency="0.777778")
    result = verify_parsheet(wrong, rounds=0)
    (rtp_check,) = [c for c in result.checks if c.figure == "rtp"]
    assert (rtp_check.expected, rtp_check.status, result.passed) == ("0.666 ± 0.0005", "fail", False)

    path = write(tmp_path, "tiny.yaml", TINY.replace('rtp: "0.666667"', 'rtp: "0.666"'))
    assert main(["math", "verify", path, "--rounds", "1000", "--markdown"]) == 1
    report = capsys.readouterr().out
    assert report.startswith("### ❌ Game math: Tiny `tiny` 1.0")
    assert "**Gate fails:** declared RTP fails." in report
    assert "| declared RTP | 0.666 ± 0.0005 | exact 0.66666667 | ❌ fail |" in report


@pytest.mark.parametrize("index", range(4))
def test_every_shipped_par_sheet_passes_the_gate(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["math", "verify", str(shipped_parsheet_paths()[index]), "--rounds", "0"]) == 0
    assert "Every declared figure holds." in capsys.readouterr().out


def test_the_text_report_aligns_its_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["math", "verify", write(tmp_path, "tiny.yaml", TINY), "--rounds", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "✅ Game math: Tiny tiny 1.0",
        "",
        f"Par sheet {tmp_path}/tiny.yaml. Every declared figure holds.",
    ]
    assert lines[4:8] == [
        "figure         exact       Monte Carlo (interval)  declared",
        "RTP            0.66666667  —                       0.666667 ± 0.0000005",
        "std dev        1.186342    —                       1.1863 ± 0.00005",
        "hit frequency  0.77777778  —                       0.777778 ± 0.0000005",
    ]


def test_a_shipped_sheet_one_unit_off_in_the_last_place_fails(tmp_path: Path) -> None:
    original = shipped_parsheet_paths()[0].read_text(encoding="utf-8")
    assert "rtp: '0.959556'" in original
    path = write(tmp_path, "lucky.yaml", original.replace("rtp: '0.959556'", "rtp: '0.959557'"))
    assert main(["math", "verify", path, "--rounds", "0"]) == 1
    assert main(["math", "verify", str(shipped_parsheet_paths()[0]), "--rounds", "0"]) == 0


def test_against_reports_a_one_symbol_reel_change_with_its_exact_rtp_shift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = verify_parsheet(sheet(), rounds=0)
    new = verify_parsheet(sheet(CHANGED), rounds=0)
    comparison = compare(old, new)
    rtp, std, hit = comparison.changes
    assert (rtp.exact_shift, hit.exact_shift) == (CHANGED_RTP - TINY_RTP, Fraction(1) - TINY_HIT)
    assert (rtp.exact_shift, hit.exact_shift) == (Fraction(-2, 9), Fraction(2, 9))
    assert (rtp.status, std.status, hit.status, comparison.passed) == ("exceeds", "exceeds", "exceeds", False)
    assert rtp.shift == "-0.22222222 (exactly -2/9)"

    old_path, new_path = write(tmp_path, "old.yaml", TINY), write(tmp_path, "new.yaml", CHANGED)
    assert main(["math", "verify", new_path, "--against", old_path, "--rounds", "0", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["passed"] is False
    changes = document["comparison"]["changes"]
    assert [(c["figure"], c["exact_shift"], c["status"]) for c in changes] == [
        ("rtp", "-2/9", "exceeds"),
        ("std_dev", None, "exceeds"),
        ("hit_frequency", "2/9", "exceeds"),
    ]
    # The new sheet still declares the old figures: those checks fail too.
    assert [c["status"] for c in document["verification"]["checks"]] == ["fail", "fail", "fail"]


def test_changes_within_their_thresholds_pass_and_unchanged_math_needs_no_new_version(tmp_path: Path) -> None:
    undeclared = CHANGED.replace(CHANGED.splitlines()[-1], "")
    old_path, new_path = write(tmp_path, "old.yaml", TINY), write(tmp_path, "new.yaml", undeclared)
    loose = ["--max-rtp-shift", "0.3", "--max-std-dev-change", "1", "--max-hit-frequency-shift", "0.3"]
    assert main(["math", "verify", new_path, "--against", old_path, "--rounds", "0", *loose]) == 0
    assert main(["math", "verify", old_path, "--against", old_path, "--rounds", "0"]) == 0


def test_changed_math_under_the_same_version_fails() -> None:
    same_version = CHANGED.replace('version: "1.1"', 'version: "1.0"')
    comparison = compare(
        verify_parsheet(sheet(), rounds=0), verify_parsheet(sheet(same_version), rounds=0), Thresholds()
    )
    assert [(c.kind, c.status) for c in comparison.checks] == [("version", "fail")]


def test_same_seed_gives_the_same_report_and_another_seed_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "tiny.yaml", TINY)
    reports = []
    for seed in ("5", "5", "6"):
        assert main(["math", "verify", path, "--rounds", "3000", "--seed", seed, "--json"]) == 0
        reports.append(capsys.readouterr().out)
    assert reports[0] == reports[1] != reports[2]


def test_without_enumeration_declared_figures_are_judged_against_the_monte_carlo_interval() -> None:
    right = verify_parsheet(sheet(), rounds=20_000, seed=2, enumerate_limit=10)
    assert right.exact is None and right.exact_skipped == "27 reel-stop combinations exceed the enumeration limit of 10"
    assert [(c.kind, c.status) for c in right.checks] == [("declared", "pass")] * 3
    wrong = verify_parsheet(sheet(rtp="0.75"), rounds=20_000, seed=2, enumerate_limit=10)
    assert [(c.figure, c.status) for c in wrong.checks] == [
        ("rtp", "fail"),
        ("std_dev", "not declared"),
        ("hit_frequency", "not declared"),
    ]


def test_catalog_build_takes_par_sheets_and_refuses_wrong_declared_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "games.yaml"
    assert main(["catalog", "build", write(tmp_path, "tiny.yaml", TINY), "--out", str(out)]) == 0
    entry = load_catalog(out)[("tiny", "1.0")]
    assert (entry.rtp, entry.std_dev, entry.hit_frequency) == (
        Decimal("0.666667"),
        Decimal("1.1863"),
        Decimal("0.777778"),
    )
    wrong = write(tmp_path, "wrong.yaml", TINY.replace('rtp: "0.666667"', 'rtp: "0.6"'))
    assert main(["catalog", "build", wrong, "--out", str(tmp_path / "other.yaml")]) == 2
    assert "wrong.yaml: rtp declared 0.6 ± 0.05, exact 0.66666667; fix the declared figures" in capsys.readouterr().err
    assert not (tmp_path / "other.yaml").exists()


def test_a_wild_listing_its_substitutes_is_verified_by_both_routes() -> None:
    # Reels A, B, W; one row, one line; the wild stands in for A only. Of the 27 stops, WWW pays 20,
    # the 7 other runs of {A, W} pay 10, and BBB alone pays 5 (hand count: see test_games.py).
    text = """\
format: spinscope-parsheet/1
id: wild-a
version: "1"
name: Wild for A
window: {reels: 3, rows: 1}
reels: {base: ["A B W", "A B W", "A B W"]}
paylines: [[0, 0, 0]]
paytable: {A: {3: 10}, B: {3: 5}, W: {3: 20}}
wild: {symbol: W, substitutes: [A]}
"""
    result = verify_parsheet(parse_parsheet_text(text), rounds=20_000, seed=4)
    assert result.exact is not None and result.exact.rtp == Fraction(7 * 10 + 20 + 5, 27)
    assert [c.status for c in result.checks if c.kind == "cross-check"] == ["pass", "advisory pass", "pass"]


def test_a_feature_that_never_ends_is_refused_by_both_routes() -> None:
    endless = parse_parsheet_text(
        TINY.replace('"A A B", "A A B", "A A B"', '"S S S", "S S S", "S S S"').replace(
            "paytable:", "scatter: {symbol: S}\nfree_spins: {award: {9: 2}, retrigger: {9: 2}}\npaytable:"
        ),
        "endless.yaml",
    )
    with pytest.raises(MathError, match="the feature never ends"):
        verify_parsheet(endless, rounds=100)
    with pytest.raises(MathError, match=r"endless\.yaml: tiny: over 1,000 free spins per round are pending"):
        verify_parsheet(endless, rounds=100, enumerate_limit=1)


def test_against_without_enumeration_compares_the_monte_carlo_estimates() -> None:
    old = verify_parsheet(sheet(), rounds=20_000, seed=10, enumerate_limit=1)
    new = verify_parsheet(sheet(CHANGED, rtp="0.444444"), rounds=20_000, seed=10, enumerate_limit=1)
    comparison = compare(old, new)
    rtp = comparison.changes[0]
    assert (comparison.route, rtp.exact_shift, rtp.status) == ("Monte Carlo", None, "exceeds")
    shift = Decimal(rtp.shift)
    # The hand-computed shift, within four standard errors of the difference of two independent means.
    error = (float(TINY_VARIANCE) / 20_000 + (2 / 81) / 20_000) ** 0.5
    assert abs(float(shift) - float(CHANGED_RTP - TINY_RTP)) < 4 * error
    assert [w.win for w in comparison.top_wins][:1] == [Fraction(4)]  # the old game's 12-credit round


def test_a_wild_multiplier_is_verified_by_both_routes() -> None:
    # As in test_games.py: WWW 20, six mixed A/W runs 10 x 2, AAA 10, six mixed B/W runs 5 x 2, BBB 5.
    text = """\
format: spinscope-parsheet/1
id: wild-x2
version: "1"
name: Wild doubles
window: {reels: 3, rows: 1}
reels: {base: ["A B W", "A B W", "A B W"]}
paylines: [[0, 0, 0]]
paytable: {A: {3: 10}, B: {3: 5}, W: {3: 20}}
wild: {symbol: W, multiplier: 2}
"""
    result = verify_parsheet(parse_parsheet_text(text), rounds=20_000, seed=4)
    assert result.exact is not None and result.exact.rtp == Fraction(20 + 6 * 20 + 10 + 6 * 10 + 5, 27)
    assert [c.status for c in result.checks if c.kind == "cross-check"] == ["pass", "advisory pass", "pass"]
