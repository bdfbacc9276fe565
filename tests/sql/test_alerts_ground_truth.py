"""Alert rules on the simulator's traffic-drop scenario (15 days, so the drop has previous weeks to
compare with): no page in the clean half-day before the fault, and the dropped region alerts during it.

Prints the false pages of the clean stretch (per simulated week) for the record.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinscope.alerts.evaluator import Evaluator
from spinscope.configuration import load_config

pytestmark = pytest.mark.slow  # ~5 min (15 days of history, ~40 evaluation rounds): run with -m slow

END = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def drop(session_store):  # type: ignore[no-untyped-def]
    from spinscope.sim.demo import load_history
    from tests.ui.conftest import fresh_database

    store = fresh_database(session_store)
    result = load_history(
        store, days=15, spins_per_day=40_000, seed=3, scenario="traffic-drop", end=END, detail_hours=0, detail_sample=0
    )
    (fault,) = result.manifest["faults"]
    yield store, fault
    store.close()


@pytest.mark.xfail(
    strict=True,
    reason="known gap: on the simulator's low-volume, session-bursty traffic (40k spins a day) the traffic and "
    "no-data rules page in the clean stretch (measured 28 pages in 12 h, ~390 a simulated week: TrafficAnomaly "
    "of the fleet, NoData per game); their baseline needs a dispersion estimate at the window's time scale",
)
def test_traffic_drop_alerts_its_region_and_the_clean_stretch_pages_nobody(drop) -> None:  # type: ignore[no-untyped-def]
    store, fault = drop
    client = store.client()
    config = load_config()
    start = datetime.fromtimestamp(fault["start_ns"] / 1e9, UTC)
    region = fault["where"]["cloud.region"]

    clean_from = start - timedelta(hours=12)
    evaluator = Evaluator(client, lambda: config, now=clean_from)
    pages = []
    at = clean_from
    while at < start:
        pages += [e for e in evaluator.run_once(at) if e.state == "firing" and e.severity == "page"]
        at += timedelta(minutes=20)
    per_week = len(pages) * 14  # 12 simulated hours
    print(f"false pages in the 12 clean hours before the drop: {len(pages)} (~{per_week} per simulated week)")
    assert pages == [], [(e.at, e.alertname, e.label_map) for e in pages]

    alerted = []
    at = start + timedelta(minutes=30)
    while at < start + timedelta(hours=6):
        alerted += [
            e
            for e in evaluator.run_once(at)
            if e.state == "firing" and e.alertname == "TrafficAnomaly" and e.label_map.get("region") == region
        ]
        at += timedelta(minutes=20)
    assert alerted, f"no TrafficAnomaly for region {region} in the drop's first six hours"
    print(f"first TrafficAnomaly for {region}: {alerted[0].at - start} after the drop began")
