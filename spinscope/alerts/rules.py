"""Alert rules: which conditions hold at an instant, as `Signal`s. Pure: no store, no clock, no network.

Each rule turns figures other modules already computed into signals, so an alert can never
disagree with the page that explains it: SLO burn-rate pairs and budgets come from
`spinscope.slo.evaluate.SloStatus` (the `slo status` path), RTP states from the rows of
`spinscope.rtp.status.rtp_status`. Two rules are spinscope's own and live here:

- **traffic anomaly**: spins in the last window of a scope (fleet, a game, a region) against
  the same minutes of the previous weeks (a seasonal baseline: the median of the weeks that
  had traffic). It fires when the count is below `ratio` × baseline *and* the shortfall is
  `z` Poisson standard deviations, with a floor on the expected count so a quiet hour at 4 am
  does not page.
- **no data**: a scope that sent at least `min_spins` in the lookback before the last
  `silent_for` minutes and nothing since.

A signal only says "this holds now"; the lifecycle (pending → firing → resolved) is
`lifecycle.py`'s.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from spinscope.alerts.config import NoDataRule, TrafficRule
from spinscope.slo.evaluate import SloStatus

# Rule names (what `alert_events.rule` holds) and the alertname each one gives.
SLO_BURN, SLO_BUDGET, RTP, TRAFFIC, NO_DATA = "slo_burn_rate", "slo_budget", "rtp", "traffic", "no_data"
RULES = (SLO_BURN, SLO_BUDGET, RTP, TRAFFIC, NO_DATA)
# The Investigate page filters on span attributes; rollup dimensions map to them.
ATTRIBUTE_OF = {"game_id": "slot.game.id", "game_version": "slot.game.version", "region": "cloud.region"}

Scope = tuple[tuple[str, str], ...]  # (dimension, value) pairs; () is the whole fleet


@dataclass(frozen=True)
class Signal:
    """A condition that holds now: the alert it would raise, its figures, and where to look."""

    rule: str
    alertname: str
    severity: str
    labels: tuple[tuple[str, str], ...]  # besides alertname and severity, sorted
    value: float | None
    summary: str
    description: str
    window_start: datetime
    window_end: datetime
    investigate_signal: str = "errors"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def all_labels(self) -> dict[str, str]:
        return {"alertname": self.alertname, "severity": self.severity, **dict(self.labels)}

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.all_labels)


def fingerprint(labels: Mapping[str, str]) -> str:
    """A stable id of an alert: its sorted label set (as Alertmanager identifies alerts)."""
    text = "\x1f".join(f"{k}\x1e{v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _ratio(value: Any) -> float | None:
    return None if value is None else float(value)


def slo_signals(statuses: Iterable[SloStatus]) -> list[Signal]:
    """Per SLO (and group): one signal per severity whose burn-rate pair fires; one when the budget is spent."""
    out = []
    for status in statuses:
        spec = status.spec
        group = tuple(sorted(status.group))
        labels = (("slo", spec.name), ("service", spec.service), *group)
        shown = spec.display_name or spec.name
        where = ", ".join(f"{k}={v}" for k, v in group)
        suffix = f" ({where})" if where else ""
        for severity in ("page", "ticket"):
            firing = [p for p in status.alert.pairs if p.firing and p.window.severity == severity]
            if not firing:
                continue
            worst = max(firing, key=lambda p: p.long_burn or 0)
            out.append(
                Signal(
                    SLO_BURN,
                    "SloBurnRate",
                    severity,
                    tuple(sorted(labels)),
                    _ratio(worst.long_burn),
                    f"{shown}{suffix} burns its error budget {float(worst.long_burn or 0):.1f}x too fast",
                    f"Burn rate {float(worst.long_burn or 0):.2f} over {worst.window.name.split(':')[1]} "
                    f"(threshold {float(worst.window.factor):.2f}); at this pace "
                    f"{float(worst.window.budget_consumed):.0%} of the budget goes in the long window. "
                    f"Fired by {', '.join(p.window.name for p in firing)}.",
                    status.at - timedelta(seconds=worst.window.long_s),
                    status.at,
                    "latency" if spec.good_when[0] == "latency_lte_ms" else "errors",
                    {"fired_by": [p.window.name for p in firing]},
                )
            )
        if status.budget.exhausted:
            out.append(
                Signal(
                    SLO_BUDGET,
                    "SloBudgetExhausted",
                    "ticket",
                    tuple(sorted(labels)),
                    _ratio(status.budget.remaining_ratio),
                    f"{shown}{suffix} has spent its whole error budget",
                    f"Budget remaining {_ratio(status.budget.remaining_ratio) or 0.0:.1%} of the period "
                    f"{status.window_start:%Y-%m-%d %H:%M} to {status.window_end:%Y-%m-%d %H:%M} UTC.",
                    max(status.window_start, status.at - timedelta(days=1)),
                    status.at,
                    "latency" if spec.good_when[0] == "latency_lte_ms" else "errors",
                )
            )
    return out


def rtp_signals(rows: Iterable[Mapping[str, Any]], start: datetime, end: datetime) -> list[Signal]:
    """`drift` pages and `watch` opens a ticket, per game version (rows of rtp_status over [start, end))."""
    out = []
    for row in rows:
        state = row.get("state")
        if state not in ("drift", "watch"):
            continue
        z = row.get("z")
        began = row.get("drift_began")
        observed, mu0 = row.get("observed_rtp"), row.get("theoretical_rtp")
        out.append(
            Signal(
                RTP,
                "RtpDrift" if state == "drift" else "RtpWatch",
                "page" if state == "drift" else "ticket",
                (("game_id", str(row["game_id"])), ("game_version", str(row["game_version"]))),
                None if z is None else float(z),
                f"RTP of {row['game_id']} {row['game_version']} is {state}: "
                f"observed {float(observed or 0):.4f} vs theoretical {float(mu0 or 0):.4f}",
                f"z = {float(z or 0):.2f} over {row.get('spins', 0)} spins; decided by {row.get('control')}"
                + (f"; the drift began after {began:%Y-%m-%d %H:%M} UTC" if began else ""),
                _aware_like(began, start) if began else start,
                end,
                "rtp",
            )
        )
    return out


def _aware_like(value: datetime, like: datetime) -> datetime:
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value


def scope_labels(scope: Scope) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(scope)) if scope else (("scope", "fleet"),)


def _scope_text(scope: Scope) -> str:
    return ", ".join(f"{k}={v}" for k, v in scope) if scope else "the whole fleet"


@dataclass(frozen=True)
class TrafficVerdict:
    anomalous: bool
    expected: float | None  # the seasonal baseline (median of the past weeks with traffic)
    ratio: float | None  # current / expected
    z: float | None  # (current − expected) / √(dispersion × expected)
    dispersion: float = 1.0


def dispersion(minutes: Sequence[Sequence[int]]) -> float:
    """Variance over mean of per-minute spins, averaged over the given windows, at least 1 (Poisson).

    Spins come in sessions, so a stream of few players is far burstier than Poisson: a quiet
    quarter hour of a game played by three people is normal. Measuring the burstiness of the
    stream's own past windows keeps its normal gaps from paging, while a real drop of a busy
    stream (small relative variance) still stands out.
    """
    ratios = []
    for window in minutes:
        if len(window) < 2:
            continue
        mean = sum(window) / len(window)
        if mean > 0:
            var = sum((x - mean) ** 2 for x in window) / (len(window) - 1)
            ratios.append(var / mean)
    return max(1.0, sum(ratios) / len(ratios)) if ratios else 1.0


def traffic_verdict(current: int, past_weeks: Sequence[int], rule: TrafficRule, phi: float = 1.0) -> TrafficVerdict:
    """Is `current` (spins in the window) far below the same window of the previous weeks?

    `phi` is the stream's dispersion (see `dispersion`); the shortfall is measured in standard
    deviations of a count with that much extra variance.
    """
    seen = [w for w in past_weeks if w > 0]
    if not seen:
        return TrafficVerdict(False, None, None, None, phi)
    expected = float(median(seen))
    ratio = current / expected
    z = (current - expected) / math.sqrt(phi * expected)
    anomalous = expected >= rule.min_expected and ratio < rule.ratio and z <= -rule.z
    return TrafficVerdict(anomalous, expected, ratio, z, phi)


def traffic_signals(
    current: Mapping[Scope, int], past: Mapping[Scope, Sequence[Sequence[int]]], rule: TrafficRule, end: datetime
) -> list[Signal]:
    """Scopes whose spins in [end − window, end) are far below the seasonal baseline.

    `past[scope]` holds, per previous week, the per-minute spins of the same window.
    """
    out = []
    start = end - timedelta(seconds=rule.window_s)
    for scope in sorted(set(current) | set(past)):
        now = current.get(scope, 0)
        weeks = past.get(scope, ())
        verdict = traffic_verdict(now, [sum(w) for w in weeks], rule, dispersion(weeks))
        if not verdict.anomalous:
            continue
        out.append(
            Signal(
                TRAFFIC,
                "TrafficAnomaly",
                "page",
                scope_labels(scope),
                verdict.ratio,
                f"Spins from {_scope_text(scope)} fell to {verdict.ratio:.0%} of the usual",
                f"{now} spins in the last {rule.window_s // 60} minutes against {verdict.expected:.0f} in the same "
                f"minutes of the previous weeks (z = {verdict.z:.1f}, dispersion {verdict.dispersion:.1f}).",
                start,
                end,
                "errors",
                {"expected": verdict.expected, "current": now},
            )
        )
    return out


def silence_probability(minutes: Sequence[int], silent_minutes: int) -> float:
    """How likely `silent_minutes` without a spin are for a stream that sent `minutes` (per-minute counts)
    before: the zero term of a negative binomial with the stream's mean and dispersion (Poisson when
    the stream is not bursty: e^-m)."""
    if not minutes:
        return 1.0
    m = sum(minutes) / len(minutes) * silent_minutes
    if m <= 0:
        return 1.0
    phi = dispersion([minutes])
    return math.exp(-m) if phi <= 1.0 + 1e-9 else float(phi ** (-m / (phi - 1)))


def went_silent(minutes: Sequence[int], silent_minutes: int, min_spins: int, max_probability: float) -> bool:
    """`minutes` (per-minute spins, latest first): nothing in the last `silent_minutes`, at least
    `min_spins` before, and a silence that long improbable for this stream (below `max_probability`)."""
    recent, earlier = minutes[:silent_minutes], list(minutes[silent_minutes:])
    if any(recent) or sum(earlier) < min_spins:
        return False
    return silence_probability(earlier, silent_minutes) < max_probability


def no_data_signals(minutes: Mapping[Scope, Sequence[int]], rule: NoDataRule, end: datetime) -> list[Signal]:
    """Scopes that sent over the lookback and then, improbably for them, nothing in the last `silent_for`.

    `minutes[scope]` holds the per-minute spins of the lookback, latest first.
    """
    out = []
    silent = rule.silent_for_s // 60
    for scope in sorted(minutes):
        counts = minutes[scope]
        if not went_silent(counts, silent, rule.min_spins, rule.max_probability):
            continue
        out.append(
            Signal(
                NO_DATA,
                "NoData",
                "page",
                scope_labels(scope),
                0.0,
                f"No spins from {_scope_text(scope)} for {rule.silent_for_s // 60} minutes",
                f"{sum(counts)} spins arrived in the {(rule.lookback_s - rule.silent_for_s) // 60} minutes before, "
                "none since: the stream went silent (a stopped exporter, a network partition, a crashed server).",
                end - timedelta(seconds=rule.lookback_s),
                end,
                "errors",
            )
        )
    return out
