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
from spinscope.alerts.traffic import History
from spinscope.configuration import Config
from spinscope.slo.evaluate import truncate_to_step

log = logging.getLogger("spinscope.alerts")


def gather(
    client: Client,
    config: Config,
    at: datetime,
    figures: dict[str, Any] | None = None,
    skip: frozenset[str] = frozenset(),
    stop: threading.Event | None = None,
) -> tuple[list[rules.Signal], set[str], dict[str, str]]:
    """Every rule's signals at `at` (but those in `skip`), the rules evaluated, and why the others were not.

    `figures` (when given) receives the SLO statuses and RTP rows the signals came from, for `/metrics`.
    Once `stop` is set no further rule is started (a query in flight cannot be cut short, so the
    rules are the steps a shutdown waits for at most one of).
    """
    figures = {} if figures is None else figures
    alerting = config.alerting
    signals: list[rules.Signal] = []
    evaluated: set[str] = set()
    failures: dict[str, str] = {}

    def attempt(names: tuple[str, ...], work: Callable[[], list[rules.Signal]]) -> None:
        if names[0] in skip or (stop is not None and stop.is_set()):
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

    histories: dict[tuple[str, ...], dict[rules.Scope, History]] = {}

    def history(dims: tuple[str, ...]) -> dict[rules.Scope, History]:
        """Each scope's recent buckets and baseline lags, read once a round for both rules."""
        if dims not in histories:
            t, n = alerting.traffic, alerting.no_data
            current = timedelta(seconds=max(t.max_window_s, n.lookback_s))
            lags = tuple(timedelta(seconds=s) for s in t.lags_s)
            histories[dims] = store.scope_histories(client, at, dims, current, lags)
        return histories[dims]

    def traffic() -> list[rules.Signal]:
        return [s for dims in alerting.traffic.by for s in rules.traffic_signals(history(dims), alerting.traffic, at)]

    def no_data() -> list[rules.Signal]:
        return [s for dims in alerting.no_data.by for s in rules.no_data_signals(history(dims), alerting.no_data, at)]

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

    def run_once(self, at: datetime | None = None, stop: threading.Event | None = None) -> list[Alert]:
        """One round at `at` (default now; cut to the last whole minute). Returns the transitions recorded.

        A round interrupted by `stop` is abandoned whole: nothing recorded or sent, so the next
        evaluator (after the restart) steps from the same stored state.
        """
        at = truncate_to_step(at or datetime.now(UTC))
        config = self.config()
        alerting = config.alerting
        figures: dict[str, Any] = {"rtp": self.figures.get("rtp", [])}
        rtp_due = self.rtp_at is None or at - self.rtp_at >= timedelta(seconds=alerting.rtp_every_s) or at < self.rtp_at
        skip = frozenset() if rtp_due else frozenset({rules.RTP})
        signals, evaluated, failures = gather(self.client, config, at, figures, skip, stop)
        if stop is not None and stop.is_set():
            log.info("alert round at %s abandoned: stopping", at)
            return []
        self.failures = failures
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
    """`serve`'s (and `alerts run`'s) background job: evaluate every `evaluation_interval` until stopped,
    while this process holds the database's evaluation lease (`lease.py`); otherwise stand by."""
    from spinscope.alerts import metrics
    from spinscope.alerts.lease import Lease

    def job(stop: threading.Event) -> None:
        client = store_.client()  # type: ignore[attr-defined]
        database = getattr(store_, "database", "the database")
        every = lambda: interval_s or config().alerting.evaluation_interval_s  # noqa: E731
        notifier = Notifier(
            config().alerting,
            recorder=lambda a, r, at: store.record_delivery(store_.client(), a, r, at),  # type: ignore[attr-defined]
        )
        metrics.register(notifier)
        lease = Lease(client, ttl=timedelta(seconds=max(180.0, 3 * every())))
        evaluator: Evaluator | None = None
        standing_by: str | None = None
        try:
            while not stop.is_set():
                try:
                    if lease.hold():
                        if evaluator is None:  # (re)starts from the stored state the previous holder left
                            evaluator = Evaluator(client, config, notifier)
                            metrics.register(notifier, evaluator)
                            log.warning(
                                "spinscope: evaluating the alert rules of %s (lease %s)", database, lease.holder
                            )
                            standing_by = None
                        evaluator.run_once(stop=stop)
                    else:
                        other = lease.other.holder if lease.other else "?"
                        if standing_by != other:
                            log.warning(
                                "spinscope: another alert evaluator (%s) holds the lease of %s: standing by, "
                                "taking over if its claim lapses (one evaluator per database)",
                                other,
                                database,
                            )
                            standing_by = other
                        evaluator = None
                        metrics.register(notifier, None, standby=True)
                except Exception:
                    log.exception("alert evaluation failed; trying again next interval")
                stop.wait(every())
        finally:
            try:
                lease.release()
            except Exception:  # the store may be going away: the claim then simply expires
                log.warning("spinscope: could not release the alert evaluation lease; it expires by itself")
            notifier.drain(timeout=3)
            notifier.stop()

    return job
