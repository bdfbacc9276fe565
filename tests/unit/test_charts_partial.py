"""A bucket still filling (or cut by the range's start) is drawn apart from the line, never as a drop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spinscope.app import charts

T0 = datetime(2026, 12, 1, 10, 0)
ROWS = [{"bucket_start": T0 + timedelta(minutes=10 * i), "spins": 600, "error_spins": 3} for i in range(6)]


def test_the_first_cut_bucket_and_the_filling_one_are_partial() -> None:
    start = datetime(2026, 12, 1, 10, 5, tzinfo=UTC)  # cuts the 10:00 bucket
    end = datetime(2026, 12, 1, 10, 56, tzinfo=UTC)  # now is 10:55: the 10:50 bucket is still filling
    assert charts.partial_buckets(ROWS, start, end, 600) == [True, False, False, False, False, True]
    whole = datetime(2026, 12, 1, 11, 1, tzinfo=UTC)  # 11:00 is now: every bucket of 10:00-11:00 is over
    assert charts.partial_buckets(ROWS, T0.replace(tzinfo=UTC), whole, 600) == [False] * 6


def test_the_line_is_drawn_from_complete_buckets_only() -> None:
    window = (T0.replace(tzinfo=UTC), datetime(2026, 12, 1, 10, 56, tzinfo=UTC), 600)
    spec = charts.trend_chart(ROWS, "spins", "Spins", window).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [d["bucket"] for d in data] == ["complete"] * 5 + ["partial (still filling)"]
    line, points = spec["layer"]
    assert line["mark"]["type"] == "line" and line["transform"] == [{"filter": "(datum.bucket === 'complete')"}]
    assert points["mark"]["type"] == "point" and points["transform"] == [{"filter": "(datum.bucket !== 'complete')"}]
    assert data[0]["bucket_start_text"] == "2026-12-01 10:00 UTC"
    assert line["encoding"]["x"]["scale"] == {"type": "utc"}  # read in UTC whatever the viewer's zone
