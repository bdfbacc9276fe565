"""The evaluator: every interval, read the figures, step the lifecycle, record it, hand it to delivery.

It reuses the status paths instead of recomputing: `slo_statuses` (spinscope.slo.status) for
burn-rate pairs and budgets, `rtp_status` (spinscope.rtp.status) with the configured catalog
for RTP, and the minute rollup (queries/alerts/alert_scope_spins) for traffic and no data.
A rule whose query fails is left out of this round's `evaluated` set, so its alerts keep their
state (lifecycle.step) and the next round tries again.

Restart-safe: `Evaluator` starts from the store (each alert's last transition), so a firing alert
stays firing without a new notification, one that cleared while nobody evaluated resolves on
the first round, and webhooks are re-sent what they never confirmed. One evaluator runs per
database: `serve`'s background job, or `spinscope alerts run` beside a server deployment.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.alerts import rules, store
from spinscope.alerts.config import AlertingConfig
from spinscope.alerts.lifecycle import OPEN, Alert, step
from spinscope.alerts.notify import Notifier
from spinscope.alerts.silences import silenced_by
from spinscope.configuration import Config
from spinscope.slo.evaluate import truncate_to_step

log = logging.getLogger("spinscope.alerts")
WEEK = timedelta(days=7)
MINUTE = timedelta(minutes=1)


def gather(
    client: Client,
    config: Config,
    at: datetime,
    figures: dict[str, Any] | None = None,
    skip: frozenset[str] = frozenset(),
) -> tuple[list[rules.Signal], set[str], dict[str, str]]:
    """Every rule's signals at `at` (but those in `skip`), the rules evaluated, and why the others were not.

    `figures` (when given) receives the SLO statuses and RTP rows the signals came from, for `/metrics`.
    """
    figures = {} if figures is None else figures
    alerting = config.alerting
    signals: list[rules.Signal] = []
    evaluated: set[str] = set()
    failures: dict[str, str] = {}

    def attempt(names: tuple[str, ...], work: Callable[[], list[rules.Signal]]) -> None:
        if names[0] in skip:
            return
        try:
            signals.extend(work())
            evaluated.update(names)
        except Exception as exc:  # a failed query must not resolve anything: the rule sits this round out
            failures[names[0]] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            log.warning("alert rule %s not evaluated at %s: %s", names[0], at, failures[names[0]])

    def slo() -> list[rules.Signal]:
        from spinscope.slo.status import slo_statuses

        figures["slo"] = slo_statuses(client, config.slos, at)
        return rules.slo_signals(figures["slo"])

    def rtp() -> list[rules.Signal]:
        from spinscope.rtp.status import rtp_status

        start = at - timedelta(seconds=alerting.rtp_window_s)
        figures["rtp"] = rtp_status(client, start, at, config.catalog)
        return rules.rtp_signals(figures["rtp"], start, at)

    def traffic() -> list[rules.Signal]:
        rule, window = alerting.traffic, timedelta(seconds=alerting.traffic.window_s)
        out = []
        for dims in rule.by:
            current = store.scope_spins(client, at - window, at, dims)
            past: dict[rules.Scope, list[list[int]]] = {}
            n_minutes = rule.window_s // 60
            for k in range(1, rule.weeks + 1):
                week = store.scope_buckets(client, at - k * WEEK - window, at - k * WEEK, dims, MINUTE)
                for scope in set(week) | set(past) | set(current):
                    past.setdefault(scope, []).append(week.get(scope, [0] * n_minutes))
            out += rules.traffic_signals(current, past, rule, at)
        return out

    def no_data() -> list[rules.Signal]:
        rule = alerting.no_data
        lookback = timedelta(seconds=rule.lookback_s)
        out = []
        for dims in rule.by:
            out += rules.no_data_signals(store.scope_buckets(client, at - lookback, at, dims, MINUTE), rule, at)
        return out

    attempt((rules.SLO_BURN, rules.SLO_BUDGET), slo)
    attempt((rules.RTP,), rtp)
    attempt((rules.TRAFFIC,), traffic)
    attempt((rules.NO_DATA,), no_data)
    return signals, evaluated, failures


class Evaluator:
    """Alert state of one database, stepped once per `run_once`."""

    def __init__(
        self,
        client: Client,
        config: Callable[[], Config],
        notifier: Notifier | None = None,
        now: datetime | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.notifier = notifier
        self.open: dict[str, Alert] = {}
        self.resolved: list[Alert] = []
        self.failures: dict[str, str] = {}
        self.last_run: datetime | None = None
        self.figures: dict[str, Any] = {}
        self.rtp_at: datetime | None = None
        self.rtp_signals: list[rules.Signal] = []
        self._resume(now or datetime.now(UTC))

    @property
    def alerting(self) -> AlertingConfig:
        return self.config().alerting

    def _resume(self, now: datetime) -> None:
        since = now - timedelta(seconds=self.alerting.resolve_retention_s)
        latest = store.latest_alerts(self.client, since)
        self.open = {a.fingerprint: a for a in latest if a.state in OPEN}
        self.resolved = [a for a in latest if a.state == "resolved"]
        if self.notifier is not None:
            delivered = store.deliveries(self.client, since - timedelta(days=30))
            self.notifier.resume([a for a in self.open.values()], self.resolved, delivered)

    def run_once(self, at: datetime | None = None) -> list[Alert]:
        """One round at `at` (default now; cut to the last whole minute). Returns the transitions recorded."""
        at = truncate_to_step(at or datetime.now(UTC))
        config = self.config()
        alerting = config.alerting
        figures: dict[str, Any] = {"rtp": self.figures.get("rtp", [])}
        rtp_due = self.rtp_at is None or at - self.rtp_at >= timedelta(seconds=alerting.rtp_every_s) or at < self.rtp_at
        skip = frozenset() if rtp_due else frozenset({rules.RTP})
        signals, evaluated, self.failures = gather(self.client, config, at, figures, skip)
        if rules.RTP in evaluated:
            self.rtp_at = at
        else:  # RTP not looked at this round: its open alerts keep their state, their signals stand
            signals += [s for s in self.rtp_signals]
        self.rtp_signals = [s for s in signals if s.rule == rules.RTP]
        self.figures = figures
        pending_for = {k: timedelta(seconds=v) for k, v in alerting.pending_for_s.items()}
        self.open, events = step(self.open, signals, evaluated, at, pending_for)
        store.record_transitions(self.client, events)
        retention = timedelta(seconds=alerting.resolve_retention_s)
        self.resolved = [
            a for a in [*self.resolved, *(e for e in events if e.state == "resolved")] if at - a.at <= retention
        ]
        self.last_run = at
        if self.notifier is not None:
            active = store.silences(self.client, at)

            def silenced(alert: Alert) -> bool:
                return silenced_by(active, alert.label_map, at) is not None

            firing = [a for a in self.open.values() if a.state == "firing"]
            self.notifier.submit(events, firing, self.resolved, silenced, at)
        return events


def alert_job(store_: object, config: Callable[[], Config], interval_s: float | None = None):  # type: ignore[no-untyped-def]
    """`serve`'s background job: evaluate every `evaluation_interval` until stopped."""
    from spinscope.alerts import metrics

    def job(stop: threading.Event) -> None:
        client = store_.client()  # type: ignore[attr-defined]
        notifier = Notifier(
            config().alerting,
            recorder=lambda a, r, at: store.record_delivery(store_.client(), a, r, at),  # type: ignore[attr-defined]
        )
        metrics.register(notifier)
        try:
            evaluator = Evaluator(client, config, notifier)
            metrics.register(notifier, evaluator)
            while not stop.is_set():
                try:
                    evaluator.run_once()
                except Exception:
                    log.exception("alert evaluation failed; trying again next interval")
                stop.wait(interval_s or config().alerting.evaluation_interval_s)
        except Exception:
            log.exception("the alert evaluator could not start")
        finally:
            notifier.drain(timeout=3)
            notifier.stop()

    return job
