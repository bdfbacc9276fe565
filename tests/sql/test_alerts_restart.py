"""Restart safety on the real engine: the evaluator resumes from alert_events.

A firing alert whose condition cleared while no evaluator ran resolves on the first round and the
webhook hears the resolve; a resolve a receiver never confirmed is re-sent after a restart, one it
confirmed is not; a firing alert already delivered is not notified again as new.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinscope.alerts import store as alert_store
from spinscope.alerts.config import AlertingConfig, Receiver
from spinscope.alerts.evaluator import Evaluator
from spinscope.alerts.lifecycle import step
from spinscope.alerts.notify import Notifier, Stats
from spinscope.alerts.rules import Signal
from spinscope.configuration import load_config
from tests.e2e.test_webhooks import SECRET, Hook


def _signal(game: str) -> Signal:
    at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    return Signal("rtp", "RtpDrift", "page", (("game_id", game), ("game_version", "1")), 4.0, "s", "d", at, at, "rtp")


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    made = Hook([])
    yield made
    made.close()


def _setup(store, hook):  # type: ignore[no-untyped-def]
    base = load_config()
    alerting = AlertingConfig(receivers=(Receiver("hook", "webhook", hook.url, "HOOK_SECRET"),))
    config = type(base)(directory=base.directory, slos=(), catalog=base.catalog, alerting=alerting)
    client = store.client()
    notifier = Notifier(alerting, lambda a, r, at: alert_store.record_delivery(client, a, r, at), 0.01, Stats())
    return config, client, notifier


def test_a_firing_alert_resolves_on_the_first_round_after_a_restart(store, hook) -> None:  # type: ignore[no-untyped-def]
    config, client, notifier = _setup(store, hook)
    t0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    _, events = step({}, [_signal("g1")], {"rtp"}, t0)
    alert_store.record_transitions(client, events)  # fired by an evaluator that then stopped
    alert_store.record_delivery(client, events[0], "hook", t0)  # ...after the webhook confirmed it
    try:
        evaluator = Evaluator(client, lambda: config, notifier, now=t0 + timedelta(hours=1))
        assert notifier.drain(5) and hook.received == []  # delivered before: not notified again as new
        assert [a.state for a in evaluator.open.values()] == ["firing"]
        events = evaluator.run_once(t0 + timedelta(hours=1))  # an empty store: no RTP row, the drift is over
        assert [(e.state, e.fired_at) for e in events] == [("resolved", t0)]
        assert notifier.drain(5)
        assert [(b["status"], b["alert"]["labels"]["game_id"]) for b in hook.received] == [("resolved", "g1")]
        history = alert_store.alert_history(client, t0, t0 + timedelta(days=1))
        assert [a.state for a in history] == ["resolved", "firing"]
    finally:
        notifier.stop()


def test_an_unconfirmed_resolve_is_sent_after_a_restart_a_confirmed_one_is_not(store, hook) -> None:  # type: ignore[no-untyped-def]
    config, client, notifier = _setup(store, hook)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for game, confirmed in (("lost", False), ("done", True)):
        state, fired = step({}, [_signal(game)], {"rtp"}, now - timedelta(minutes=10))
        _, resolved = step(state, [], {"rtp"}, now - timedelta(minutes=5))
        alert_store.record_transitions(client, fired + resolved)
        alert_store.record_delivery(client, fired[0], "hook", now - timedelta(minutes=10))
        if confirmed:
            alert_store.record_delivery(client, resolved[0], "hook", now - timedelta(minutes=5))
    try:
        Evaluator(client, lambda: config, notifier, now=now)
        assert notifier.drain(5)
        assert [(b["status"], b["alert"]["labels"]["game_id"]) for b in hook.received] == [("resolved", "lost")]
    finally:
        notifier.stop()
