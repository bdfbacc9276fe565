"""CUSUM drift detector: the ARL table, threshold choice from a budget, and hand-worked CUSUM runs."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from spinscope.rtp import (
    DetectorSettings,
    Episode,
    RtpSums,
    choose_h,
    cusum_arl,
    design_batch,
    detect,
    family_arl0,
    thresholds_for_budget,
)


@pytest.mark.parametrize(
    ("h", "arl0", "arl1_1sigma", "arl1_2sigma"),
    # docs/research/rtp_rca_anchors.md §2.2 (Siegmund, k = 0.5, two-sided in control)
    [(4, 169, 8.3, 3.2), (5, 469, 10.3, 3.9), (8, 9_560, 16.3, 5.9), (9.5, 42_900, 19.3, 6.9), (10, 70_700, 20.3, 7.2)],
)
def test_siegmund_arl_reproduces_the_research_table(
    h: float, arl0: float, arl1_1sigma: float, arl1_2sigma: float
) -> None:
    assert cusum_arl(0.5, h, 0.0) == pytest.approx(arl0, rel=0.005)
    assert cusum_arl(0.5, h, 1.0) == pytest.approx(arl1_1sigma, abs=0.06)
    assert cusum_arl(0.5, h, 2.0) == pytest.approx(arl1_2sigma, abs=0.06)


def test_textbook_in_control_arls_168_and_465_are_the_two_sided_figures() -> None:
    # Montgomery's k = 1/2 table: h = 4 → 168, h = 5 → 465 (two-sided); one-sided is twice as long.
    assert cusum_arl(0.5, 4, 0.0) == pytest.approx(168, rel=0.01)
    assert cusum_arl(0.5, 5, 0.0) == pytest.approx(465, rel=0.01)
    assert cusum_arl(0.5, 4, 0.0, two_sided=False) == pytest.approx(2 * cusum_arl(0.5, 4, 0.0))


def test_choose_h_inverts_the_arl() -> None:
    for target in (100.0, 465.0, 10_000.0):
        assert cusum_arl(0.5, choose_h(0.5, target), 0.0) == pytest.approx(target, rel=1e-9)
    assert choose_h(0.5, 469.1111820574) == pytest.approx(5.0, abs=1e-6)


def test_family_budget_example_of_the_research_note() -> None:
    # 500 streams, hourly, ≤ 1 false page a week → ARL0 84,000 batches → one-sided h ≈ 9.5
    arl0 = family_arl0(500, 24 * 7, 1)
    assert arl0 == 84_000
    assert choose_h(0.5, arl0, two_sided=False) == pytest.approx(9.5, abs=0.05)


def test_budget_thresholds_count_information_not_batches() -> None:
    # σ = 8, δ = 0.02: n* = 160,000 effective spins; 800,000 a week = 5 n*; 0.5 % a week → ARL0 = 1,000 n*
    assert design_batch("8", "0.02") == pytest.approx(160_000)
    s = thresholds_for_budget("8", "0.02", 800_000, false_drifts_per_period=0.005, false_watches_per_period=0.25)
    assert cusum_arl(0.5, s.h_drift, 0.0, correction=0.0) == pytest.approx(1000, rel=1e-9)
    assert cusum_arl(0.5, s.h_watch, 0.0, correction=0.0) == pytest.approx(20, rel=1e-9)
    # continuous-time two-sided ARL0 at k = 0.5 is e^h − h − 1
    assert math.exp(s.h_drift) - s.h_drift - 1 == pytest.approx(1000, rel=1e-9)
    assert (s.form, s.shift) == ("llr", Decimal("0.02"))


def batch(z: float, n: int = 100, mu0: Decimal = Decimal("0.5")) -> RtpSums:
    """n equal unit bets whose z against (μ0, σ = 1) is exactly z: W = μ0·n + z·√n."""
    win = mu0 * n + Decimal(str(z)) * Decimal(math.isqrt(n))
    return RtpSums(n, Decimal(n), win, Decimal(n), win * win, win)


Z_FORM = DetectorSettings(h_watch=1.0, h_drift=3.0, form="z", k=0.5)


def test_tabular_cusum_worked_by_hand() -> None:
    zs = [0, 2, 2, -1, -3]
    result = detect([(f"t{j}", batch(z)) for j, z in enumerate(zs)], "0.5", "1", Z_FORM)
    # S⁺: 0, 1.5, 3, 1.5, 0      S⁻: 0, 0, 0, 0.5, 3
    assert [p.s_over for p in result.points] == pytest.approx([0, 1.5, 3.0, 1.5, 0])
    assert [p.s_under for p in result.points] == pytest.approx([0, 0, 0, 0.5, 3.0])
    assert [p.state for p in result.points] == ["ok", "watch", "drift", "watch", "drift"]
    assert [p.z for p in result.points] == pytest.approx(zs)
    assert result.episodes == (
        Episode("over", onset_index=1, onset_after="t0", watch_index=1, drift_index=2, end_index=4, peak=3.0),
        Episode("under", onset_index=3, onset_after="t2", watch_index=4, drift_index=4, end_index=None, peak=3.0),
    )
    assert (result.state, result.direction, result.onset_index, result.onset_after) == ("drift", "under", 3, "t2")
    assert result.ever_drift


def test_onset_is_the_batch_after_the_cusum_was_last_zero() -> None:
    zs = [0.0, 0.2, -0.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # drift from batch 3 on (batch 1's 0.2 < k adds nothing)
    result = detect([(j, batch(z)) for j, z in enumerate(zs)], "0.5", "1", Z_FORM)
    assert (result.state, result.direction, result.onset_index, result.onset_after) == ("drift", "over", 3, 2)
    assert result.episodes[0].watch_index == 4 and result.episodes[0].drift_index == 8


def test_llr_form_equals_the_z_form_when_a_batch_holds_one_design_batch() -> None:
    # n = 100, σ = 1, δ = 0.1: s = δ·√n/σ = 1, so ℓ = Z − 1/2 = the z form with k = 0.5
    zs = [0.3, 1.7, -2.2, 0.9, 2.5, -0.4, 3.1]
    batches = [(j, batch(z)) for j, z in enumerate(zs)]
    llr = detect(batches, "0.5", "1", DetectorSettings(h_watch=1.0, h_drift=3.0, form="llr", shift=Decimal("0.1")))
    z = detect(batches, "0.5", "1", Z_FORM)
    assert [p.s_over for p in llr.points] == pytest.approx([p.s_over for p in z.points])
    assert [p.s_under for p in llr.points] == pytest.approx([p.s_under for p in z.points])
    assert [p.state for p in llr.points] == [p.state for p in z.points]


def test_llr_weighs_batches_by_their_information() -> None:
    # the same z from a batch four times larger is twice the shift's σ-units: ℓ = 2·Z − 2
    result = detect(
        [(0, batch(1.5, n=400))], "0.5", "1", DetectorSettings(h_watch=1.0, h_drift=3.0, shift=Decimal("0.1"))
    )
    assert result.points[0].s_over == pytest.approx(2 * 1.5 - 2)
    assert result.points[0].n_eff == 400


def test_batches_without_stakes_leave_the_cusum_unchanged() -> None:
    empty = RtpSums.zero()
    result = detect([(0, batch(2)), (1, empty), (2, batch(2))], "0.5", "1", Z_FORM)
    assert [p.s_over for p in result.points] == pytest.approx([1.5, 1.5, 3.0])
    assert result.points[1].z is None


def test_without_a_reference_or_data_there_is_no_verdict() -> None:
    assert detect([(0, batch(5))], None, "1").state == "no_reference"
    assert detect([(0, batch(5))], "0.5", None).points == ()
    assert detect([(0, RtpSums.zero())], "0.5", "1").state == "no_data"
    assert detect([], "0.5", "1").state == "no_data"


def test_default_settings_come_from_the_stated_budget() -> None:
    s = DetectorSettings()
    assert cusum_arl(0.5, s.h_watch, 0.0, correction=0.0) == pytest.approx(50, rel=1e-9)
    assert cusum_arl(0.5, s.h_drift, 0.0, correction=0.0) == pytest.approx(2000, rel=1e-9)
    with pytest.raises(ValueError, match="h_watch <= h_drift"):
        DetectorSettings(h_watch=5, h_drift=4)


def test_result_serialises_for_the_chart() -> None:
    out = detect([("2026-01-01T01:00", batch(2))], "0.5", "1", Z_FORM).to_json()
    assert out["state"] == "watch" and out["direction"] == "over"
    assert out["points"][0]["s_over"] == pytest.approx(1.5)
    assert out["settings"]["shift"] == "0.02"
