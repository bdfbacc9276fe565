"""Maintenance windows that exclude their minutes from SLO budgets. Pure: no store, no clock.

A maintenance window created with `excludes_budget` (`spinscope alerts silence add --maintenance
--exclude-budget`, `POST /api/v1/silences` with `"excludes_budget": true`, the Alerts page) is
planned downtime: its minutes count neither as good nor as bad events of the SLOs it matches, so
the budget, the burn rates and the burndown read as if those minutes did not exist.

- **Which SLOs**: the window's matchers are compared with the labels the SLO's own alerts carry
  (`alertname` SloBurnRate or SloBudgetExhausted, `severity`, `slo`, `service`, and the group's
  labels), exactly as a silence matches an alert: `{slo: checkout-availability}` excludes that SLO,
  `{service: slot-server}` every SLO of the service, `{region: eu-west-1}` only that group of SLOs
  grouped by region.
- **Which minutes**: every minute [m, m + 1 min) that overlaps the window [start, end); a window
  from 10:00:30 to 10:05 excludes 10:00 to 10:04.

The store side (`spinscope.slo.status`) reads the windows once per provider and applies
`drop_excluded` to per-minute series; a window longer than a minute is then summed back into
buckets with `rebucket`, aligned like the SQL models (toStartOfInterval over the epoch).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MINUTE = timedelta(minutes=1)
SLO_ALERTS = (("SloBurnRate", "page"), ("SloBurnRate", "ticket"), ("SloBudgetExhausted", "ticket"))

Point = tuple[datetime, int, int]  # (bucket end, good, total), as StoreCounts.series gives
GroupKey = tuple[str, ...]


@dataclass(frozen=True)
class Exclusion:
    """One maintenance window that excludes its minutes: its matchers and its [start, end)."""

    matchers: tuple[tuple[str, str], ...]
    start: datetime
    end: datetime
    silence_id: str = ""

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.matchers)

    def covers_minute(self, minute_start: datetime) -> bool:
        return minute_start < self.end and minute_start + MINUTE > self.start


def from_silences(rows: Iterable[Mapping[str, Any]]) -> list[Exclusion]:
    """The maintenance windows among silence rows (matchers, starts_at, ends_at, excludes_budget)."""
    return [
        Exclusion(
            tuple(sorted(dict(r["matchers"]).items())), r["starts_at"], r["ends_at"], str(r.get("silence_id", ""))
        )
        for r in rows
        if r.get("excludes_budget")
    ]


def slo_labels(slo: str, service: str, group_by: Sequence[str], key: GroupKey) -> list[dict[str, str]]:
    """The label sets of an SLO group's alerts (what a window's matchers are compared with)."""
    base = {"slo": slo, "service": service, **dict(zip(group_by, key, strict=False))}
    return [{"alertname": name, "severity": severity, **base} for name, severity in SLO_ALERTS]


def applicable(
    exclusions: Iterable[Exclusion], slo: str, service: str, start: datetime, end: datetime
) -> list[Exclusion]:
    """Windows overlapping [start, end) that could match this SLO (group labels are checked per group)."""
    out = []
    for e in exclusions:
        if e.end <= start or e.start >= end:
            continue
        fixed = {"slo": slo, "service": service}
        if all(fixed.get(k, v) == v for k, v in e.matchers if k in fixed):
            out.append(e)
    return out


def drop_excluded(
    series: Mapping[GroupKey, Sequence[Point]],
    exclusions: Sequence[Exclusion],
    slo: str,
    service: str,
    group_by: Sequence[str],
) -> dict[GroupKey, list[Point]]:
    """Per-minute `series` without the minutes a matching window covers."""
    out: dict[GroupKey, list[Point]] = {}
    for key, points in series.items():
        labels = slo_labels(slo, service, group_by, key)
        mine = [e for e in exclusions if any(e.matches(lab) for lab in labels)]
        out[key] = [p for p in points if not any(e.covers_minute(p[0] - MINUTE) for e in mine)]
    return out


def rebucket(series: Mapping[GroupKey, Sequence[Point]], step_s: int) -> dict[GroupKey, list[Point]]:
    """Per-minute points summed into buckets of `step_s` aligned on the epoch (bucket end, good, total)."""
    out: dict[GroupKey, list[Point]] = {}
    for key, points in series.items():
        sums: dict[int, list[int]] = {}
        for end, good, total in points:
            minute = int((end - MINUTE).timestamp())
            bucket = minute - minute % step_s
            acc = sums.setdefault(bucket, [0, 0])
            acc[0] += good
            acc[1] += total
        tz = points[0][0].tzinfo if points else UTC
        out[key] = [
            (datetime.fromtimestamp(b + step_s, UTC).replace(tzinfo=tz), g, t) for b, (g, t) in sorted(sums.items())
        ]
    return out


def totals(series: Mapping[GroupKey, Sequence[Point]]) -> dict[GroupKey, tuple[int, int]]:
    """(good, total) per group over the whole series."""
    return {k: (sum(p[1] for p in pts), sum(p[2] for p in pts)) for k, pts in series.items()}


def excluded_spans(exclusions: Iterable[Exclusion], start: datetime, end: datetime) -> list[dict[str, object]]:
    """The windows overlapping [start, end), clipped to it, for the SLO page."""
    return [
        {
            "silence_id": e.silence_id,
            "matchers": ", ".join(f"{k}={v}" for k, v in e.matchers),
            "start": max(e.start, start),
            "end": min(e.end, end),
        }
        for e in sorted(exclusions, key=lambda e: e.start)
        if e.end > start and e.start < end
    ]
