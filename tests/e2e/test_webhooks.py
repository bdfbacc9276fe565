"""Webhook delivery against a local receiver that checks the HMAC signature: retries with backoff,
give-ups counted, a bounded queue that never blocks the evaluator and never drops a resolve first."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from spinscope.alerts.config import AlertingConfig, Receiver
from spinscope.alerts.lifecycle import step
from spinscope.alerts.notify import Message, Notifier, Stats, prometheus_lines
from spinscope.alerts.payloads import SIGNATURE_HEADER, verify
from spinscope.alerts.rules import Signal

SECRET = "hook-secret-for-tests"


class Hook:
    """A webhook receiver on loopback: answers `statuses` in turn (then 200), records verified bodies."""

    def __init__(self, statuses: list[int], delay_s: float = 0.0) -> None:
        self.statuses = list(statuses)
        self.delay_s = delay_s
        self.received: list[dict] = []
        self.attempts = 0
        self.bad_signatures = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.attempts += 1
                time.sleep(hook.delay_s)
                status = hook.statuses.pop(0) if hook.statuses else 200
                if not verify(body, SECRET, self.headers.get(SIGNATURE_HEADER, "")):
                    hook.bad_signatures += 1
                    status = 401
                elif status == 200:
                    hook.received.append(json.loads(body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    return "HOOK_SECRET"


def _until(check, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _config(url: str, secret_env: str, fmt: str = "json", queue_size: int = 1000) -> AlertingConfig:
    return AlertingConfig(receivers=(Receiver("hook", "webhook", url, secret_env, fmt, 2.0),), queue_size=queue_size)


def _fired(game: str = "g1"):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    signal = Signal("rtp", "RtpDrift", "page", (("game_id", game),), 4.0, "drift", "d", now - timedelta(hours=1), now)
    return step({}, [signal], {"rtp"}, now)


@pytest.fixture
def hook_factory() -> Iterator:  # type: ignore[type-arg]
    made: list[Hook] = []

    def make(statuses: list[int], delay_s: float = 0.0) -> Hook:
        made.append(Hook(statuses, delay_s))
        return made[-1]

    yield make
    for hook in made:
        hook.close()


def test_a_failing_receiver_gets_retries_with_backoff_then_the_signed_message(hook_factory, secret_env) -> None:  # type: ignore[no-untyped-def]
    hook = hook_factory([503, 500])
    stats = Stats()
    notifier = Notifier(_config(hook.url, secret_env), backoff_s=0.05, stats=stats)
    try:
        state, events = _fired()
        started = time.monotonic()
        notifier.submit(events, list(state.values()), [], lambda a: False, datetime.now(UTC))
        assert time.monotonic() - started < 0.05  # submit does no I/O
        assert notifier.drain(10)
        assert hook.attempts == 3 and hook.bad_signatures == 0
        assert time.monotonic() - started >= 0.05 + 0.1  # backoff 0.05 s, then 0.1 s
        (body,) = hook.received
        assert (body["status"], body["alert"]["labels"]["game_id"]) == ("firing", "g1")
        assert stats.counts[("hook", "retried")] == 2 and stats.counts[("hook", "delivered")] == 1
        text = prometheus_lines(notifier, stats)
        assert 'spinscope_alert_notifications_total{receiver="hook",outcome="delivered"} 1' in text
        assert 'spinscope_alert_notifications_total{receiver="hook",outcome="retried"} 2' in text
    finally:
        notifier.stop()


def test_a_receiver_that_keeps_failing_is_given_up_and_counted(hook_factory, secret_env) -> None:  # type: ignore[no-untyped-def]
    hook = hook_factory([500] * 100)
    stats = Stats()
    notifier = Notifier(_config(hook.url, secret_env), backoff_s=0.001, stats=stats)
    try:
        state, events = _fired()
        notifier.submit(events, list(state.values()), [], lambda a: False, datetime.now(UTC))
        assert notifier.drain(20)
        assert hook.attempts == 8 and hook.received == []
        assert stats.counts[("hook", "given_up")] == 1
        assert 'outcome="given_up"} 1' in prometheus_lines(notifier, stats)
    finally:
        notifier.stop()


def test_a_slow_receiver_never_blocks_and_a_full_queue_drops_firing_before_a_resolve(hook_factory, secret_env) -> None:  # type: ignore[no-untyped-def]
    hook = hook_factory([], delay_s=1.0)
    stats = Stats()
    notifier = Notifier(_config(hook.url, secret_env, queue_size=10), backoff_s=0.01, stats=stats)
    try:
        worker = notifier.workers["hook"]
        state, (fired,) = _fired()
        _, (resolved,) = step(state, [], {"rtp"}, datetime.now(UTC))
        worker.put(Message([fired]))
        assert _until(lambda: hook.attempts == 1)  # the worker is busy with it for a second
        started = time.monotonic()
        for _ in range(9):
            worker.put(Message([fired]))
        worker.put(Message([resolved]))
        for _ in range(500):
            worker.put(Message([fired]))
        assert time.monotonic() - started < 0.5  # never waits for the receiver
        assert worker.depth == 10
        assert [m.is_resolve for m in worker.queue].count(True) == 1  # the resolve outlived 500 newer messages
        assert stats.counts[("hook", "dropped")] == 500
    finally:
        notifier.stop()


def test_slack_format_is_a_text_message_with_links(hook_factory, secret_env) -> None:  # type: ignore[no-untyped-def]
    hook = hook_factory([])
    notifier = Notifier(_config(hook.url, secret_env, "slack"), stats=Stats())
    try:
        state, events = _fired()
        notifier.submit(events, list(state.values()), [], lambda a: False, datetime.now(UTC))
        assert notifier.drain(10)
        (body,) = hook.received
        assert body["text"] == ":rotating_light: [FIRING:page] drift"
        assert "|Investigate>" in body["blocks"][1]["elements"][0]["text"]
    finally:
        notifier.stop()
