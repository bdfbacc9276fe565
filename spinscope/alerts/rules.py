"""Alert rules: which conditions hold at an instant, as `Signal`s. Pure: no store, no clock, no network.

Each rule turns figures other modules already computed into signals, so an alert can never
disagree with the page that explains it: SLO burn-rate pairs and budgets come from
`spinscope.slo.evaluate.SloStatus` (the `slo status` path), RTP states from the rows of
`spinscope.rtp.status.rtp_status`. Two rules are spinscope's own and live here:

- **traffic anomaly**: spins in a window ending now of a scope (fleet, a game, a region) against
  the same minutes of earlier days and weeks, with over-dispersed (session-bursty) counts;
  the statistics are `traffic.py`'s.
- **no data**: a scope that was sending and then sent nothing for `silent_for`, where a
  silence that long is improbable for its volume and burstiness (`traffic.silence_verdict`).

A signal only says "this holds now"; the lifecycle (pending → firing → resolved) is
`lifecycle.py`'s.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from spinscope.alerts.config import NoDataRule, TrafficRule
from spinscope.alerts.traffic import History, alpha_of, silence_verdict, traffic_verdict
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


def traffic_signals(histories: Mapping[Scope, History], rule: TrafficRule, end: datetime) -> list[Signal]:
    """Scopes whose spins in a window ending at `end` are far below their baseline (`traffic.traffic_verdict`)."""
    out = []
    alpha = alpha_of(rule.z)
    for scope in sorted(histories):
        v = traffic_verdict(
            histories[scope], rule.window_s // 60, rule.max_window_s // 60, rule.ratio, rule.min_expected, alpha
        )
        if not v.anomalous or v.window_minutes is None or v.ratio is None:
            continue
        out.append(
            Signal(
                TRAFFIC,
                "TrafficAnomaly",
                "page",
                scope_labels(scope),
                v.ratio,
                f"Spins from {_scope_text(scope)} fell to {v.ratio:.0%} of the usual",
                f"{v.current} spins in the last {_minutes(v.window_minutes)} against {v.expected:.0f} in the same "
                f"minutes of earlier days and weeks (median of {v.lags}); p = {v.p:.1e} for traffic as usual "
                f"(z = {v.z:.1f}, dispersion {v.dispersion:.0f}).",
                end - timedelta(minutes=v.window_minutes),
                end,
                "errors",
                {"expected": v.expected, "current": v.current, "window_minutes": v.window_minutes, "p": v.p},
            )
        )
    return out


def _minutes(m: int) -> str:
    return f"{m // 60} h" if m % 60 == 0 else f"{m} minutes"


def no_data_signals(histories: Mapping[Scope, History], rule: NoDataRule, end: datetime) -> list[Signal]:
    """Scopes that were sending and then, improbably for them, sent nothing in the last `silent_for`."""
    out = []
    silent, lookback = rule.silent_for_s // 60, rule.lookback_s // 60
    for scope in sorted(histories):
        v = silence_verdict(histories[scope], silent, lookback, rule.min_spins, rule.max_probability)
        if not v.silent:
            continue
        out.append(
            Signal(
                NO_DATA,
                "NoData",
                "page",
                scope_labels(scope),
                0.0,
                f"No spins from {_scope_text(scope)} for {silent} minutes",
                f"About {v.expected:.0f} spins were due in those minutes and none came (a silence that long has "
                f"p = {v.p:.1e} for this stream): a stopped exporter, a network partition, a crashed server.",
                end - timedelta(seconds=rule.lookback_s),
                end,
                "errors",
            )
        )
    return out
