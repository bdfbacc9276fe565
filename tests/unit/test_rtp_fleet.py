"""Known answers for the fleet-wide RTP attribution (spinscope.rca.rtp_excess), computed by hand here."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from spinscope.rca.rtp_excess import RoundSums, rank_fleet_segments

REF = {("tiger", "1"): (Decimal("0.96"), Decimal("8")), ("sevens", "2"): (Decimal("0.95"), Decimal("2"))}


def test_excess_in_stakes_z_share_and_leave_one_out() -> None:
    # tiger: 10,000 rounds won 9,900 stakes; theory 9,600 -> E = +300, V = 64·10,000 = 640,000
    # sevens: 40,000 rounds won 37,900 stakes; theory 38,000 -> E = −100, V = 4·40,000 = 160,000
    tiger = RoundSums(10_000, 10_000, Decimal("9900"))
    sevens = RoundSums(40_500, 40_000, Decimal("37900"))  # 500 free spins, counted in their paid spins' stakes
    total = {("tiger", "1"): tiger, ("sevens", "2"): sevens}
    segments = {
        ("slot.game.id", "tiger"): {("tiger", "1"): tiger},
        ("slot.game.id", "sevens"): {("sevens", "2"): sevens},
        ("cloud.region", "eu"): {
            ("tiger", "1"): RoundSums(5_000, 5_000, Decimal("4950")),
            ("sevens", "2"): RoundSums(20_000, 20_000, Decimal("19000")),
        },
    }
    out = rank_fleet_segments(segments, total, REF)
    assert out["total_excess_bets"] == pytest.approx(200)
    assert out["total_z"] == pytest.approx(200 / math.sqrt(800_000))  # 0.2236: no alert
    assert out["alerting"] is False
    rows = {(r.attribute, r.value): r for r in out["segments"]}
    tiger_row = rows[("slot.game.id", "tiger")]
    assert tiger_row.z == pytest.approx(300 / 800)  # √640,000 = 800
    assert tiger_row.share == pytest.approx(1.5)
    assert tiger_row.z_without == pytest.approx(-100 / 400)
    assert tiger_row.spins == 10_000
    # eu: tiger 4,950 − 4,800 = +150 (V 320,000), sevens 19,000 − 19,000 = 0 (V 80,000)
    assert rows[("cloud.region", "eu")].z == pytest.approx(150 / math.sqrt(400_000))
    assert [r.value for r in out["segments"]] == ["tiger", "sevens", "eu"]  # |z| 0.375, 0.25, 0.237


def test_a_segment_that_removes_the_alert_explains_it() -> None:
    big = RoundSums(1_000_000, 1_000_000, Decimal("970000"))  # +10,000 stakes, V 64e6: z = 1.25
    sevens = RoundSums(1_000_000, 1_000_000, Decimal("950000"))  # exactly theory
    total = {("tiger", "1"): big, ("sevens", "2"): sevens}
    out = rank_fleet_segments(
        {("slot.game.id", "tiger"): {("tiger", "1"): big}, ("slot.game.id", "sevens"): {("sevens", "2"): sevens}},
        total,
        REF,
        threshold=1.0,
    )
    assert out["total_z"] == pytest.approx(10_000 / math.sqrt(64e6 + 4e6))
    first = out["segments"][0]
    assert (first.value, first.explains_alert, first.z_without) == ("tiger", True, pytest.approx(0.0))
    assert out["segments"][1].explains_alert is False


def test_versions_without_a_reference_are_listed_not_judged() -> None:
    unknown = RoundSums(100, 100, Decimal("500"))
    out = rank_fleet_segments({("slot.game.id", "new"): {("new", "0"): unknown}}, {("new", "0"): unknown}, REF)
    assert out["no_reference"] == ["new 0"]
    assert out["total_z"] is None
    assert out["segments"][0].z is None
