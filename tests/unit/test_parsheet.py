"""Par sheets: the shipped games as YAML give today's exact figures; hand-written sheets load field by field."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from spinscope.catalog import load_catalog
from spinscope.sim.games import GAMES, ReelGame, ReelRules, WheelSlice
from spinscope.sim.games.parsheet import (
    Declared,
    ParSheetError,
    dump_parsheet,
    load_parsheet,
    parse_parsheet_text,
)
from spinscope.sim.games.registry import SHIPPED, shipped_parsheet_paths, shipped_parsheets

REPO = Path(__file__).resolve().parents[2]

# Today's exact figures of the Python-written games (before they became par sheets), copied
# from tests/unit/test_games_theory.py: (version, rtp, hit frequency, variance of the round).
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

FREE_SPINS_SHEET = """\
format: spinscope-parsheet/1
id: tiny-free
version: "0.1"
name: Tiny Free Spins
window: {reels: 3, rows: 1}
reels:
  base: ["A W S", "A W S", [A, W, S]]
  free: ["A A W S", "A W S", "A W S"]
paylines: [[0, 0, 0]]
paytable:
  A: {3: 6}
  W: {3: 12}
wild: {symbol: W, substitutes: all, multiplier: 2}
scatter: {symbol: S, pays: {3: 2}}
free_spins: {award: {3: 2}, retrigger: {3: 2}, multiplier: 3}
bonus:
  symbol: W
  min_count: 2
  wheel:
    - {prize: 10, weight: 3}
    - {prize: 500, weight: 1, feature: jackpot}
declared: {rtp: "1.5", tolerance: {rtp: "0.01"}}
faults:
  under: {reel: 2, stops: {0: S}}
"""


def test_the_shipped_par_sheets_give_todays_exact_figures() -> None:
    sheets = shipped_parsheets()
    assert [s.rules.id for s in sheets] == ["lucky-sevens", "fortune-tiger", "dragon-hoard", "mega-vault"]
    for sheet in sheets:
        theory = ReelGame(sheet.rules).theory()
        assert (sheet.rules.version, theory.rtp, theory.hit_frequency, theory.variance) == EXACT[sheet.rules.id]


def test_the_registry_plays_the_shipped_par_sheets() -> None:
    assert {gid: game.rules for gid, game in GAMES.items()} == {s.rules.id: s.rules for s in shipped_parsheets()}
    assert [p.name for p in shipped_parsheet_paths()] == [f"{name}.yaml" for name in SHIPPED]
    assert all(p.is_file() for p in shipped_parsheet_paths())


def test_declared_figures_of_the_shipped_sheets_are_the_committed_catalogs() -> None:
    catalog = load_catalog(REPO / "config" / "games.yaml")
    for sheet in shipped_parsheets():
        entry = catalog[(sheet.rules.id, sheet.rules.version)]
        declared = sheet.declared
        assert (declared.rtp, declared.std_dev, declared.hit_frequency) == (
            entry.rtp,
            entry.std_dev,
            entry.hit_frequency,
        )


def test_a_hand_written_sheet_loads_every_field_into_the_rules() -> None:
    sheet = parse_parsheet_text(FREE_SPINS_SHEET, "tiny.yaml")
    assert sheet.rules == ReelRules(
        id="tiny-free",
        version="0.1",
        name="Tiny Free Spins",
        reels=(("A", "W", "S"),) * 3,
        lines=((0, 0, 0),),
        line_pays=(("A", (0, 0, 0, 6)), ("W", (0, 0, 0, 12))),
        rows=1,
        wild="W",
        wild_multiplier=2,
        scatter="S",
        scatter_pays=(0, 0, 0, 2),
        free_spins_award=(0, 0, 0, 2),
        free_reels=(("A", "A", "W", "S"), ("A", "W", "S"), ("A", "W", "S")),
        free_spins_retrigger=(0, 0, 0, 2),
        free_multiplier=3,
        bonus="W",
        bonus_min=2,
        wheel=(WheelSlice(10, 3), WheelSlice(500, 1, "jackpot")),
        missets=(("under", (2, ((0, "S"),))),),
    )
    assert sheet.declared == Declared(rtp=Decimal("1.5"), tolerance={"rtp": Decimal("0.01")})
    assert (sheet.declared.tolerance_of("rtp"), sheet.declared.tolerance_of("std_dev")) == (Decimal("0.01"), 0)


def test_the_default_tolerance_is_half_a_unit_in_the_declared_last_place() -> None:
    declared = Declared(rtp=Decimal("0.9650"), std_dev=Decimal("14"), hit_frequency=Decimal("0.25"))
    assert [declared.tolerance_of(n) for n in ("rtp", "std_dev", "hit_frequency")] == [
        Decimal("0.00005"),
        Decimal("0.5"),
        Decimal("0.005"),
    ]


@pytest.mark.parametrize("game_id", sorted(EXACT))
def test_dumped_sheets_read_back_to_the_same_rules(game_id: str) -> None:
    rules = GAMES[game_id].rules
    declared = Declared(rtp=Decimal("0.95"), tolerance={"rtp": Decimal("0.01")})
    sheet = parse_parsheet_text(dump_parsheet(rules, declared), "dumped.yaml")
    assert (sheet.rules, sheet.declared) == (rules, declared)


def test_dump_of_a_hand_written_sheet_reads_back_equal() -> None:
    sheet = parse_parsheet_text(FREE_SPINS_SHEET)
    again = parse_parsheet_text(dump_parsheet(sheet.rules, sheet.declared))
    assert (again.rules, again.declared) == (sheet.rules, sheet.declared)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("format: spinscope-parsheet/1", "format: 2"),
            "tiny.yaml: format: 2 is not supported; write 'format: spinscope",
        ),
        (('version: "0.1"', "version: 0.1"), "tiny.yaml: version: expected a non-empty string, got 0.1 (quote it"),
        (
            ("window: {reels: 3, rows: 1}", "window: {reels: 4, rows: 1}"),
            "reels.base: expected a list of 4 reel strips",
        ),
        (("paylines: [[0, 0, 0]]", "paylines: [[0, 1, 0]]"), "paylines[0]: rows count from 0 (top) to 0"),
        (("A: {3: 6}", "A: {3: -6}"), "paytable.A.3: expected a whole number >= 0, got -6"),
        (
            ("substitutes: all", "substitutes: [Z]"),
            "wild.substitutes: ['Z'] must be 'all' or a list of paytable symbols (A, W)",
        ),
        (("scatter: {symbol: S,", "scatter: {symbol: X,"), "scatter.symbol: 'X' is on no reel strip"),
        (("multiplier: 3", "multiplier: 3, extra: 1"), "free_spins: unknown field(s) extra; known fields: award"),
        (("feature: jackpot", "feature: cash"), "bonus.wheel[1].feature: 'cash' must be 'bonus' or 'jackpot'"),
        (('rtp: "1.5"', 'rtp: "high"'), "declared.rtp: 'high' is not a decimal number"),
        (("{0: S}", "{7: S}"), "faults.under.stops: reel 2 has stops 0 to 2"),
        (("free_spins: {award: {3: 2}, retrigger: {3: 2}, multiplier: 3}", ""), "free reels need 'free_spins.award'"),
    ],
)
def test_invalid_sheets_are_rejected_naming_file_field_and_fix(change: tuple[str, str], message: str) -> None:
    text = FREE_SPINS_SHEET.replace(*change)
    assert text != FREE_SPINS_SHEET
    with pytest.raises(ParSheetError) as caught:
        parse_parsheet_text(text, "tiny.yaml")
    assert message in str(caught.value)


def test_a_missing_par_sheet_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ParSheetError, match=r"nothing\.yaml: cannot read the par sheet"):
        load_parsheet(tmp_path / "nothing.yaml")
