"""One read per SLO: the windows `evaluate` asks for are the ones `counted_windows` lists, and the
buckets answer any window whose partial hours were read minute by minute, and refuse any other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinscope.configuration import load_config
from spinscope.slo.evaluate import counted_windows, evaluate
from spinscope.slo.status import SloBuckets


@pytest.mark.parametrize(
    "at", [datetime(2026, 11, 2, 0, 0, tzinfo=UTC), datetime(2026, 11, 17, 13, 37, 42, tzinfo=UTC)]
)
def test_counted_windows_are_exactly_the_windows_evaluate_asks_for(at: datetime) -> None:
    for spec in load_config().slos:
        asked: list[tuple[datetime, datetime]] = []

        def record(_spec, start, end, asked=asked):  # type: ignore[no-untyped-def]
            asked.append((start, end))
            return {}

        evaluate(spec, record, at)
        assert sorted(set(asked)) == sorted(set(counted_windows(spec, at))), spec.name


H = datetime(2026, 11, 17, 10)


def buckets() -> SloBuckets:
    """Hour 10:00 read by minute (10:00..10:59, one spin a minute, every 7th bad), 11:00 and 12:00 whole."""
    rows = [
        {"bucket_start": H + timedelta(minutes=m), "group_key": [], "good_events": int(m % 7 != 0), "total_events": 1}
        for m in range(60)
    ]
    rows += [
        {"bucket_start": H + timedelta(hours=1), "group_key": [], "good_events": 90, "total_events": 100},
        {"bucket_start": H + timedelta(hours=2), "group_key": [], "good_events": 5, "total_events": 5},
    ]
    return SloBuckets.from_rows(H, H + timedelta(hours=3), frozenset({H}), rows)


def test_a_window_sums_minutes_of_the_listed_hour_and_whole_hours() -> None:
    b = buckets()
    bad_from_10_20 = sum(1 for m in range(20, 60) if m % 7 == 0)
    assert b.counts(H + timedelta(minutes=20), H + timedelta(hours=2)) == {(): (40 - bad_from_10_20 + 90, 140)}
    assert b.counts(H + timedelta(hours=1), H + timedelta(hours=3)) == {(): (95, 105)}
    assert b.counts(H + timedelta(minutes=5), H + timedelta(minutes=6)) == {(): (1, 1)}
    assert b.counts(H + timedelta(minutes=7), H + timedelta(minutes=8)) == {(): (0, 1)}


def test_a_window_edge_inside_a_whole_hour_bucket_is_refused() -> None:
    with pytest.raises(ValueError, match="inside an hour bucket"):
        buckets().counts(H, H + timedelta(hours=1, minutes=30))
    with pytest.raises(ValueError, match="outside the buckets read"):
        buckets().counts(H - timedelta(hours=1), H)
