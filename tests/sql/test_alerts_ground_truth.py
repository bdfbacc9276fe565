"""Alert rules on the simulator's traffic-drop scenario (15 days at 40k spins a day, so the drop has
earlier days and a week to compare with): no page in the clean day before the fault, and the
dropped region (90 % of its ~8k spins a day gone) alerts within 8 hours.

Measured (this machine, seed 3): no page in the clean day; the region's TrafficAnomaly fires 7 h 20 m
after the drop began (rounds every 20 minutes), on its 8-hour window. Prints both for the record.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinscope.alerts.evaluator import Evaluator
from spinscope.configuration import load_config

pytestmark = pytest.mark.slow  # ~6 min alone, ~15 on a shared machine (15 days of history, ~70 rounds): -m slow

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


def test_traffic_drop_alerts_its_region_and_the_clean_stretch_pages_nobody(drop) -> None:  # type: ignore[no-untyped-def]
    store, fault = drop
    client = store.client()
    config = load_config()
    start = datetime.fromtimestamp(fault["start_ns"] / 1e9, UTC)
    region = fault["where"]["cloud.region"]

    clean_from = start - timedelta(hours=24)
    evaluator = Evaluator(client, lambda: config, now=clean_from)
    pages = []
    at = clean_from
    while at < start:
        pages += [e for e in evaluator.run_once(at) if e.state == "firing" and e.severity == "page"]
        at += timedelta(minutes=30)
    print(f"false pages in the clean day before the drop: {len(pages)} (~{len(pages) * 7} per simulated week)")
    assert pages == [], [(e.at, e.alertname, e.label_map) for e in pages]

    alerted = []
    at = start + timedelta(minutes=20)
    while at <= start + timedelta(hours=8) and not alerted:
        alerted += [
            e
            for e in evaluator.run_once(at)
            if e.state == "firing" and e.alertname == "TrafficAnomaly" and e.label_map.get("region") == region
        ]
        at += timedelta(minutes=20)
    assert alerted, f"no TrafficAnomaly for region {region} in the drop's first 8 hours"
    print(f"first TrafficAnomaly for {region}: {alerted[0].at - start} after the drop began: {alerted[0].description}")
