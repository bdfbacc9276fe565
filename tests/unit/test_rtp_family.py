"""RTP CUSUM: one weekly false-alarm budget for the whole family watched, shared by its streams.

The in-control false-alarm rate of the llr CUSUM is checked through Siegmund's ARL (the
continuous-time limit the thresholds are chosen with): expected false drifts a week for the
family = streams x (effective spins a week / n*) / ARL0(h_drift), which must stay at the
family budget however many streams are watched. The measured figure on 200 simulated clean
streams is bench/rtp_family.py (slow test below).
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from spinscope.rtp import RtpSums, cusum_arl, design_batch
from spinscope.rtp.status import (
    FAMILY_FALSE_DRIFTS_PER_WEEK,
    FAMILY_FALSE_WATCHES_PER_WEEK,
    detector_settings,
    family_share,
)

START = datetime(2026, 11, 23, tzinfo=UTC)
SIGMA = Decimal("7.4894")  # fortune-tiger


def week_of(n_eff_per_hour: int) -> list[tuple[datetime, RtpSums]]:
    """168 hourly batches of equal stakes (n_eff = spins), each paying exactly its stake x 0.96."""
    n = n_eff_per_hour
    sums = RtpSums(n, Decimal(n), Decimal(n) * Decimal("0.96"), Decimal(n), Decimal(n), Decimal(n) * Decimal("0.96"))
    return [(START + timedelta(hours=h), sums) for h in range(168)]


def test_the_family_budget_is_one_false_drift_in_four_weeks() -> None:
    assert (FAMILY_FALSE_DRIFTS_PER_WEEK, FAMILY_FALSE_WATCHES_PER_WEEK) == (0.25, 1.0)
    assert family_share(0.25, 200) == 0.00125
    with pytest.raises(ValueError):
        family_share(0.25, 0)


@pytest.mark.parametrize("streams", [1, 8, 50, 200, 1000])
def test_expected_false_drifts_of_the_family_stay_at_the_budget_whatever_its_size(streams: int) -> None:
    series = week_of(5_000)
    settings = detector_settings(series, SIGMA, START, START + timedelta(days=7), streams)
    info_per_week = 168 * 5_000 / design_batch(SIGMA, "0.02")  # the llr CUSUM's clock, in units of n*
    drifts = streams * info_per_week / cusum_arl(0.5, settings.h_drift, 0.0, correction=0.0)
    watches = streams * info_per_week / cusum_arl(0.5, settings.h_watch, 0.0, correction=0.0)
    assert drifts == pytest.approx(0.25, rel=1e-6)
    assert watches == pytest.approx(1.0, rel=1e-6)


def test_more_streams_raise_every_streams_threshold_not_the_pages() -> None:
    series = week_of(5_000)
    h = [detector_settings(series, SIGMA, START, START + timedelta(days=7), n).h_drift for n in (1, 10, 100, 1000)]
    assert h == sorted(h) and h[0] < h[-1]
    # a CUSUM's false-alarm rate falls about e-fold per nat of threshold: 1000x the streams costs ~ln(1000) nats
    assert 5.5 < h[-1] - h[0] < 8.0


def _bench():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[2] / "bench" / "rtp_family.py"
    spec = importlib.util.spec_from_file_location("bench_rtp_family", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_200_clean_streams_see_at_most_one_false_drift_in_four_weeks_measured() -> None:
    result = _bench().measure(streams=200, weeks=8, seed=141)
    print("200 clean streams x 8 weeks:", result)
    # Budget 0.25 a week: 2 expected in 8 weeks at most; more than 6 has probability < 0.5 % at the budget.
    assert result["false_drifts"] <= 6
