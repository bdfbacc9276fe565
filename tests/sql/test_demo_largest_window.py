"""The largest window the API admits, over the demo store `serve --demo` loads, stays within the
default read limits on this machine: every read endpoint answers 200 (no "narrow the window"),
well inside the time limit. Slow: it loads the demo's week of history (about 2 million spins).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from spinscope.configuration import LiveConfig
from spinscope.db import Store, read_settings
from spinscope.params import MAX_WINDOW
from spinscope.server import ServeOptions, Service
from spinscope.sim.demo import load_history


@pytest.mark.slow
def test_every_endpoint_over_the_largest_window_stays_within_the_limits(store: Store) -> None:
    load_history(store, days=7, spins_per_day=300_000, seed=3)
    api = TestClient(Service(store, ServeOptions(), LiveConfig.load()).app)
    end = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    start = end - MAX_WINDOW
    widest = {
        "/api/v1/kpi": {"from": (end - MAX_WINDOW).date().isoformat(), "to": end.date().isoformat()},
        "/api/v1/slo": {},
        "/api/v1/rtp": {"start": start.isoformat(), "end": end.isoformat()},
        "/api/v1/rca": {"start": start.isoformat(), "end": end.isoformat(), "signal": "latency"},
        "/api/v1/traces": {"start": start.isoformat(), "end": end.isoformat(), "limit": 1000},
        "/api/v1/audit": {"start": start.isoformat(), "end": end.isoformat(), "limit": 1000},
    }
    limit_s = read_settings()["max_execution_time"]
    took, answers = {}, {}
    for path, params in widest.items():
        began = time.monotonic()
        reply = api.get(path, params=params)
        took[path] = round(time.monotonic() - began, 1)
        answers[path] = reply.status_code if reply.status_code == 200 else (reply.status_code, reply.text[:200])
    print("seconds per endpoint over the largest window:", took, answers)
    assert answers == dict.fromkeys(widest, 200)
    assert max(took.values()) < limit_s, took
