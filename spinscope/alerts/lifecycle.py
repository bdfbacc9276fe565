"""The alert lifecycle, pending → firing → resolved, as a pure step over the previous state.

`step(previous, signals, evaluated, at, pending_for)` returns the next state and the
transitions to record. Rules that could not be evaluated this round (a failed query) are
not in `evaluated`: their alerts keep their state, so a store hiccup never resolves (or
re-fires) anything. An alert whose condition clears before `pending_for` has passed is
`inactive`: recorded, never notified.

Restart safety follows from the state being data: the evaluator loads the last event of
every open alert from the store and hands it in as `previous`; a firing alert whose
condition still holds yields no transition (so it is never notified as new), one whose
condition cleared while the process was down resolves on the first step.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from spinscope.alerts.rules import Signal

OPEN = ("pending", "firing")
STATES = ("pending", "firing", "resolved", "inactive")


@dataclass(frozen=True)
class Alert:
    """One alert's current state (and, as an event, one transition)."""

    fingerprint: str
    rule: str
    labels: tuple[tuple[str, str], ...]  # every label, alertname and severity included, sorted
    state: str
    at: datetime  # when this state was entered (the event's time)
    active_since: datetime  # when the condition began to hold
    fired_at: datetime | None
    resolved_at: datetime | None
    value: float | None
    summary: str
    description: str
    window_start: datetime
    window_end: datetime
    investigate_signal: str = "errors"

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    @property
    def alertname(self) -> str:
        return self.label_map.get("alertname", "")

    @property
    def severity(self) -> str:
        return self.label_map.get("severity", "")

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "alertname": self.alertname,
            "severity": self.severity,
            "state": self.state,
            "labels": self.label_map,
            "at": self.at,
            "active_since": self.active_since,
            "fired_at": self.fired_at,
            "resolved_at": self.resolved_at,
            "value": self.value,
            "summary": self.summary,
            "description": self.description,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "investigate_signal": self.investigate_signal,
        }


def _from_signal(signal: Signal, state: str, at: datetime) -> Alert:
    return Alert(
        fingerprint=signal.fingerprint,
        rule=signal.rule,
        labels=tuple(sorted(signal.all_labels.items())),
        state=state,
        at=at,
        active_since=at,
        fired_at=at if state == "firing" else None,
        resolved_at=None,
        value=signal.value,
        summary=signal.summary,
        description=signal.description,
        window_start=signal.window_start,
        window_end=signal.window_end,
        investigate_signal=signal.investigate_signal,
    )


def _refreshed(alert: Alert, signal: Signal) -> Alert:
    """The open alert with this round's figures (value, texts, window end), state and times kept."""
    return replace(
        alert,
        value=signal.value,
        summary=signal.summary,
        description=signal.description,
        window_end=signal.window_end,
    )


def step(
    previous: Mapping[str, Alert],
    signals: Iterable[Signal],
    evaluated: Collection[str],
    at: datetime,
    pending_for: Mapping[str, timedelta] | None = None,
) -> tuple[dict[str, Alert], list[Alert]]:
    """(open alerts after this round, transitions to record). Only pending and firing alerts are kept."""
    pending_for = pending_for or {}
    active: dict[str, Signal] = {}
    for signal in signals:
        active.setdefault(signal.fingerprint, signal)  # one signal per alert; the first one wins
    after: dict[str, Alert] = {}
    events: list[Alert] = []
    for fp, signal in active.items():
        wait = pending_for.get(signal.severity, timedelta())
        current = previous.get(fp)
        if current is None or current.state not in OPEN:
            state = "firing" if wait <= timedelta() else "pending"
            alert = _from_signal(signal, state, at)
            events.append(alert)
        elif current.state == "pending" and at - current.active_since >= wait:
            alert = replace(_refreshed(current, signal), state="firing", at=at, fired_at=at)
            events.append(alert)
        else:
            alert = _refreshed(current, signal)
        after[fp] = alert
    for fp, current in previous.items():
        if fp in active or current.state not in OPEN:
            continue
        if current.rule not in evaluated:
            after[fp] = current  # not looked at this round: nothing is known, nothing changes
            continue
        if current.state == "firing":
            events.append(replace(current, state="resolved", at=at, resolved_at=at, window_end=at))
        else:
            events.append(replace(current, state="inactive", at=at))
    return after, events
