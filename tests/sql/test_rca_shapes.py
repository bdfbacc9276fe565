"""The RCA's shapes on the real engine, at a size the default run affords: each case's ground truth is built in.

- a mis-set version beside a healthy one (RTP): the version ranks first, its game is its context;
- a degraded instance in a region with a healthy sibling (errors): the instance ranks first, in its region;
- a fault only in one game × region (errors): the pair ranks first, naming both values;
- a step the failed spins never reached (errors): its attribute is a consequence, below every cause.

The simulator's scenarios (tests/sql/test_rca_scenarios.py) check the same shapes at scale.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from spinscope.catalog import CatalogEntry
from spinscope.rca.rank import rank
from tests.sql.spans import RECENT_NOON, Spin, insert_spins

T0 = RECENT_NOON  # raw spans: within the raw tables' TTL whatever the date
START, END = T0, T0 + timedelta(hours=1)
REGIONS = ("eu-west-1", "us-east-1")


def at(i: int) -> datetime:
    return T0 + timedelta(milliseconds=100 * i)


def entry(game: str, version: str) -> CatalogEntry:
    return CatalogEntry(game, version, Decimal("0.96"), Decimal("2"))


CATALOG = {
    ("neon-fruits", "2.1.0"): entry("neon-fruits", "2.1.0"),
    ("neon-fruits", "2.2.0"): entry("neon-fruits", "2.2.0"),
    ("lucky-sevens", "2.0.1"): entry("lucky-sevens", "2.0.1"),
}


def rounds(prefix: str, game: str, version: str, wins: int, currencies: tuple[str, ...], n: int = 2_000) -> list[Spin]:
    """n paid rounds of 1.00 of which the first `wins` win 1.00, alternating regions (each gets half the wins)."""
    return [
        Spin(
            f"{prefix}{i}",
            at(i),
            bet="1.00",
            win="1.00" if i < wins else "0",
            game_id=game,
            game_version=version,
            currency=currencies[(i // 2) % len(currencies)],
            region=REGIONS[i % 2],
            instance_id=f"{REGIONS[i % 2]}-{(i // 2) % 2 + 1}",
            session_id=f"s{prefix}{i}",
        )
        for i in range(n)
    ]


def test_a_mis_set_version_beside_a_healthy_one_ranks_first_with_its_game_as_context(store_client) -> None:  # type: ignore[no-untyped-def]
    # Theory 0.96, σ 2, 2,000 rounds a version: 2.2.0 pays 1,600 stakes (E = −320, z = −320/√8,000 = −3.58),
    # its sibling 2.1.0 pays 1,760 (E = −160, z = −1.79: unremarkable), lucky-sevens 1,920 (E = 0).
    # The game: E = −480, z = −480/√16,000 = −3.79, so a flat ranking put the container first.
    insert_spins(
        store_client,
        rounds("a", "neon-fruits", "2.2.0", 1_600, ("EUR",))
        + rounds("b", "neon-fruits", "2.1.0", 1_760, ("EUR",))
        + rounds("c", "lucky-sevens", "2.0.1", 1_920, ("USD", "KRW")),
    )
    fleet = rank(store_client, "rtp", START, END, catalog=CATALOG)
    top = fleet["rows"][0]
    assert (top["attribute"], top["value"], top["kind"], top["rank"]) == ("slot.game.version", "2.2.0", "cause", 1)
    assert top["within"] == ["slot.game.id=neon-fruits"] and top["label"] == "in neon-fruits: slot.game.version = 2.2.0"
    game = next(r for r in fleet["rows"] if r["value"] == "neon-fruits")
    assert (game["kind"], game["rank"], round(game["z"], 3)) == ("context", None, round(-480 / 16_000**0.5, 3))
    assert "carries 67% of the signal of slot.game.id = neon-fruits" in fleet["explanation"]
    # drilled into the game, every spin is EUR: context, never ranked; the version still leads
    drilled = rank(store_client, "rtp", START, END, where={"slot.game.id": "neon-fruits"}, catalog=CATALOG)
    assert (drilled["rows"][0]["value"], drilled["rows"][0]["kind"]) == ("2.2.0", "cause")
    # (EUR holds the same spins as every other constant of the drill-down: one context row names them all)
    eur = next(
        r for r in drilled["rows"] if "slot.currency=EUR" in [f"{r['attribute']}={r['value']}", *r["equivalent"]]
    )
    assert (eur["kind"], eur["rank"]) == ("context", None)
    assert ("slot.game.id", "neon-fruits", "context") in [
        (r["attribute"], r["value"], r["kind"]) for r in drilled["rows"]
    ]


def cells(errors: dict[tuple[str, str], int], n: int = 500) -> list[Spin]:
    """n spins per (game, instance) cell, the first errors[cell] of them failed; good spins reach the database."""
    spins = []
    for c, ((game, instance), failed) in enumerate(errors.items()):
        region = instance.rsplit("-", 1)[0]
        for i in range(n):
            bad = i < failed
            spins.append(
                Spin(
                    f"x{c}-{i}",
                    at(i),
                    game_id=game,
                    region=region,
                    instance_id=instance,
                    channel=("web", "ios")[i % 2],
                    error_type="state_save_timeout" if bad else "",
                    extra={} if bad else {"db.system.name": "postgresql"},
                )
            )
    return spins


def test_a_degraded_instance_ranks_first_within_its_region_and_the_skipped_step_is_a_consequence(store_client) -> None:  # type: ignore[no-untyped-def]
    errors = {
        ("fortune-tiger", "us-east-1-2"): 100,
        ("fortune-tiger", "us-east-1-1"): 3,
        ("fortune-tiger", "eu-west-1-1"): 3,
        ("fortune-tiger", "eu-west-1-2"): 3,
    }
    insert_spins(store_client, cells(errors))
    ranked = rank(store_client, "errors", START, END)
    kinds = [(r["attribute"], r["value"], r["kind"]) for r in ranked["rows"]]
    assert kinds[0] == ("service.instance.id", "us-east-1-2", "cause")
    assert ranked["rows"][0]["label"] == "in us-east-1: service.instance.id = us-east-1-2"
    assert ("cloud.region", "us-east-1", "context") in kinds
    # 0 % of the failed spins reached the database against 100 % of the good ones: a consequence
    consequence = kinds.index(("db.system.name", "postgresql", "consequence"))
    assert all(k != "cause" for _, _, k in kinds[consequence:])
    assert "with cloud.region = us-east-1 as its context" in ranked["explanation"]


def test_a_fault_in_one_game_and_region_ranks_the_pair_first(store_client) -> None:  # type: ignore[no-untyped-def]
    errors = {
        ("dragon-hoard", "us-east-1-1"): 120,
        ("dragon-hoard", "eu-west-1-1"): 3,
        ("lucky-sevens", "us-east-1-1"): 5,
        ("lucky-sevens", "eu-west-1-1"): 4,
    }
    insert_spins(store_client, cells(errors))
    ranked = rank(store_client, "errors", START, END)
    top = ranked["rows"][0]
    assert (top["kind"], top["rank"], top["where"]) == (
        "conjunction",
        1,
        {"slot.game.id": "dragon-hoard", "cloud.region": "us-east-1"},
    )
    assert (top["selection_count"], top["baseline_count"]) == (120, 380)
    assert ranked["explanation"].startswith(
        "The signal sits where cloud.region = us-east-1 meets slot.game.id = dragon-hoard"
    )
