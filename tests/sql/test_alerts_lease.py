"""One alert evaluator per database: the lease in `alert_lease`, two evaluators on one store."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from spinscope.alerts.evaluator import alert_job
from spinscope.alerts.lease import Claim, Lease, decide
from spinscope.configuration import load_config

T = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=3)


def test_decide_takes_the_earliest_unexpired_claim() -> None:
    a, b = Claim("a", T, T + TTL), Claim("b", T - timedelta(minutes=1), T + TTL)
    assert decide([a, b], T) == b  # held longer
    assert decide([a, Claim("b", T - timedelta(hours=1), T)], T) == a  # b's claim ran out at T
    assert decide([], T) is None


def test_a_second_evaluator_stands_by_until_the_holder_stops_or_lapses(store) -> None:  # type: ignore[no-untyped-def]
    first, second = Lease(store.new_client(), "first", TTL), Lease(store.new_client(), "second", TTL)
    assert first.hold(T)
    assert not second.hold(T + timedelta(seconds=1)) and second.other is not None and second.other.holder == "first"
    assert first.hold(T + timedelta(minutes=1))  # renewed: still first's (since T)
    assert not second.hold(T + timedelta(minutes=2))
    # first stops renewing: its claim from T+1m lapses at T+4m, and second takes over
    assert not second.hold(T + timedelta(minutes=3, seconds=59))
    assert second.hold(T + timedelta(minutes=4))
    assert not first.hold(T + timedelta(minutes=5))  # back from a pause: now it stands by
    second.release(T + timedelta(minutes=6))  # a clean stop hands over at once
    assert first.hold(T + timedelta(minutes=6, seconds=1))


def test_two_evaluator_jobs_on_one_store_one_evaluates_the_other_stands_by(store, caplog) -> None:  # type: ignore[no-untyped-def]
    config = load_config()
    stop_a, stop_b = threading.Event(), threading.Event()
    caplog.set_level(logging.WARNING, logger="spinscope.alerts")
    a = threading.Thread(target=alert_job(store, lambda: config, interval_s=0.5), args=(stop_a,), daemon=True)
    a.start()
    deadline = time.monotonic() + 60
    while not any("evaluating the alert rules" in r.message for r in caplog.records) and time.monotonic() < deadline:
        time.sleep(0.2)
    b = threading.Thread(target=alert_job(store, lambda: config, interval_s=0.5), args=(stop_b,), daemon=True)
    b.start()
    while not any("standing by" in r.message for r in caplog.records) and time.monotonic() < deadline:
        time.sleep(0.2)
    started = [r.message for r in caplog.records if "evaluating the alert rules" in r.message]
    assert len(started) == 1, caplog.text
    assert any("standing by" in r.message for r in caplog.records), caplog.text
    stop_a.set()  # the holder stops and releases: the standby takes over on its next round
    a.join(30)
    while (
        len([r for r in caplog.records if "evaluating the alert rules" in r.message]) < 2
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    stop_b.set()
    b.join(30)
    started = [r.message for r in caplog.records if "evaluating the alert rules" in r.message]
    assert len(started) == 2 and started[0] != started[1], caplog.text
