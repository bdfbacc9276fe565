"""Maintenance windows excluding their minutes from SLO budgets (spinscope/slo/exclusions.py): by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spinscope.slo.exclusions import (
    Exclusion,
    applicable,
    drop_excluded,
    excluded_spans,
    from_silences,
    rebucket,
    totals,
)

T = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
M = timedelta(minutes=1)


def minutes(n: int, good: int = 9, total: int = 10) -> list[tuple[datetime, int, int]]:
    """n per-minute points from T: (bucket end, good, total)."""
    return [(T + (i + 1) * M, good, total) for i in range(n)]


def window(start_min: float, end_min: float, **matchers: str) -> Exclusion:
    return Exclusion(tuple(sorted(matchers.items())), T + start_min * M, T + end_min * M)


def test_a_minute_is_excluded_when_the_window_overlaps_it() -> None:
    w = window(0.5, 5)  # 10:00:30 to 10:05: minutes 10:00 to 10:04
    assert [w.covers_minute(T + i * M) for i in range(7)] == [True, True, True, True, True, False, False]


def test_matching_windows_drop_their_minutes_and_the_totals_follow() -> None:
    series = {("eu",): minutes(10), ("us",): minutes(10)}
    kept = drop_excluded(series, [window(2, 5, slo="avail", region="eu")], "avail", "slot", ("region",))
    assert [p[0] for p in kept[("eu",)]] == [T + i * M for i in (1, 2, 6, 7, 8, 9, 10)]  # 10:02-10:04 gone
    assert totals(kept) == {("eu",): (63, 70), ("us",): (90, 100)}  # 7 and 10 minutes of 9 good in 10


def test_windows_match_like_silences_match_the_slos_alerts() -> None:
    series = {(): minutes(4)}
    for matchers, dropped in [
        ({"slo": "avail"}, True),
        ({"service": "slot"}, True),
        ({"alertname": "SloBurnRate"}, True),
        ({"alertname": "RtpDrift"}, False),
        ({"slo": "latency"}, False),
        ({"game_id": "g1"}, False),  # a label this ungrouped SLO's alerts do not carry
    ]:
        kept = drop_excluded(series, [window(0, 4, **matchers)], "avail", "slot", ())
        assert (len(kept[()]) == 0) is dropped, matchers


def test_applicable_keeps_windows_overlapping_the_range_for_this_slo() -> None:
    ws = [window(0, 5, slo="avail"), window(0, 5, slo="other"), window(60, 70, service="slot"), window(-10, 0)]
    assert applicable(ws, "avail", "slot", T, T + 30 * M) == [ws[0]]


def test_rebucket_sums_minutes_into_epoch_aligned_buckets() -> None:
    series = {(): minutes(10)}
    kept = drop_excluded(series, [window(3, 4)], "avail", "slot", ())  # 10:03 gone
    assert rebucket(kept, 300) == {(): [(T + 5 * M, 36, 40), (T + 10 * M, 45, 50)]}


def test_only_budget_excluding_maintenance_windows_are_read_and_the_page_gets_clipped_spans() -> None:
    rows = [
        {
            "silence_id": "a",
            "matchers": {"slo": "avail"},
            "starts_at": T,
            "ends_at": T + 5 * M,
            "excludes_budget": True,
        },
        {
            "silence_id": "b",
            "matchers": {"slo": "avail"},
            "starts_at": T,
            "ends_at": T + 9 * M,
            "excludes_budget": False,
        },
    ]
    (only,) = from_silences(rows)
    assert (only.silence_id, only.matchers, only.end) == ("a", (("slo", "avail"),), T + 5 * M)
    assert excluded_spans([only], T + 2 * M, T + 60 * M) == [
        {"silence_id": "a", "matchers": "slo=avail", "start": T + 2 * M, "end": T + 5 * M}
    ]
