"""The evaluator on the real engine over the simulator's wallet error burst (ground truth from its manifest).

The burst must page within the SRE Workbook detection time of the 1h/5m pair, measured from the
fault's start at the error rate the store actually holds (counted here independently of the
SLO code), survive a restart without a second "firing", and resolve after the fault even when
the evaluator was down at the time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinscope.alerts.evaluator import Evaluator
from spinscope.configuration import load_config
from spinscope.endpoints import call

pytestmark = pytest.mark.slow  # ~2 min (a day of history, a round a minute through the burst): run with -m slow

END = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def burst(session_store):  # type: ignore[no-untyped-def]
    from spinscope.sim.demo import load_history
    from tests.ui.conftest import fresh_database

    store = fresh_database(session_store)
    result = load_history(store, days=1, spins_per_day=30_000, seed=5, scenario="wallet-error-burst", end=END)
    (fault,) = result.manifest["faults"]
    yield store, fault
    store.close()


def _ts(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, UTC)


def test_wallet_burst_pages_within_detection_time_survives_restart_and_resolves(burst) -> None:  # type: ignore[no-untyped-def]
    store, fault = burst
    client = store.client()
    config = load_config()
    start, end = _ts(fault["start_ns"]), _ts(fault["end_ns"])
    bad, total = client.query(
        "SELECT countIf(status != 'ok'), count() FROM spins WHERE started_at >= {s:DateTime64(9)} "
        "AND started_at < {e:DateTime64(9)}",
        parameters={"s": start.replace(tzinfo=None), "e": end.replace(tzinfo=None)},
    ).result_rows[0]
    error_rate = bad / total
    # SRE Workbook: a pair of factor f over window w on target t detects error rate e after f*(1-t)/e * w.
    detection = timedelta(seconds=14.4 * 0.001 / error_rate * 3600)
    assert detection < timedelta(minutes=30)

    evaluator = Evaluator(client, lambda: config, now=start)
    paged_at = None
    at = start + timedelta(minutes=1)
    while at <= start + detection + timedelta(minutes=2):
        events = evaluator.run_once(at)
        if any(e.alertname == "SloBurnRate" and e.severity == "page" and e.state == "firing" for e in events):
            paged_at = at
            break
        at += timedelta(minutes=1)
    assert paged_at is not None, f"no page within {detection} + 2 min of the burst's start"
    # Two minutes of slack: whole-minute rollups and windows, and Poisson noise at ~20 spins a minute.
    assert paged_at - start <= detection + timedelta(minutes=2)
    page_fp = {a.fingerprint for a in evaluator.open.values() if a.alertname == "SloBurnRate" and a.severity == "page"}

    # A restart mid-incident: the page is still open and is not a new transition.
    restarted = Evaluator(client, lambda: config, now=paged_at + timedelta(minutes=1))
    assert page_fp <= set(restarted.open)
    events = restarted.run_once(paged_at + timedelta(minutes=1))
    assert not [e for e in events if e.fingerprint in page_fp]

    # Down through the end of the fault; the first round after it resolves the page.
    later = Evaluator(client, lambda: config, now=end + timedelta(hours=7))
    events = later.run_once(end + timedelta(hours=7))
    resolved = {e.fingerprint for e in events if e.state == "resolved"}
    assert page_fp <= resolved
    listed = call("alerts", client, config, {"since": (end - timedelta(hours=1)).isoformat(), "state": "resolved"})
    assert page_fp <= {a["fingerprint"] for a in listed["alerts"]}
    (row,) = [a for a in listed["alerts"] if a["fingerprint"] in page_fp][:1]
    assert row["fired_at"] == paged_at and row["resolved_at"] == end + timedelta(hours=7)
    assert "investigate?signal=errors" in row["investigate_url"]
