"""Sample-size planner: the research note's table (σ = 3.62 / 10 / 30) and the formula by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from spinscope.rtp import RtpSums, plan, spins_for_precision, spins_per_effective_spin, spins_to_detect

Z975, Z80 = 1.959963984540054, 0.8416212335729143


@pytest.mark.parametrize(
    ("sigma", "shift", "approx"),
    [("3.62", "0.01", 1_030_000), ("10", "0.01", 7_850_000)],
)
def test_detection_sizes_of_the_research_table(sigma: str, shift: str, approx: int) -> None:
    n = spins_to_detect(sigma, shift)
    assert n == pytest.approx(approx, rel=0.005)
    assert n == math.ceil(((Z975 + Z80) * float(sigma) / float(shift)) ** 2)


@pytest.mark.parametrize(
    ("sigma", "precision", "approx"),
    [("3.62", "0.01", 503_000), ("10", "0.01", 3_840_000), ("10", "0.005", 15_400_000), ("30", "0.01", 34_600_000)],
)
def test_precision_sizes_of_the_research_table(sigma: str, precision: str, approx: int) -> None:
    assert spins_for_precision(sigma, precision) == pytest.approx(approx, rel=0.005)


def test_power_and_alpha_move_the_size_the_right_way() -> None:
    base = spins_to_detect(8, 0.02)
    assert base == math.ceil(((Z975 + Z80) * 400) ** 2)  # 1,255,802 for σ = 8, δ = 2 points
    assert spins_to_detect(8, 0.02, power=0.9) > base > spins_to_detect(8, 0.02, alpha=0.10)


def test_plan_converts_effective_spins_to_recorded_spins() -> None:
    # history: 4 spins, bets 1, 1, 0 (free), 2 → n_eff = 16/6, 1.5 recorded spins per effective spin
    history = RtpSums.of_spins([1, 1, 0, 2], [0, 0, 0, 0])
    ratio = spins_per_effective_spin(history)
    assert ratio == pytest.approx(4 / (16 / 6))
    p = plan("3.62", "0.01", spins_per_effective=ratio)
    assert p.effective_spins == spins_to_detect("3.62", "0.01")
    assert p.spins == math.ceil(p.effective_spins * ratio)
    assert p.half_width_95 == pytest.approx(Z975 * 3.62 / math.sqrt(p.effective_spins))
    assert p.to_json()["effective_spins"] == p.effective_spins
    with pytest.raises(ValueError, match="no stakes"):
        spins_per_effective_spin(RtpSums(1, Decimal(0), Decimal(1), Decimal(0), Decimal(1), Decimal(0)))
    with pytest.raises(ValueError, match="must be positive"):
        spins_to_detect("3", "0")
