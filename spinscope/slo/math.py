"""SLO arithmetic: SLI, error budget, burn rates, multi-window alert state, burndown, window bounds.

Pure functions over event counts, exact throughout (`Fraction`): budgets are compared with
targets like 0.999, where binary floats round the last digit. "No events" is never NaN: ratios
that are undefined are the explicit `NO_DATA` sentinel (burn rates: `None`), and the alert
state says `no_data`. Nothing here reads files or the store; `evaluate.py` wires these to an
injected counts provider.

Burn-rate alert windows are data: one published table per SLO period in `alert_tables.py`;
`burn_rate_windows` scales a table's budget shares to the period and never keeps a pair whose
factor is <= 1 (it would fire while the SLO is being met).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from typing import Final, Literal
from zoneinfo import ZoneInfo

from spinscope.slo.alert_tables import AlertTable, Severity, alert_table
from spinscope.slo.spec import SloSpec, TimeWindow


class NoData:
    """The value of a ratio over zero events: explicit, falsy, and `null` in JSON (never NaN)."""

    _instance: NoData | None = None

    def __new__(cls) -> NoData:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DATA"

    def __bool__(self) -> bool:
        return False


NO_DATA: Final = NoData()

AlertStateName = Literal["page", "ticket", "ok", "no_data", "low_traffic"]


@dataclass(frozen=True)
class AlertWindow:
    """One multi-window pair: fires when both windows burn faster than `factor`."""

    severity: Severity
    long_s: int
    short_s: int
    factor: Fraction
    budget_consumed: Fraction

    @property
    def name(self) -> str:
        return f"{self.severity}:{format_duration(self.long_s)}/{format_duration(self.short_s)}"


def format_duration(seconds: int) -> str:
    """Shortest exact spelling: 300 → 5m, 86400 → 1d, 90 → 90s."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def burn_rate_windows(period_seconds: int, table: AlertTable | None = None) -> list[AlertWindow]:
    """The alert pairs for an SLO period: its table's pairs, factors scaled to the period.

    30d gives 14.4 / 6 / 3 (Workbook); 28d 13.44 / 5.6 / 2.8; 7d 13.44 / 3.5 / 1.4 (Sloth).
    Dropped: a pair whose factor is <= 1 (it would fire on a burn the budget can sustain, i.e.
    while the SLO is being met: Workbook 3d/6h at 30d is exactly 1, Sloth's 7d 3d/6h is 0.98),
    and a pair whose long window exceeds the period (it would measure more than the budget).
    """
    if period_seconds <= 0:
        raise ValueError(f"period_seconds must be positive, got {period_seconds}")
    table = table or alert_table(period_seconds)
    windows = [
        AlertWindow(severity, long_s, short_s, consumed * period_seconds / long_s, consumed)
        for severity, long_s, short_s, consumed in table.pairs
        if long_s <= period_seconds
    ]
    return [w for w in windows if w.factor > 1]


def _check_counts(good: int, total: int) -> None:
    if not (isinstance(good, int) and isinstance(total, int)) or not 0 <= good <= total:
        raise ValueError(f"counts must be whole numbers with 0 <= good <= total, got good={good!r} total={total!r}")


def sli(good: int, total: int) -> Fraction | NoData:
    """good / total, or NO_DATA when there were no events."""
    _check_counts(good, total)
    return Fraction(good, total) if total else NO_DATA


def burn_rate(bad: int, total: int, target: Fraction) -> Fraction | None:
    """How fast the budget burns: (bad / total) / (1 − target); 1 spends exactly the budget over the period.

    None when there were no events (a burn rate of 0 would claim health nobody observed).
    """
    _check_counts(bad, total)
    if not 0 <= target < 1:
        raise ValueError(f"target must be in [0, 1), got {target}")
    return Fraction(bad, total) / (1 - Fraction(target)) if total else None


@dataclass(frozen=True)
class ErrorBudget:
    """Budget over a window in events: allowed = (1 − target) · total, consumed = bad events.

    remaining_events may be negative (overspent); exhausted means nothing is left (remaining <= 0).
    The ratios are NO_DATA when the window held no events.
    """

    target: Fraction
    good: int
    total: int
    allowed_events: Fraction
    consumed_events: int
    remaining_events: Fraction
    remaining_ratio: Fraction | NoData
    consumed_ratio: Fraction | NoData
    sli: Fraction | NoData
    exhausted: bool

    @property
    def state(self) -> Literal["ok", "exhausted", "no_data"]:
        return "no_data" if self.total == 0 else "exhausted" if self.exhausted else "ok"


def error_budget(target: Fraction, good: int, total: int, expected_total: Fraction | int | None = None) -> ErrorBudget:
    """The error budget of `total` events of which `good` were good, against `target`.

    The budget is sized by `expected_total` when given (a calendar period in progress: the
    events the whole period is expected to hold, see `expected_period_events`), never by fewer
    events than were seen; else by `total`.
    """
    _check_counts(good, total)
    target = Fraction(target)
    bad = total - good
    base = total if expected_total is None else max(Fraction(total), Fraction(expected_total))
    allowed = (1 - target) * base
    remaining = allowed - bad
    has_data = total > 0
    return ErrorBudget(
        target=target,
        good=good,
        total=total,
        allowed_events=allowed,
        consumed_events=bad,
        remaining_events=remaining,
        remaining_ratio=remaining / allowed if has_data else NO_DATA,
        consumed_ratio=bad / allowed if has_data else NO_DATA,
        sli=sli(good, total),
        exhausted=has_data and remaining <= 0,
    )


Basis = Literal["events_so_far", "previous_period", "run_rate"]


@dataclass(frozen=True)
class Expectation:
    """The events a calendar period is expected to hold, and which pace gave the estimate."""

    events: Fraction
    basis: Basis


def expected_period_events(
    seen: int, elapsed: Fraction, previous: int, previous_seconds: int, period_seconds: int
) -> Expectation:
    """Events a calendar period in progress will hold: those seen plus the rest at the expected pace.

    events = seen + (1 − elapsed) × pace, where pace (events per whole period) is the larger of
    the previous period's count scaled to this period's length (months differ) and this
    period's run rate (seen / elapsed). The previous period carries the weight early on, so an
    early burst of bad events is judged against a month, not against the first hour; the run
    rate stands in when the store does not hold the previous period (or holds only part of it:
    the larger pace never shrinks the budget). At the period's end elapsed = 1 and the estimate
    is exactly what was seen: the final verdict is the plain occurrences budget.
    """
    if not 0 <= elapsed <= 1 or previous_seconds <= 0 or period_seconds <= 0:
        raise ValueError(f"elapsed={elapsed} must be in [0, 1]; period lengths must be positive")
    if elapsed == 1 or (seen == 0 and previous == 0):
        return Expectation(Fraction(seen), "events_so_far")
    from_previous = Fraction(previous * period_seconds, previous_seconds)
    run_rate = Fraction(seen) / elapsed if elapsed > 0 else Fraction(0)
    basis: Basis = "previous_period" if from_previous >= run_rate else "run_rate"
    pace = max(from_previous, run_rate)
    return Expectation(seen + (1 - Fraction(elapsed)) * pace, basis)


@dataclass(frozen=True)
class PairState:
    """One alert pair evaluated: burn rates, whether it burns, and whether traffic lets it fire."""

    window: AlertWindow
    long_good: int
    long_total: int
    short_good: int
    short_total: int
    long_burn: Fraction | None
    short_burn: Fraction | None
    eligible: bool  # long window holds >= min_events
    burning: bool  # both burn rates > factor
    firing: bool  # burning and eligible
    can_fire: bool  # factor < 1/(1 − target): the most a window can burn (all events bad)


@dataclass(frozen=True)
class AlertState:
    """Overall state: page > ticket > no_data > low_traffic > ok; `fired_by` names the firing pairs."""

    state: AlertStateName
    fired_by: tuple[str, ...]
    suppressed: tuple[str, ...]  # pairs burning above their factor but below min_events
    pairs: tuple[PairState, ...]


def alert_state(
    window_counts: Mapping[int, tuple[int, int]], target: Fraction, windows: Iterable[AlertWindow], min_events: int
) -> AlertState:
    """Multi-window multi-burn-rate state from (good, total) per window length in seconds.

    A pair fires when both its long and short burn rates are strictly above its factor and its
    long window holds at least `min_events` events (the low-traffic guard: at 99.9 %, two bad
    spins out of a hundred would otherwise page). States, first match wins: `page` / `ticket`
    when a pair of that severity fires; `no_data` when no window holds an event (the absent-data
    signal); `low_traffic` when some pair's long window is below `min_events`; else `ok`.
    """
    target = Fraction(target)
    pairs: list[PairState] = []
    for w in windows:
        for length in (w.long_s, w.short_s):
            if length not in window_counts:
                raise ValueError(f"window_counts lacks the {format_duration(length)} window ({length} s) of {w.name}")
        lg, lt = window_counts[w.long_s]
        sg, st = window_counts[w.short_s]
        lb, sb = burn_rate(lt - lg, lt, target), burn_rate(st - sg, st, target)
        burning = lb is not None and sb is not None and lb > w.factor and sb > w.factor
        eligible = lt >= min_events and lt > 0
        pairs.append(
            PairState(w, lg, lt, sg, st, lb, sb, eligible, burning, burning and eligible, w.factor < 1 / (1 - target))
        )
    fired = tuple(p.window.name for p in pairs if p.firing)
    suppressed = tuple(p.window.name for p in pairs if p.burning and not p.eligible)
    state: AlertStateName
    if any(p.firing and p.window.severity == "page" for p in pairs):
        state = "page"
    elif fired:
        state = "ticket"
    elif all(p.long_total == 0 and p.short_total == 0 for p in pairs):
        state = "no_data"
    elif any(not p.eligible for p in pairs):
        state = "low_traffic"
    else:
        state = "ok"
    return AlertState(state, fired, suppressed, tuple(pairs))


@dataclass(frozen=True)
class BurndownPoint:
    """Cumulative position at `at`: budget left (events and share) and where linear burn would be."""

    at: datetime
    good: int
    total: int
    remaining_events: Fraction
    remaining_ratio: Fraction | NoData
    ideal_ratio: Fraction


def _micros(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def budget_burndown(
    series: Iterable[tuple[datetime, int, int]],
    target: Fraction,
    window_start: datetime,
    window_end: datetime,
    period_total_estimate: Fraction | int | None = None,
) -> list[BurndownPoint]:
    """Remaining budget after each bucket of `series` ((bucket_end, good, total), any order) for charting.

    The budget's size needs the period's event count, which a calendar period only knows when it
    ends (docs/research/slo_anchors.md §4.2). Default: the events seen so far (Σ total of the series), so the last
    point equals the status's remaining budget (chart and alert cannot disagree); for a rolling
    window that is exact. Pass `period_total_estimate` (e.g. last period's count) for a fixed
    budget that only burns down; it never counts fewer events than were seen. The ideal line is
    linear in time from 1 at window_start to 0 at window_end.
    """
    points = sorted(series, key=lambda p: p[0])
    span = _micros(window_end - window_start)
    if span <= 0:
        raise ValueError("window_end must be after window_start")
    seen = 0
    for at, good, total in points:
        _check_counts(good, total)
        if not window_start < at <= window_end:
            raise ValueError(
                f"bucket end {at.isoformat()} is outside ({window_start.isoformat()}, {window_end.isoformat()}]"
            )
        seen += total
    base = seen if period_total_estimate is None else max(seen, period_total_estimate)
    budget = (1 - Fraction(target)) * base
    out: list[BurndownPoint] = []
    good_sum = total_sum = 0
    for at, good, total in points:
        good_sum, total_sum = good_sum + good, total_sum + total
        remaining = budget - (total_sum - good_sum)
        out.append(
            BurndownPoint(
                at=at,
                good=good_sum,
                total=total_sum,
                remaining_events=remaining,
                remaining_ratio=remaining / budget if budget else NO_DATA,
                ideal_ratio=1 - Fraction(_micros(at - window_start), span),
            )
        )
    return out


def window_bounds(spec: SloSpec | TimeWindow, at: datetime) -> tuple[datetime, datetime]:
    """The SLO period containing `at`, as UTC [start, end).

    Rolling: [at − duration, at). Calendar: the week (from Monday 00:00) or month (from the 1st
    00:00) containing `at` in the calendar's time zone; `end` is the next period's start, which
    lies after `at` until the period is over (count events up to `at`).
    """
    window = spec.window if isinstance(spec, SloSpec) else spec
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (UTC), e.g. datetime.now(UTC)")
    at = at.astimezone(UTC)
    if window.is_rolling:
        return at - timedelta(seconds=window.seconds), at
    tz = ZoneInfo(window.timezone)
    local = at.astimezone(tz)
    if window.calendar_unit == "week":
        first = local.date() - timedelta(days=local.weekday())
        nxt = first + timedelta(days=7)
        start_l, end_l = datetime(first.year, first.month, first.day), datetime(nxt.year, nxt.month, nxt.day)
    else:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        start_l, end_l = datetime(local.year, local.month, 1), datetime(year, month, 1)
    return start_l.replace(tzinfo=tz).astimezone(UTC), end_l.replace(tzinfo=tz).astimezone(UTC)


def format_ratio(value: Fraction | NoData | None, places: int = 12) -> str | None:
    """Exact decimal string when the fraction terminates within `places`, else rounded half-even; None for no data."""
    if value is None or isinstance(value, NoData):
        return None
    value = Fraction(value)
    quotient = Context(prec=80).divide(Decimal(value.numerator), Decimal(value.denominator))
    rounded = quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    text = format(rounded.normalize(), "f")
    return "0" if text in ("-0", "") else text
