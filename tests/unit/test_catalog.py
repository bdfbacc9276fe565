"""The game catalog: built from the exact math, written as the spec's YAML, read back strictly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from spinscope.catalog import CatalogEntry, CatalogError, build_catalog, decimal_string, load_catalog, write_catalog
from spinscope.sim.games import GAMES, MISSET_SUFFIX, misconfigured

REPO = Path(__file__).resolve().parents[2]


def test_catalog_lists_each_intended_game_with_decimal_string_figures() -> None:
    catalog = build_catalog(GAMES.values())
    assert [(e["id"], e["version"], e["rtp"], e["std_dev"], e["hit_frequency"]) for e in catalog["games"]] == [
        ("dragon-hoard", "3.1.0", "0.959446", "14.6532", "0.226906"),
        ("fortune-tiger", "1.4.2", "0.966481", "7.4894", "0.231037"),
        ("lucky-sevens", "2.0.1", "0.959556", "2.6694", "0.566519"),
        ("mega-vault", "1.0.0", "0.943375", "42.3273", "0.489219"),
    ]
    assert all(e["method"].startswith("rtp: exact, enumeration of") for e in catalog["games"])


def test_written_catalog_reads_back_to_the_same_figures(tmp_path: Path) -> None:
    path = write_catalog(tmp_path / "nested" / "games.yaml", GAMES.values())
    catalog = load_catalog(path)
    tiger = catalog[("fortune-tiger", "1.4.2")]
    assert tiger == CatalogEntry(
        "fortune-tiger",
        "1.4.2",
        Decimal("0.966481"),
        Decimal("7.4894"),
        Decimal("0.231037"),
        GAMES["fortune-tiger"].theory().method,
    )
    assert sorted(catalog) == sorted((g.id, g.version) for g in GAMES.values())
    assert not any(MISSET_SUFFIX in version for _, version in catalog)


def test_the_committed_catalog_is_the_generated_one(tmp_path: Path) -> None:
    committed = REPO / "config" / "games.yaml"
    fresh = write_catalog(tmp_path / "games.yaml", GAMES.values())
    assert committed.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        "config/games.yaml is stale: regenerate it with `spinscope catalog build`"
    )


def test_catalog_of_chosen_games_may_include_a_misset_variant_when_asked() -> None:
    variant = misconfigured(GAMES["lucky-sevens"], "over")
    (entry,) = build_catalog([variant])["games"]
    assert (entry["version"], entry["rtp"]) == ("2.0.1-missetreel-over", "0.990222")


def test_the_spec_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "games.yaml"
    path.write_text(
        "games:\n"
        "  - id: fortune-tiger\n"
        "    version: 1.4.2\n"
        '    rtp: "0.9650"        # theoretical RTP of this version\n'
        '    std_dev: "7.9"\n'
        '    hit_frequency: "0.28"   # optional\n'
        "  - id: other\n"
        '    version: "2.0"\n'
        "    rtp: 0.95\n"
        "    std_dev: 3\n",
        encoding="utf-8",
    )
    assert load_catalog(path) == {
        ("fortune-tiger", "1.4.2"): CatalogEntry(
            "fortune-tiger", "1.4.2", Decimal("0.9650"), Decimal("7.9"), Decimal("0.28"), None
        ),
        ("other", "2.0"): CatalogEntry("other", "2.0", Decimal("0.95"), Decimal("3"), None, None),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("games: [", "not valid YAML"),
        ("- id: x\n", "expected a mapping with a 'games:' list"),
        ("games:\n  - just-a-string\n", r"games\[0\]: expected a mapping"),
        ("games:\n  - id: x\n    version: '1'\n    rtp: '0.9'\n", r"games\[0\]: missing required field\(s\) std_dev"),
        (
            "games:\n  - {id: x, version: '1', rtp: '0.9', std_dev: '2', hit_frequncy: '0.2'}\n",
            r"games\[0\]: unknown field\(s\) hit_frequncy; known fields:",
        ),
        ("games:\n  - {id: x, version: 1.10, rtp: '0.9', std_dev: '2'}\n", r"games\[0\]\.version: .*quote it"),
        ("games:\n  - {id: x, version: '1', rtp: 'ninety', std_dev: '2'}\n", r"games\[0\]\.rtp: 'ninety' is not a"),
        ("games:\n  - {id: x, version: '1', rtp: '0', std_dev: '2'}\n", r"games\[0\]\.rtp: '0' is outside"),
        ("games:\n  - {id: x, version: '1', rtp: '0.9', std_dev: '-1'}\n", r"games\[0\]\.std_dev: '-1' is outside"),
        (
            "games:\n  - {id: x, version: '1', rtp: '0.9', std_dev: '2', hit_frequency: '1.5'}\n",
            r"games\[0\]\.hit_frequency: '1.5' is outside the valid range \[0, 1\]",
        ),
        ("games:\n  - {id: x, version: '1', rtp: true, std_dev: '2'}\n", r"games\[0\]\.rtp: expected a decimal"),
        (
            "games:\n  - {id: x, version: '1', rtp: '0.9', std_dev: '2'}\n"
            "  - {id: x, version: '1', rtp: '0.8', std_dev: '2'}\n",
            r"games\[1\] repeats id 'x' version '1'",
        ),
    ],
)
def test_invalid_catalogs_are_rejected_naming_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message) as error:
        load_catalog(path)
    assert str(error.value).startswith(str(path))


def test_a_missing_catalog_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(CatalogError, match=f"^{missing}: cannot read the game catalog"):
        load_catalog(missing)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(2159, 2250), 6, "0.959556"),
        (Fraction(1, 8), 2, "0.12"),  # half-even
        (Fraction(3, 8), 2, "0.38"),
        (Fraction(1), 6, "1.000000"),
        (7.489401562753568, 4, "7.4894"),
    ],
)
def test_decimal_strings_round_half_even_to_fixed_places(value: Fraction | float, places: int, expected: str) -> None:
    assert decimal_string(value, places) == expected
