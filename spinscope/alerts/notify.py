"""Delivery: one worker thread and one bounded queue per receiver, retries with backoff, counters.

The evaluator hands over what to send and returns at once: `submit` never blocks and never
does I/O, so a receiver that is down or slow cannot hold up evaluation or ingest. Per receiver:

- **Alertmanager** gets the whole picture each round (every firing alert, and every alert
  resolved within `resolve_retention`), as Alertmanager expects to be re-sent. A newer batch
  replaces one still waiting, since it says everything the older one did: nothing is lost.
- **Webhooks** get one message per transition (firing, resolved) and a repeat of a firing
  alert every `repeat_interval`. When the queue is full the oldest message that is not a
  resolve is dropped (counted); a resolve is dropped only when the queue holds nothing else.

A failed send (connection error, timeout, 429 or 5xx) is retried with exponential backoff up to
`MAX_ATTEMPTS`, then given up and counted; any other 4xx is given up at once (the request itself
is wrong). Counters are read by `/metrics` (`prometheus_lines`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from spinscope.alerts.config import AlertingConfig, Receiver
from spinscope.alerts.lifecycle import Alert
from spinscope.alerts.payloads import SIGNATURE_HEADER, alertmanager_alerts, sign, webhook_body

log = logging.getLogger("spinscope.alerts")

MAX_ATTEMPTS = 8
BACKOFF_S = 1.0
BACKOFF_MAX_S = 60.0
OUTCOMES = ("delivered", "retried", "given_up", "dropped")

Recorder = Callable[[Alert, str, datetime], None]


@dataclass
class Message:
    alerts: list[Alert]
    is_batch: bool = False  # an Alertmanager round; a newer one supersedes it
    attempt: int = 0
    not_before: float = 0.0

    @property
    def is_resolve(self) -> bool:
        return any(a.state == "resolved" for a in self.alerts) and not self.is_batch


@dataclass
class Stats:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, receiver: str, outcome: str, n: int = 1) -> None:
        with self.lock:
            self.counts[(receiver, outcome)] += n


STATS = Stats()  # process-wide: `/metrics` reads it


class ReceiverWorker:
    """One receiver's queue and sending thread."""

    def __init__(
        self,
        receiver: Receiver,
        config: AlertingConfig,
        recorder: Recorder | None,
        stats: Stats = STATS,
        backoff_s: float = BACKOFF_S,
    ) -> None:
        self.receiver = receiver
        self.config = config
        self.recorder = recorder
        self.stats = stats
        self.backoff_s = backoff_s
        self.queue: deque[Message] = deque()
        self.cond = threading.Condition()
        self.stopping = False
        self.client = httpx.Client(timeout=receiver.timeout_s)
        self.thread = threading.Thread(target=self._run, name=f"alerts-{receiver.name}", daemon=True)
        self.thread.start()

    # -- producer side (the evaluator's thread): no I/O, no waiting
    def put(self, message: Message) -> None:
        with self.cond:
            if message.is_batch:
                kept = [m for m in self.queue if not (m.is_batch and m.attempt == 0)]
                self.queue = deque(kept)
            while len(self.queue) >= self.config.queue_size:
                victim = next((m for m in self.queue if not m.is_resolve), None) or self.queue[0]
                self.queue.remove(victim)
                self.stats.add(self.receiver.name, "dropped", max(1, len(victim.alerts)))
            self.queue.append(message)
            self.cond.notify()

    @property
    def depth(self) -> int:
        return len(self.queue)

    def stop(self, timeout: float = 5.0) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        self.thread.join(timeout)
        self.client.close()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until the queue is empty (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.cond:
                if not self.queue and not getattr(self, "_busy", False):
                    return True
            time.sleep(0.02)
        return False

    # -- the sending thread
    def _next(self) -> Message | None:
        with self.cond:
            while not self.stopping:
                now = time.monotonic()
                ready = [m for m in self.queue if m.not_before <= now]
                if ready:
                    message = ready[0]
                    self.queue.remove(message)
                    self._busy = True
                    return message
                wait = min((m.not_before for m in self.queue), default=now + 1.0) - now
                self.cond.wait(timeout=max(0.01, min(wait, 1.0)))
            return None

    def _run(self) -> None:
        while True:
            message = self._next()
            if message is None:
                return
            try:
                self._send(message)
            finally:
                self._busy = False

    def _send(self, message: Message) -> None:
        name = self.receiver.name
        try:
            status = self._post(message)
        except httpx.HTTPError as exc:
            status, reason = None, f"{type(exc).__name__}: {exc}"
        else:
            reason = f"HTTP {status}"
        if status is not None and 200 <= status < 300:
            self.stats.add(name, "delivered", len(message.alerts))
            if self.recorder is not None and not message.is_batch:
                at = datetime.now(UTC)
                for alert in message.alerts:
                    try:
                        self.recorder(alert, name, at)
                    except Exception:  # the delivery happened; a failed record only means a repeat later
                        log.exception("could not record the delivery to %s", name)
            return
        retryable = status is None or status == 429 or status >= 500
        message.attempt += 1
        if retryable and message.attempt < MAX_ATTEMPTS:
            self.stats.add(name, "retried", len(message.alerts))
            delay = min(BACKOFF_MAX_S, self.backoff_s * 2 ** (message.attempt - 1))
            message.not_before = time.monotonic() + delay
            with self.cond:
                if message.is_batch and any(m.is_batch for m in self.queue):
                    return  # a newer round is already waiting: it supersedes this one
                self.queue.appendleft(message)
                self.cond.notify()
            return
        self.stats.add(name, "given_up", len(message.alerts))
        log.error("gave up notifying %s after %d attempt(s): %s", name, message.attempt, reason)

    def _post(self, message: Message) -> int:
        cfg, r = self.config, self.receiver
        if r.kind == "alertmanager":
            valid_for = timedelta(seconds=4 * max(cfg.resend_interval_s, cfg.evaluation_interval_s))
            body = alertmanager_alerts(message.alerts, cfg.app_url, cfg.runbook_url, datetime.now(UTC), valid_for)
            return self.client.post(f"{r.url}/api/v2/alerts", json=body).status_code
        (alert,) = message.alerts
        payload = webhook_body(alert, r.name, cfg.app_url, cfg.runbook_url, r.format)
        headers = {"Content-Type": "application/json"}
        secret = os.environ.get(r.secret_env) if r.secret_env else None
        if secret:
            headers[SIGNATURE_HEADER] = sign(payload, secret)
        return self.client.post(r.url, content=payload, headers=headers).status_code


class Notifier:
    """Routes each round's alerts to the receivers' workers; keeps the webhooks' repeat clock."""

    def __init__(
        self,
        config: AlertingConfig,
        recorder: Recorder | None = None,
        backoff_s: float = BACKOFF_S,
        stats: Stats = STATS,
    ) -> None:
        self.config = config
        self.stats = stats
        self.workers = {r.name: ReceiverWorker(r, config, recorder, stats, backoff_s) for r in config.receivers}
        self.last_sent: dict[tuple[str, str], datetime] = {}  # (fingerprint, receiver) → last firing message
        self.last_batch: float = -1e18

    def _targets(self, alert: Alert, kind: str) -> list[ReceiverWorker]:
        names = self.config.receivers_for(alert.label_map)
        return [self.workers[n] for n in names if n in self.workers and self.workers[n].receiver.kind == kind]

    def resume(self, open_alerts: list[Alert], resolved: list[Alert], delivered: dict[tuple[str, str], tuple]) -> None:
        """After a restart: queue what webhooks never confirmed (a resolve, or a firing never delivered)."""
        for alert in [*open_alerts, *resolved]:
            if alert.state not in ("firing", "resolved"):
                continue
            for worker in self._targets(alert, "webhook"):
                key = (alert.fingerprint, worker.receiver.name)
                seen = delivered.get(key)
                if alert.state == "firing" and seen is not None:
                    self.last_sent[key] = seen[0]
                    continue
                if alert.state == "resolved" and seen is not None and seen[1] is not None:
                    continue
                worker.put(Message([alert]))
                self.last_sent[key] = datetime.now(UTC)

    def submit(
        self,
        events: list[Alert],
        firing: list[Alert],
        resolved: list[Alert],
        silenced: Callable[[Alert], bool],
        now: datetime,
    ) -> None:
        """Hand this round to the workers. Never blocks."""
        repeat = timedelta(seconds=self.config.repeat_interval_s)
        for alert in events:
            if alert.state not in ("firing", "resolved") or silenced(alert):
                continue
            for worker in self._targets(alert, "webhook"):
                worker.put(Message([alert]))
                self.last_sent[(alert.fingerprint, worker.receiver.name)] = now
        for alert in firing:
            if silenced(alert):
                continue
            for worker in self._targets(alert, "webhook"):
                key = (alert.fingerprint, worker.receiver.name)
                if key in self.last_sent and now - self.last_sent[key] >= repeat:
                    worker.put(Message([alert]))
                    self.last_sent[key] = now
        if time.monotonic() - self.last_batch >= self.config.resend_interval_s - 1 or events:
            self.last_batch = time.monotonic()
            for worker in self.workers.values():
                if worker.receiver.kind != "alertmanager":
                    continue
                mine = [
                    a
                    for a in [*firing, *resolved]
                    if not silenced(a) and worker.receiver.name in self.config.receivers_for(a.label_map)
                ]
                if mine:
                    worker.put(Message(mine, is_batch=True))

    def drain(self, timeout: float = 10.0) -> bool:
        return all(w.drain(timeout) for w in self.workers.values())

    def stop(self) -> None:
        for worker in self.workers.values():
            worker.stop()


def prometheus_lines(notifier: Notifier | None, stats: Stats = STATS) -> str:
    """Delivery counters and queue depths in the Prometheus text format."""
    lines = [
        "# HELP spinscope_alert_notifications_total Alert notifications per receiver and outcome.",
        "# TYPE spinscope_alert_notifications_total counter",
    ]
    with stats.lock:
        counts = dict(stats.counts)
    receivers = sorted({r for r, _ in counts} | set(notifier.workers if notifier else ()))
    for receiver in receivers:
        for outcome in OUTCOMES:
            lines.append(
                f'spinscope_alert_notifications_total{{receiver="{receiver}",outcome="{outcome}"}} '
                f"{counts.get((receiver, outcome), 0)}"
            )
    if notifier is not None:
        lines += [
            "# HELP spinscope_alert_queue_depth Notifications waiting per receiver.",
            "# TYPE spinscope_alert_queue_depth gauge",
        ]
        lines += [
            f'spinscope_alert_queue_depth{{receiver="{name}"}} {w.depth}'
            for name, w in sorted(notifier.workers.items())
        ]
    return "\n".join(lines) + "\n"
