"""Where Investigate opens when no window is given: the latest stretch whose errors (or slow spins) stood out.

Input is the signal series the page already draws (queries/app/app_signal_series.sql: spins,
error_spins, slow_spins per bucket), so choosing the window costs no query of its own; `refine`
narrows a coarse episode to minutes from the same model at a one-minute step over that stretch.

A bucket stands out when its count is both at least `RATIO` times the usual rate and `Z` standard
deviations above it (a binomial count at the usual rate): the ratio keeps a busy fleet's small
wobbles out, the z keeps a quiet minute's one error out. The usual rate is the median of the
buckets' rates (robust to the burst itself). The episode is the latest run of standing-out buckets,
bridging quiet stretches of up to `GAP_S` seconds. Nothing stands out: None, and the page keeps its last hour.

Pure: no Streamlit, no store (percentages written by app/labels.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

from spinscope.app.labels import percent

COUNTS = {"errors": "error_spins", "latency": "slow_spins"}  # signal -> the series column it counts
RATIO = 2.0
Z = 4.0
GAP_S = 1800  # quiet stretches up to half an hour (at least one bucket) are bridged: traffic comes in sessions
MIN_COUNT = 3  # a bucket needs a few events to stand out at all
NAMES = {"errors": "error burst", "latency": "latency regression"}


@dataclass(frozen=True)
class Episode:
    signal: str
    start: datetime
    end: datetime  # exclusive
    events: int  # errored (or slow) spins in the episode
    spins: int
    usual_ratio: float  # the usual share of errored (or slow) spins

    @property
    def ratio(self) -> float:
        return self.events / self.spins if self.spins else 0.0

    def sentence(self) -> str:
        """What the page says about the window it chose."""
        what = "errored" if self.signal == "errors" else "were slower than 500 ms"
        span = f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"
        if self.end - self.start >= timedelta(days=1) or self.end.date() != self.start.date():
            span = f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M} UTC"
        return (
            f"Showing the latest {NAMES[self.signal]}, {span}: {percent(self.ratio, 1)} of spins {what} "
            f"against {percent(self.usual_ratio, 2)} usually. Brush the chart to choose another window."
        )


def _at(value: Any) -> datetime:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def usual_ratio(series: Sequence[Mapping[str, Any]], signal: str) -> float | None:
    """The median bucket's share of errored (slow) spins; None without spins or for another signal."""
    column = COUNTS.get(signal)
    if column is None:
        return None
    rates = [int(r[column]) / int(r["spins"]) for r in series if int(r["spins"] or 0) > 0]
    return median(rates) if rates else None


def stands_out(events: int, spins: int, usual: float, total_spins: int, min_count: int = MIN_COUNT) -> bool:
    """Whether `events` of `spins` stand out against the usual share (see the module docstring)."""
    if spins <= 0 or events < min_count:
        return False
    p = max(usual, 1 / max(total_spins, 1))  # a fleet with no errors at all still has a floor
    expected = spins * p
    sd = math.sqrt(spins * p * (1 - p)) or 1e-9
    return events >= RATIO * expected and (events - expected) / sd >= Z


def latest_episode(
    series: Sequence[Mapping[str, Any]],
    signal: str,
    step_s: int,
    usual: float | None = None,
    gap: int | None = None,
    min_count: int = MIN_COUNT,
) -> Episode | None:
    """The latest run of standing-out buckets of `series` (rows with bucket_start), bridging up to `gap`
    quiet buckets (default: half an hour's worth, at least one), or None."""
    column = COUNTS.get(signal)
    if column is None or not series:
        return None
    usual = usual_ratio(series, signal) if usual is None else usual
    if usual is None:
        return None
    total = sum(int(r["spins"] or 0) for r in series)
    rows = sorted(series, key=lambda r: _at(r["bucket_start"]))
    out = [stands_out(int(r[column] or 0), int(r["spins"] or 0), usual, total, min_count) for r in rows]
    if not any(out):
        return None
    last = max(i for i, flag in enumerate(out) if flag)
    max_gap = max(1, GAP_S // step_s) if gap is None else gap
    first, quiet = last, 0
    for i in range(last - 1, -1, -1):
        if out[i]:
            first, quiet = i, 0
        else:
            quiet += 1
            if quiet > max_gap:
                break
    chosen = rows[first : last + 1]
    step = timedelta(seconds=step_s)
    return Episode(
        signal,
        _at(rows[first]["bucket_start"]),
        _at(rows[last]["bucket_start"]) + step,
        sum(int(r[column] or 0) for r in chosen),
        sum(int(r["spins"] or 0) for r in chosen),
        usual,
    )


def refine(coarse: Episode, minutes: Sequence[Mapping[str, Any]], step_s: int) -> Episode:
    """`coarse` (found at `step_s` buckets) with its ends moved to whole minutes: `minutes` is the
    one-minute series over it and a bucket either side. The start moves to the first minute that stands
    out within a bucket of it, the end to the last one within a bucket of it; an end with no such
    minute stays where the coarse series put it, and when the minutes are too sparse to tell (the narrower
    window would hold under half the coarse episode's events) the coarse episode stands."""
    column = COUNTS[coarse.signal]
    step, minute = timedelta(seconds=step_s), timedelta(minutes=1)
    total = sum(int(r["spins"] or 0) for r in minutes)
    out = sorted(
        _at(r["bucket_start"])
        for r in minutes
        if stands_out(int(r[column] or 0), int(r["spins"] or 0), coarse.usual_ratio, total, min_count=2)
    )
    leads = [at for at in out if coarse.start - step <= at < coarse.start + step]
    tails = [at for at in out if coarse.end - step <= at < coarse.end + step]
    start = leads[0] if leads else coarse.start
    end = tails[-1] + minute if tails else coarse.end
    if start >= end:
        return coarse
    inside = [r for r in minutes if start <= _at(r["bucket_start"]) < end]
    events = sum(int(r[column] or 0) for r in inside)
    if events * 2 < coarse.events:  # the minutes are too sparse to say more than the buckets did
        return coarse
    return Episode(coarse.signal, start, end, events, sum(int(r["spins"] or 0) for r in inside), coarse.usual_ratio)
