"""Evaluate SLOs at an instant: the one path both `slo status` and the dashboards take.

`evaluate(spec, counts, at)` asks an injected counts provider for (good, total) over the SLO
period and over each burn-rate window, then applies the pure math in `math.py`. The provider
is the only I/O and is backed by SQL over the minute rollups; tests back it with arithmetic.

Provider contract (`CountsProvider`): `counts(spec, start, end)` returns, for events with
start <= event time < end that match `spec.source`/`span_name`/`filters`, a mapping from the
group key (the values of `spec.group_by` in order; `()` when ungrouped) to (good, total), good
meaning `spec.good_when` holds. One call returns every group, so a per-game SLO costs one query
per window, not one per game. `start` and `end` are whole UTC minutes (evaluate truncates `at`),
so every window is an exact sum of minute-rollup rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any, Final

from spinscope.slo.alert_tables import alert_table
from spinscope.slo.math import (
    AlertState,
    BurndownPoint,
    ErrorBudget,
    Expectation,
    alert_state,
    budget_burndown,
    burn_rate_windows,
    error_budget,
    expected_period_events,
    format_duration,
    format_ratio,
    window_bounds,
)
from spinscope.slo.spec import SloSpec

GroupKey = tuple[str, ...]
CountsProvider = Callable[[SloSpec, datetime, datetime], Mapping[GroupKey, tuple[int, int]]]
SeriesProvider = Callable[[SloSpec, datetime, datetime, int], Mapping[GroupKey, Sequence[tuple[datetime, int, int]]]]
"""(spec, start, end, step_s) → {group: [(bucket_end, good, total), ...]} for buckets of step_s in [start, end)."""
ROLLUP_STEP_S: Final = 60


@dataclass(frozen=True)
class SloStatus:
    """One SLO (and group) at one instant: period budget plus burn-rate alert state."""

    spec: SloSpec
    group: tuple[tuple[str, str], ...]
    at: datetime
    window_start: datetime
    window_end: datetime
    elapsed_ratio: Fraction  # share of the period behind `at`; 1 for rolling windows (always full)
    budget: ErrorBudget
    alert: AlertState
    expected: Expectation | None = None  # calendar windows: the events the whole period is expected to hold

    @property
    def fails_check(self) -> bool:
        """What `spinscope slo check` exits non-zero on: a page, or an exhausted budget."""
        return self.alert.state == "page" or self.budget.exhausted

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (ratios as exact decimal strings, no data as null) for --json and GET /api/v1/slo."""
        b, s = self.budget, self.spec
        return {
            "slo": s.name,
            "display_name": s.display_name,
            "service": s.service,
            "group": dict(self.group),
            "at": _iso(self.at),
            "window": {
                "start": _iso(self.window_start),
                "end": _iso(self.window_end),
                "duration": s.window.duration,
                "is_rolling": s.window.is_rolling,
                "elapsed_ratio": format_ratio(self.elapsed_ratio),
            },
            "target": format_ratio(s.target),
            "sli": format_ratio(b.sli),
            "events": {"good": b.good, "bad": b.consumed_events, "total": b.total},
            "budget": {
                "state": b.state,
                "sized_by": self.expected.basis if self.expected else "events_so_far",
                "expected_events": format_ratio(Fraction(self.expected.events if self.expected else b.total)),
                "allowed_events": format_ratio(b.allowed_events),
                "consumed_events": b.consumed_events,
                "remaining_events": format_ratio(b.remaining_events),
                "remaining_ratio": format_ratio(b.remaining_ratio),
                "consumed_ratio": format_ratio(b.consumed_ratio),
                "ideal_remaining_ratio": None if s.window.is_rolling else format_ratio(1 - self.elapsed_ratio),
            },
            "alert": {
                "state": self.alert.state,
                "fired_by": list(self.alert.fired_by),
                "suppressed": list(self.alert.suppressed),
                "min_events": s.min_events,
                "table": alert_table(s.window.seconds).name,
                "pairs": [
                    {
                        "name": p.window.name,
                        "severity": p.window.severity,
                        "long": format_duration(p.window.long_s),
                        "short": format_duration(p.window.short_s),
                        "factor": format_ratio(p.window.factor),
                        "budget_consumed": format_ratio(p.window.budget_consumed),
                        "long_events": {"good": p.long_good, "total": p.long_total},
                        "short_events": {"good": p.short_good, "total": p.short_total},
                        "long_burn_rate": format_ratio(p.long_burn),
                        "short_burn_rate": format_ratio(p.short_burn),
                        "eligible": p.eligible,
                        "burning": p.burning,
                        "firing": p.firing,
                        "can_fire": p.can_fire,
                    }
                    for p in self.alert.pairs
                ],
            },
            "fails_check": self.fails_check,
        }


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def truncate_to_step(at: datetime) -> datetime:
    """`at` in UTC, cut down to a whole rollup minute (aware input required)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (UTC), e.g. datetime.now(UTC)")
    at = at.astimezone(UTC)
    return at - timedelta(seconds=at.second % ROLLUP_STEP_S, microseconds=at.microsecond)


def _elapsed(start: datetime, end: datetime, at: datetime) -> Fraction:
    return Fraction(int((min(end, at) - start).total_seconds()), int((end - start).total_seconds()))


def _previous_period(spec: SloSpec, start: datetime) -> tuple[datetime, datetime]:
    """The calendar period before the one starting at `start` (months differ in length)."""
    return window_bounds(spec, start - timedelta(seconds=ROLLUP_STEP_S))[0], start


def _expectations(
    spec: SloSpec,
    seen: Mapping[GroupKey, int],
    previous: Mapping[GroupKey, int],
    start: datetime,
    end: datetime,
    at: datetime,
) -> dict[GroupKey, Expectation]:
    prev_start, prev_end = _previous_period(spec, start)
    prev_s, period_s = int((prev_end - prev_start).total_seconds()), int((end - start).total_seconds())
    elapsed = _elapsed(start, end, at)
    return {
        key: expected_period_events(seen.get(key, 0), elapsed, previous.get(key, 0), prev_s, period_s)
        for key in set(seen) | set(previous)
    }


def counted_windows(spec: SloSpec, at: datetime) -> list[tuple[datetime, datetime]]:
    """Every [start, end) that `evaluate(spec, counts, at)` asks `counts` for, so a provider can read them at once.

    The period so far, the previous calendar period (calendar windows only), and each burn-rate
    window length ending at `at` (truncated to the minute).
    """
    at = truncate_to_step(at)
    start, end = window_bounds(spec, at)
    out = [(start, min(end, at))]
    if not spec.window.is_rolling:
        out.append(_previous_period(spec, start))
    windows = burn_rate_windows(spec.window.seconds)
    lengths = sorted({w.long_s for w in windows} | {w.short_s for w in windows})
    return out + [(at - timedelta(seconds=length), at) for length in lengths]


def evaluate(spec: SloSpec, counts: CountsProvider, at: datetime) -> list[SloStatus]:
    """Status of `spec` at `at` (truncated to the minute), one entry per group, sorted by group.

    Groups are those the provider reports in any window. A grouped SLO with no events at all
    still yields one ungrouped `no_data` entry, so an SLO never silently vanishes from a page.
    A calendar period's budget is sized by the events it is expected to hold
    (`math.expected_period_events`: the previous period's pace or the run rate), so one early
    burst does not exhaust a month; the provider is asked once more, for the previous period.
    """
    at = truncate_to_step(at)
    start, end = window_bounds(spec, at)
    counted_until = min(end, at)
    period = counts(spec, start, counted_until)
    expectations: dict[GroupKey, Expectation] = {}
    if not spec.window.is_rolling:
        previous = counts(spec, *_previous_period(spec, start))
        expectations = _expectations(
            spec, {k: t for k, (_, t) in period.items()}, {k: t for k, (_, t) in previous.items()}, start, end, at
        )
    windows = burn_rate_windows(spec.window.seconds)
    lengths = sorted({w.long_s for w in windows} | {w.short_s for w in windows})
    by_length = {length: counts(spec, at - timedelta(seconds=length), at) for length in lengths}
    groups = sorted(set(period).union(*by_length.values())) or [()]
    elapsed = _elapsed(start, end, at)
    out = []
    for key in groups:
        if len(key) not in (0, len(spec.group_by)):
            raise ValueError(f"{spec.name}: counts provider returned group {key!r} for groupBy {spec.group_by!r}")
        good, total = period.get(key, (0, 0))
        window_counts = {length: c.get(key, (0, 0)) for length, c in by_length.items()}
        expected = expectations.get(key)
        out.append(
            SloStatus(
                spec=spec,
                group=tuple(zip(spec.group_by, key, strict=False)),
                at=at,
                window_start=start,
                window_end=end,
                elapsed_ratio=elapsed,
                budget=error_budget(spec.target, good, total, expected.events if expected else None),
                alert=alert_state(window_counts, spec.target, windows, spec.min_events),
                expected=expected,
            )
        )
    return out


def evaluate_burndown(
    spec: SloSpec,
    series: SeriesProvider,
    at: datetime,
    step_s: int = 3600,
    period_total_estimate: Fraction | int | None = None,
) -> dict[GroupKey, list[BurndownPoint]]:
    """Budget burndown per group over the period containing `at`, from the same spec and bounds as `evaluate`.

    Buckets are asked for over [period start, min(period end, at)); the last point's remaining
    ratio therefore equals `evaluate`'s: a calendar period's budget is sized by the same
    expected events (the previous period is read through `series` in one bucket), unless
    `period_total_estimate` overrides it. `step_s` must be whole minutes.
    """
    if step_s <= 0 or step_s % ROLLUP_STEP_S:
        raise ValueError(f"step_s must be a positive multiple of {ROLLUP_STEP_S}, got {step_s}")
    at = truncate_to_step(at)
    start, end = window_bounds(spec, at)
    curves = series(spec, start, min(end, at), step_s)
    estimates: dict[GroupKey, Fraction | int | None] = {key: period_total_estimate for key in curves}
    if period_total_estimate is None and not spec.window.is_rolling:
        prev_start, prev_end = _previous_period(spec, start)
        prev_s = int((prev_end - prev_start).total_seconds())
        previous = {k: sum(t for _, _, t in pts) for k, pts in series(spec, prev_start, prev_end, prev_s).items()}
        seen = {k: sum(t for _, _, t in pts) for k, pts in curves.items()}
        estimates.update({k: e.events for k, e in _expectations(spec, seen, previous, start, end, at).items()})
    return {
        key: budget_burndown(points, spec.target, start, end if not spec.window.is_rolling else at, estimates.get(key))
        for key, points in sorted(curves.items())
    }
