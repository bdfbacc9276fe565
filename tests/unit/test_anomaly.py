"""Where Investigate opens without a window: the latest stretch whose errors (or slow spins) stood out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spinscope.app import anomaly

T0 = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def series(errors: list[int], spins: int = 1000, step_s: int = 600, slow: int = 0, at: datetime = T0) -> list[dict]:
    return [
        {
            "bucket_start": (at + timedelta(seconds=i * step_s)).replace(tzinfo=None),
            "spins": spins,
            "error_spins": e,
            "slow_spins": slow,
        }
        for i, e in enumerate(errors)
    ]


def test_the_latest_burst_is_chosen_with_its_whole_extent() -> None:
    # usual 5 errors per 1000; an early burst at buckets 3-4, the latest at 10-13 with one quiet bucket inside
    errors = [5, 6, 4, 60, 70, 5, 4, 6, 5, 4, 80, 90, 5, 85, 6, 5]
    got = anomaly.latest_episode(series(errors), "errors", 600)
    assert got == anomaly.Episode(
        "errors", T0 + timedelta(minutes=100), T0 + timedelta(minutes=140), 80 + 90 + 5 + 85, 4000, 0.0055
    )
    assert got.sentence() == (
        "Showing the latest error burst, 2026-11-30 01:40–02:20 UTC: 6.5 % of spins errored against 0.55 % "
        "usually. Brush the chart to choose another window."
    )


def test_noise_and_a_quiet_fleet_choose_nothing() -> None:
    assert anomaly.latest_episode(series([5, 9, 2, 7, 4, 11, 3]), "errors", 600) is None  # within z 4
    assert anomaly.latest_episode(series([0, 0, 0, 2, 0]), "errors", 600) is None  # too few to stand out
    assert anomaly.latest_episode(series([5, 60]), "rtp", 600) is None  # not a counted signal
    assert anomaly.latest_episode([], "errors", 600) is None


def test_a_busy_fleet_needs_the_ratio_not_only_the_z() -> None:
    # 1,000,000 spins a bucket at 1 %: +1,000 errors is z 10 but only 1.1x the usual rate
    assert anomaly.latest_episode(series([10_000] * 5 + [11_000], spins=1_000_000), "errors", 600) is None
    assert anomaly.latest_episode(series([10_000] * 5 + [21_000], spins=1_000_000), "errors", 600) is not None


def test_latency_counts_slow_spins() -> None:
    rows = series([5] * 6, slow=20)
    rows[4]["slow_spins"] = 300
    got = anomaly.latest_episode(rows, "latency", 600)
    assert (got.start, got.end, got.events) == (T0 + timedelta(minutes=40), T0 + timedelta(minutes=50), 300)
    assert "were slower than 500 ms" in got.sentence()


def test_refine_narrows_to_the_minutes_when_they_hold_the_events() -> None:
    coarse = anomaly.latest_episode(series([5, 5, 5, 200, 5]), "errors", 600)
    assert (coarse.start, coarse.end) == (T0 + timedelta(minutes=30), T0 + timedelta(minutes=40))
    around = T0 + timedelta(minutes=20)  # the coarse bucket and one either side, by the minute
    minutes = series([0] * 10 + [1, 0, 0, 40, 50, 60, 45, 0, 1, 0] + [0] * 10, spins=100, step_s=60, at=around)
    fine = anomaly.refine(coarse, minutes, 600)
    assert (fine.start, fine.end, fine.events) == (T0 + timedelta(minutes=33), T0 + timedelta(minutes=37), 195)
    # Too few spins a minute to tell: the coarse window stands.
    sparse = series([0] * 13 + [2] + [0] * 16, spins=3, step_s=60, at=around)
    assert anomaly.refine(coarse, sparse, 600) == coarse
