"""Known answers for the RCA's shaping (spinscope.rca.structure): constants, nesting, conjunctions, consequences.

Every figure the tests rely on is worked out by hand in the comments, never by the code under test.
"""

from __future__ import annotations

import math

from spinscope.rca.measures import CountModel, Counts, Excess, ExcessModel
from spinscope.rca.structure import Finding, arrange

THRESHOLD = 1.959963984540054


def rtp_finding(attribute: str, value: str, m: Excess, model: ExcessModel) -> Finding:
    return Finding(((attribute, value),), m, {"attribute": attribute, "value": value, **model.describe(m)})


def fleet(sibling_excess: float) -> tuple[list[Finding], dict, ExcessModel]:
    """neon-fruits: version 2.2.0 (2,000 rounds, σ 2, paid 0.80 for 0.96: E = −320, V = 8,000) beside a
    sibling 2.1.0 (2,000 rounds, V = 8,000, E = sibling_excess); lucky-sevens healthy (E = 0, V = 8,000)."""
    bad = Excess(-320.0, 8_000.0, 2_000)
    sibling = Excess(sibling_excess, 8_000.0, 2_000)
    game = Excess(bad.excess + sibling.excess, 16_000.0, 4_000)
    other = Excess(0.0, 8_000.0, 2_000)
    total = Excess(game.excess, 24_000.0, 6_000)
    model = ExcessModel(total, THRESHOLD)
    findings = [
        rtp_finding("slot.game.id", "neon-fruits", game, model),
        rtp_finding("slot.game.version", "2.2.0", bad, model),
        rtp_finding("slot.game.version", "2.1.0", sibling, model),
        rtp_finding("slot.game.id", "lucky-sevens", other, model),
    ]
    pairs = {
        frozenset({("slot.game.id", "neon-fruits"), ("slot.game.version", "2.2.0")}): bad,
        frozenset({("slot.game.id", "neon-fruits"), ("slot.game.version", "2.1.0")}): sibling,
        frozenset({("slot.game.id", "lucky-sevens"), ("slot.game.version", "2.2.0")}): Excess(0.0, 0.0, 0),
        frozenset({("slot.game.id", "lucky-sevens"), ("slot.game.version", "2.1.0")}): Excess(0.0, 0.0, 0),
    }
    return findings, pairs, model


def test_a_mis_set_version_ranks_first_with_its_game_as_context() -> None:
    # sibling E = −160: game z = −480/√16,000 = −3.795 outranks the version's −320/√8,000 = −3.578 on |z|,
    # yet the version holds 320/480 = 67 % of the game's excess and the sibling's z is −160/√8,000 = −1.79
    findings, pairs, model = fleet(-160.0)
    assert abs(findings[0].measure.z) > abs(findings[1].measure.z)
    rows, explanation = arrange(findings, pairs, model)
    first = rows[0]
    assert (first["attribute"], first["value"], first["kind"]) == ("slot.game.version", "2.2.0", "cause")
    assert first["rank"] == 1 and first["within"] == ["slot.game.id=neon-fruits"]
    assert first["label"] == "in neon-fruits: slot.game.version = 2.2.0"
    assert first["z"] == -320 / math.sqrt(8_000)
    game = next(r for r in rows if r["value"] == "neon-fruits")
    assert (game["kind"], game["rank"]) == ("context", None)
    assert "67% of the signal of slot.game.id = neon-fruits" in explanation


def test_the_game_stays_first_when_its_other_version_shares_the_signal() -> None:
    # sibling E = −400: its z −400/√8,000 = −4.47 is remarkable and the version holds 320/720 = 44 %
    findings, pairs, model = fleet(-400.0)
    rows, explanation = arrange(findings, pairs, model)
    assert [(r["value"], r["kind"]) for r in rows[:3]] == [
        ("neon-fruits", "cause"),
        ("2.1.0", "cause"),
        ("2.2.0", "cause"),
    ]
    assert explanation.startswith("slot.game.id = neon-fruits ranks first: the values it contains share its signal")


def test_a_value_every_spin_holds_is_context_never_ranked() -> None:
    # drilled into neon-fruits: every spin is EUR (spins 4,000 of 4,000), so its z is the total's
    bad = Excess(-320.0, 8_000.0, 2_000)
    total = Excess(-480.0, 16_000.0, 4_000)
    model = ExcessModel(total, THRESHOLD)
    findings = [
        rtp_finding("slot.currency", "EUR", total, model),
        rtp_finding("slot.game.version", "2.2.0", bad, model),
    ]
    rows, explanation = arrange(findings, {}, model, where={"slot.game.id": "neon-fruits"})
    assert [(r["attribute"], r["value"], r["kind"], r["rank"]) for r in rows] == [
        ("slot.game.version", "2.2.0", "cause", 1),
        ("slot.currency", "EUR", "context", None),
        ("slot.game.id", "neon-fruits", "context", None),
    ]
    assert rows[1]["z_without"] is None  # nothing is left without it
    assert "2 value(s) held by nearly every spin or fixed by the filter" in explanation


def counts_finding(attribute: str, value: str, sel: int, base: int, model: CountModel) -> Finding:
    row = {"attribute": attribute, "value": value, **model.describe(Counts(sel, base))}
    return Finding(((attribute, value),), Counts(sel, base), row, significant=row["significant"])


def test_a_fault_in_one_game_and_region_ranks_the_pair_first() -> None:
    # 1,000 bad and 10,000 good spins. dragon-hoard is 20 % of good spins, ap-northeast-2 20 %,
    # independently: the pair is 4 % (400). 600 bad spins are the fault (dragon-hoard in ap-northeast-2);
    # the other 400 bad spins spread like good ones: 80 dragon-hoard, 80 ap-northeast-2, 16 in the pair.
    model = CountModel(1_000, 10_000)
    game = counts_finding("slot.game.id", "dragon-hoard", 680, 2_000, model)  # 600 + 80
    region = counts_finding("cloud.region", "ap-northeast-2", 680, 2_000, model)
    findings = [game, region]
    pair = Counts(616, 400)
    rows, explanation = arrange(findings, {frozenset({game.key[0], region.key[0]}): pair}, model)
    top = rows[0]
    assert (top["kind"], top["rank"], top["where"]) == (
        "conjunction",
        1,
        {"slot.game.id": "dragon-hoard", "cloud.region": "ap-northeast-2"},
    )
    # score = gap × gap/(1 − p_base): pair 0.616 − 0.04 = 0.576, ×0.576/0.96 = 0.3456; each value
    # 0.68 − 0.2 = 0.48, ×0.48/0.8 = 0.288
    assert math.isclose(top["score"], 0.576 * 0.576 / 0.96)
    assert math.isclose(rows[1]["score"], 0.48 * 0.48 / 0.8)
    assert [r["kind"] for r in rows] == ["conjunction", "cause", "cause"]
    assert explanation.startswith("The signal sits where slot.game.id = dragon-hoard meets cloud.region")


def test_a_fault_of_one_value_is_not_made_a_conjunction() -> None:
    # walletly fails everywhere: 600 of its bad spins are EUR, 400 USD (as its good spins: 60/40)
    model = CountModel(1_000, 10_000)
    wallet = counts_finding("wallet.provider", "walletly", 900, 2_000, model)
    eur = counts_finding("slot.currency", "EUR", 600, 3_000, model)
    pair = Counts(540, 1_200)
    rows, _ = arrange([wallet, eur], {frozenset({wallet.key[0], eur.key[0]}): pair}, model)
    assert [(r["value"], r["kind"]) for r in rows] == [("walletly", "cause"), ("EUR", "cause")]


def test_an_instance_ranks_first_within_its_region_when_its_sibling_is_healthy() -> None:
    # us-east-1 has two instances; use1-2 holds 500 of the 1,000 bad spins and 1,000 of 10,000 good;
    # use1-1 holds 50 bad, 1,000 good (a bad rate of 4.8 %, like the 450/8,000 = 5.3 % outside the region)
    model = CountModel(1_000, 10_000)
    region = counts_finding("cloud.region", "us-east-1", 550, 2_000, model)
    instance = counts_finding("service.instance.id", "use1-2", 500, 1_000, model)
    rows, explanation = arrange(
        [region, instance], {frozenset({region.key[0], instance.key[0]}): Counts(500, 1_000)}, model
    )
    assert [(r["value"], r["kind"], r["label"]) for r in rows] == [
        ("use1-2", "cause", "in us-east-1: service.instance.id = use1-2"),
        ("us-east-1", "context", "cloud.region = us-east-1"),
    ]
    assert "with cloud.region = us-east-1 as its context" in explanation


def test_a_span_the_bad_spins_never_reached_is_a_consequence_below_every_cause() -> None:
    # db.system.name = postgresql: 21 % of bad spins, 100 % of good ones, and highly significant;
    # channel ios: 30 % of bad spins against 25 % of good ones
    model = CountModel(1_000, 10_000)
    db = counts_finding("db.system.name", "postgresql", 210, 10_000, model)
    ios = counts_finding("slot.channel", "ios", 300, 2_500, model)
    web = counts_finding("slot.channel", "web", 700, 7_500, model)
    rows, explanation = arrange([db, web, ios], {}, model, consequence=lambda p: p[0] == "db.system.name")
    assert [(r["value"], r["kind"]) for r in rows] == [
        ("ios", "cause"),
        ("web", "underrepresented"),
        ("postgresql", "consequence"),
    ]
    assert "1 value(s) missing from the bad spins because their trace ended early" in explanation


def test_a_pair_with_a_near_constant_value_is_not_a_conjunction() -> None:
    # 984 bad and 10,000 good spins. A fault in one game's region: 600 bad, 400 good; elsewhere 4 bad per
    # 100 good. The game: 2,000 good, 600 + 64 = 664 bad. The build 90 % of the fleet runs: 9,000 good,
    # 600 + 344 = 944 bad; the game on the other build (a canary elsewhere): 200 good, 8 bad.
    # game & build: 656 bad, 1,800 good. Every other test passes: the pair scores 0.4867²/0.82 = 0.289
    # against the game's 0.4748²/0.8 = 0.282, game without build is 8/208 = 3.85 % bad like outside
    # the game (320/8,320), build without game 288/7,488 = 3.85 % like outside the build (40/1,040).
    # But the pair keeps 2,456 of the game's 2,664 spins: it is the game again, not a new finding.
    model = CountModel(984, 10_000)
    game = counts_finding("slot.game.id", "dragon-hoard", 664, 2_000, model)
    build = counts_finding("service.version", "2026.11.3", 944, 9_000, model)
    pair = Counts(656, 1_800)
    assert model.score(pair) > model.score(game.measure)
    rows, _ = arrange([game, build], {frozenset({game.key[0], build.key[0]}): pair}, model)
    assert [(r["value"], r["kind"]) for r in rows] == [("dragon-hoard", "cause"), ("2026.11.3", "cause")]
