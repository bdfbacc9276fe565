"""SLO math: known answers worked out by hand (exact fractions), and invariants checked with Hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.slo import (
    NO_DATA,
    AlertWindow,
    TimeWindow,
    alert_state,
    alert_table,
    budget_burndown,
    burn_rate,
    burn_rate_windows,
    error_budget,
    format_duration,
    format_ratio,
    sli,
    window_bounds,
)
from spinscope.slo.spec import CALENDAR_NOMINAL_SECONDS

H, D = 3600, 86400
T999 = Fraction(999, 1000)


def published(windows: list[AlertWindow]) -> list[tuple[str, str, str]]:
    """(name, factor, budget share) as the tables print them."""
    return [(w.name, format_ratio(w.factor, 4), format_ratio(w.budget_consumed, 4)) for w in windows]


def test_30d_is_the_workbook_table_without_its_factor_1_pair() -> None:
    # SRE Workbook Table 5-8 (14.4 / 1h / 5m / 2 %, 6 / 6h / 30m / 5 %) and its 24h/2h ticket (3, 10 %);
    # Table 5-8's 3d/6h ticket has factor 1: it fires on a burn the budget sustains, so it is dropped.
    assert published(burn_rate_windows(30 * D)) == [
        ("page:1h/5m", "14.4", "0.02"),
        ("page:6h/30m", "6", "0.05"),
        ("ticket:1d/2h", "3", "0.1"),
    ]


def test_28d_is_sloth_google_28d_without_its_factor_below_1_pair() -> None:
    # Sloth google-28d.yaml keeps the Workbook's shares: 2 % x 672 h / 1 h = 13.44, 5 % x 672 / 6 = 5.6,
    # 10 % x 672 / 24 = 2.8, and 10 % x 672 / 72 = 0.933 (dropped).
    assert published(burn_rate_windows(28 * D)) == [
        ("page:1h/5m", "13.44", "0.02"),
        ("page:6h/30m", "5.6", "0.05"),
        ("ticket:1d/2h", "2.8", "0.1"),
    ]


def test_7d_is_sloths_7d_shares_without_its_factor_below_1_pair() -> None:
    # Sloth examples/windows/7d.yaml: 8 % x 168 h / 1 h = 13.44, 12.5 % x 168 / 6 = 3.5, 20 % x 168 / 24 = 1.4,
    # 42 % x 168 / 72 = 0.98 (dropped). The old fixed 30d shares gave 3.36 / 1.4 / 0.7 / 0.23 here.
    assert published(burn_rate_windows(7 * D)) == [
        ("page:1h/5m", "13.44", "0.08"),
        ("page:6h/30m", "3.5", "0.125"),
        ("ticket:1d/2h", "1.4", "0.2"),
    ]


def test_90d_is_datadogs_90_day_recommendation() -> None:
    assert published(burn_rate_windows(90 * D)) == [
        ("page:1h/5m", "21.6", "0.01"),
        ("page:6h/30m", "10.8", "0.03"),
        ("ticket:1d/2h", "4.5", "0.05"),
    ]


def test_calendar_periods_use_their_nominal_length() -> None:
    assert published(burn_rate_windows(CALENDAR_NOMINAL_SECONDS["week"])) == published(burn_rate_windows(7 * D))
    assert published(burn_rate_windows(CALENDAR_NOMINAL_SECONDS["month"])) == published(burn_rate_windows(30 * D))


def test_periods_between_tables_interpolate_shares_and_short_periods_keep_sloths_7d() -> None:
    assert alert_table(14 * D).name == "sloth-7d..sloth-google-28d"
    # geometric mean of 8 % and 2 % at the geometric mean of 7d and 28d: 4 % x 336 h / 1 h = 13.44
    assert published(burn_rate_windows(14 * D))[0] == ("page:1h/5m", "13.44", "0.04")
    # 1 day: only the 1h pair burns faster than the budget sustains (8 % x 24 = 1.92)
    assert published(burn_rate_windows(D)) == [("page:1h/5m", "1.92", "0.08")]


@given(st.integers(min_value=D, max_value=366 * D))
def test_every_allowed_period_pages_and_never_keeps_a_factor_at_or_below_1(period: int) -> None:
    windows = burn_rate_windows(period)
    assert any(w.severity == "page" for w in windows)
    for w in windows:
        assert w.factor > 1
        assert w.long_s <= period and w.short_s * 12 == w.long_s
        assert w.factor * w.long_s / period == w.budget_consumed  # fires at its stated share


@given(st.integers(min_value=D, max_value=366 * D), st.integers(min_value=D, max_value=366 * D))
def test_factors_never_fall_as_the_period_grows(a: int, b: int) -> None:
    short, long = sorted((a, b))
    longer = {w.name: w.factor for w in burn_rate_windows(long)}
    for w in burn_rate_windows(short):
        assert longer[w.name] >= w.factor * Fraction(999, 1000)  # shares are rounded to a millionth


def test_sli_and_no_data() -> None:
    assert sli(999, 1000) == T999
    assert sli(0, 0) is NO_DATA
    assert not NO_DATA and repr(NO_DATA) == "NO_DATA"
    with pytest.raises(ValueError, match="0 <= good <= total"):
        sli(5, 4)


def test_burn_rate_known_answers() -> None:
    assert burn_rate(1, 1000, T999) == 1  # spending exactly the budget
    assert burn_rate(144, 10_000, T999) == Fraction("14.4")
    assert burn_rate(0, 50, T999) == 0
    assert burn_rate(0, 0, T999) is None
    assert burn_rate(10, 10, Fraction(9, 10)) == 10  # all bad: the ceiling 1/(1 − target)


def test_error_budget_known_answers_in_events() -> None:
    b = error_budget(T999, 99_990, 100_000)
    assert (
        b.allowed_events,
        b.consumed_events,
        b.remaining_events,
        b.remaining_ratio,
        b.consumed_ratio,
        b.sli,
        b.exhausted,
        b.state,
    ) == (100, 10, 90, Fraction(9, 10), Fraction(1, 10), Fraction(9999, 10000), False, "ok")
    spent = error_budget(T999, 99_900, 100_000)
    assert (spent.remaining_events, spent.remaining_ratio, spent.exhausted, spent.state) == (0, 0, True, "exhausted")
    over = error_budget(T999, 99_850, 100_000)
    assert (over.remaining_events, over.remaining_ratio) == (-50, Fraction(-1, 2))


def test_error_budget_without_events_is_no_data_not_nan() -> None:
    b = error_budget(T999, 0, 0)
    assert (b.allowed_events, b.remaining_events, b.remaining_ratio, b.consumed_ratio, b.sli, b.exhausted, b.state) == (
        0,
        0,
        NO_DATA,
        NO_DATA,
        NO_DATA,
        False,
        "no_data",
    )


def test_budget_is_exact_to_the_last_decimal_where_floats_are_not() -> None:
    b = error_budget(T999, 12_340, 12_345)
    assert b.allowed_events == Fraction(12_345, 1000)
    assert format_ratio(b.allowed_events) == "12.345"
    assert format_ratio(b.remaining_events) == "7.345"
    assert (1 - 0.999) * 12_345 != 12.345  # the float route is off in the last digits


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.fractions(min_value=0, max_value=Fraction(9999, 10000)))
def test_budget_remaining_plus_consumed_is_the_total_budget(a: int, b: int, target: Fraction) -> None:
    good, total = min(a, b), max(a, b)
    budget = error_budget(target, good, total)
    assert budget.remaining_events + budget.consumed_events == budget.allowed_events
    if total:
        assert budget.remaining_ratio + budget.consumed_ratio == 1
        assert (budget.remaining_events >= 0) == (budget.sli >= target)


# --- multi-window alert state -------------------------------------------------------------------

W30 = burn_rate_windows(30 * D)
LENGTHS = (300, 1800, H, 2 * H, 6 * H, D, 3 * D)


def counts(rate: int, bad: dict[int, int] | None = None) -> dict[int, tuple[int, int]]:
    """(good, total) per window: `rate` events per 5 minutes, and `bad[length]` bad events in that window."""
    bad = bad or {}
    return {L: (rate * L // 300 - bad.get(L, 0), rate * L // 300) for L in LENGTHS}


def test_quiet_healthy_service_is_ok() -> None:
    state = alert_state(counts(1000), T999, W30, 100)
    assert (state.state, state.fired_by, state.suppressed) == ("ok", (), ())
    assert all(p.eligible and not p.burning and p.long_burn == 0 for p in state.pairs)


def test_burn_exactly_at_the_factor_does_not_fire_one_more_bad_event_does() -> None:
    # 1h window: 12,000 events; 14.4× of a 0.1 % budget is 1.44 % = 172.8 events → 172 is below, 173 above.
    at_edge = counts(1000, {H: 172, 300: 100})
    state = alert_state(at_edge, T999, W30, 100)
    assert state.pairs[0].long_burn == Fraction(172, 12) and state.state == "ok"
    exactly = {**counts(1250), H: (15_000 - 216, 15_000), 300: (1250 - 100, 1250)}  # 216/15000 = 1.44 % exactly
    state = alert_state(exactly, T999, W30, 100)
    assert state.pairs[0].long_burn == Fraction("14.4") and not state.pairs[0].burning
    state = alert_state({**exactly, H: (15_000 - 217, 15_000)}, T999, W30, 100)
    assert (state.state, state.fired_by) == ("page", ("page:1h/5m",))


def test_long_window_burning_but_short_window_recovered_does_not_page() -> None:
    state = alert_state(counts(1000, {H: 500, 300: 0}), T999, W30, 100)
    assert state.pairs[0].long_burn == Fraction(500, 12) and state.pairs[0].short_burn == 0
    assert state.state == "ok"


def test_ticket_from_the_slow_pairs_and_page_outranks_ticket() -> None:
    # 0.4 % bad over 1d (burn 4 > 3), 0.5 % over 2h (5 > 3), but 6h's 5 < 6 and 1h's 25/6 < 14.4, so only
    # the ticket pair fires.
    slow = counts(1000, {D: 1152, 2 * H: 120, 3 * D: 1152, 6 * H: 360, H: 50, 1800: 25, 300: 4})
    state = alert_state(slow, T999, W30, 100)
    assert [p.long_burn for p in state.pairs] == [Fraction(25, 6), Fraction(5), Fraction(4)]
    assert (state.state, state.fired_by) == ("ticket", ("ticket:1d/2h",))
    both = {**slow, H: (12_000 - 200, 12_000), 300: (1000 - 20, 1000)}
    state = alert_state(both, T999, W30, 100)
    assert (state.state, state.fired_by) == ("page", ("page:1h/5m", "ticket:1d/2h"))


def test_low_traffic_guard_suppresses_and_says_so() -> None:
    # 3 events per 5 minutes: 36 in the 1h window (< 100), 216 in 6h. One bad spin in the last 5 minutes burns
    # 1h at 1/36 / 0.001 ≈ 27.8 > 14.4 (suppressed), 6h at 1/216 / 0.001 ≈ 4.6 < 6, 1d ≈ 1.16 < 3.
    few = counts(3, {L: 1 for L in LENGTHS})
    state = alert_state(few, T999, W30, 100)
    assert [p.long_burn for p in state.pairs] == [
        Fraction(1000, 36),
        Fraction(1000, 216),
        Fraction(1000, 864),
    ]
    assert (state.state, state.fired_by, state.suppressed) == ("low_traffic", (), ("page:1h/5m",))
    assert alert_state(few, T999, W30, 0).state == "page"  # guard off


def test_low_traffic_without_burning_is_still_reported() -> None:
    state = alert_state(counts(3), T999, W30, 100)
    assert (state.state, state.suppressed) == ("low_traffic", ())
    assert [p.eligible for p in state.pairs] == [False, True, True]


def test_no_events_in_any_window_is_no_data() -> None:
    state = alert_state({L: (0, 0) for L in LENGTHS}, T999, W30, 100)
    assert state.state == "no_data"
    assert all(p.long_burn is None and p.short_burn is None and not p.firing for p in state.pairs)


def test_pairs_that_cannot_fire_at_a_low_target_are_flagged() -> None:
    state = alert_state(counts(1000), Fraction(9, 10), W30, 100)
    assert [p.can_fire for p in state.pairs] == [False, True, True]  # 14.4 > 1/(1 − 0.9) = 10


def test_missing_window_counts_name_the_window() -> None:
    with pytest.raises(ValueError, match=r"lacks the 5m window \(300 s\) of page:1h/5m"):
        alert_state({H: (1, 1)}, T999, W30, 100)


# --- burndown --------------------------------------------------------------------------------------

START = datetime(2025, 3, 1, tzinfo=UTC)
END = START + timedelta(days=4)


def test_burndown_with_the_events_seen_so_far_ends_at_the_status_budget() -> None:
    series = [(START + timedelta(days=i + 1), 1000 - bad, 1000) for i, bad in enumerate((0, 2, 1, 0))]
    points = budget_burndown(reversed(series), T999, START, END)
    # budget = 0.001 × 4000 = 4 events; cumulative bad 0, 2, 3, 3
    assert [(p.remaining_events, p.remaining_ratio, p.ideal_ratio) for p in points] == [
        (4, 1, Fraction(3, 4)),
        (2, Fraction(1, 2), Fraction(1, 2)),
        (1, Fraction(1, 4), Fraction(1, 4)),
        (1, Fraction(1, 4), 0),
    ]
    assert points[-1].remaining_ratio == error_budget(T999, 3997, 4000).remaining_ratio


def test_burndown_with_a_period_estimate_uses_the_larger_budget() -> None:
    series = [(START + timedelta(days=1), 998, 1000)]
    (point,) = budget_burndown(series, T999, START, END, period_total_estimate=4000)
    assert (point.remaining_events, point.remaining_ratio) == (2, Fraction(1, 2))
    (point,) = budget_burndown(series, T999, START, END, period_total_estimate=10)  # never below what was seen
    assert (point.remaining_events, point.remaining_ratio) == (-1, -1)


def test_burndown_without_events_is_no_data_and_rejects_buckets_outside_the_window() -> None:
    (point,) = budget_burndown([(START + timedelta(hours=1), 0, 0)], T999, START, END)
    assert point.remaining_ratio is NO_DATA and point.remaining_events == 0
    with pytest.raises(ValueError, match="outside"):
        budget_burndown([(START, 0, 0)], T999, START, END)


# --- window bounds ---------------------------------------------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


ROLLING_28D = TimeWindow("28d", True, 28 * D)


def month(tz: str) -> TimeWindow:
    return TimeWindow("1M", False, 30 * D, "month", tz)


def week(tz: str) -> TimeWindow:
    return TimeWindow("1w", False, 7 * D, "week", tz)


@pytest.mark.parametrize(
    ("window", "at", "start", "end"),
    [
        (ROLLING_28D, utc(2025, 3, 15, 12), utc(2025, 2, 15, 12), utc(2025, 3, 15, 12)),
        (month("UTC"), utc(2025, 12, 31, 23, 59), utc(2025, 12, 1), utc(2026, 1, 1)),  # year rollover
        (month("UTC"), utc(2024, 2, 29, 12), utc(2024, 2, 1), utc(2024, 3, 1)),  # leap day
        (month("UTC"), utc(2025, 4, 1), utc(2025, 4, 1), utc(2025, 5, 1)),  # a period's first instant is in it
        # Malta: CET (+1) in winter, CEST (+2) from 2025-03-30; the month ends at local midnight, 22:00 UTC.
        (month("Europe/Malta"), utc(2025, 3, 15, 12), utc(2025, 2, 28, 23), utc(2025, 3, 31, 22)),
        # 23:30 UTC on 31 Jan is already February in Malta.
        (month("Europe/Malta"), utc(2025, 1, 31, 23, 30), utc(2025, 1, 31, 23), utc(2025, 2, 28, 23)),
        (month("Asia/Kolkata"), utc(2025, 6, 30, 19), utc(2025, 6, 30, 18, 30), utc(2025, 7, 31, 18, 30)),
        (month("Pacific/Auckland"), utc(2025, 6, 30, 13), utc(2025, 6, 30, 12), utc(2025, 7, 31, 12)),
        (week("UTC"), utc(2025, 3, 16, 23, 59), utc(2025, 3, 10), utc(2025, 3, 17)),  # Sunday night → that Monday
        (week("UTC"), utc(2025, 3, 17), utc(2025, 3, 17), utc(2025, 3, 24)),
        # The week the clocks go forward in Malta is 167 hours long.
        (week("Europe/Malta"), utc(2025, 3, 30, 12), utc(2025, 3, 23, 23), utc(2025, 3, 30, 22)),
        (week("America/New_York"), utc(2025, 11, 3, 3), utc(2025, 10, 27, 4), utc(2025, 11, 3, 5)),
    ],
)
def test_window_bounds(window: TimeWindow, at: datetime, start: datetime, end: datetime) -> None:
    assert window_bounds(window, at) == (start, end)


def test_window_bounds_needs_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        window_bounds(ROLLING_28D, datetime(2025, 1, 1))


def test_formatting_helpers() -> None:
    assert [format_ratio(x) for x in (Fraction(1, 3), Fraction("14.4"), Fraction(100), Fraction(-1, 2), 0)] == [
        "0.333333333333",
        "14.4",
        "100",
        "-0.5",
        "0",
    ]
    assert format_ratio(NO_DATA) is None and format_ratio(None) is None
    assert [format_duration(s) for s in (300, 1800, H, 2 * H, D, 3 * D, 90)] == [
        "5m",
        "30m",
        "1h",
        "2h",
        "1d",
        "3d",
        "90s",
    ]
