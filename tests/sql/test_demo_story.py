"""`serve --demo` tells a story: it starts healthy, and its first fault episode pages.

The history is what `serve --demo` loads (at a smaller scale); the episode is the schedule's wallet
error burst, written as the live traffic would send it (same generator, 20 spins/s) right after.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from spinscope.configuration import load_config
from spinscope.db import Store
from spinscope.sim.demo import DEMO_SCHEDULE, episode, load_history
from spinscope.sim.scenario import available
from spinscope.slo.status import slo_statuses

NS = 1_000_000_000


def states(store: Store, at: datetime) -> dict[str, tuple[str, float]]:
    out = {}
    for s in slo_statuses(store.client(), load_config().slos, at):
        j = s.to_json()
        if not j["group"]:  # ungrouped SLOs: the fleet's
            out[j["slo"]] = (j["alert"]["state"], float(j["budget"]["remaining_ratio"]))
    return out


def test_the_schedule_plays_shipped_scenarios_and_starts_calm() -> None:
    assert DEMO_SCHEDULE[0][0] == "baseline"
    assert {name for name, _ in DEMO_SCHEDULE} <= set(available())
    assert {"wallet-error-burst", "latency-regression", "rtp-drift-over", "traffic-drop"} <= {
        n for n, _ in DEMO_SCHEDULE
    }
    burst = episode("wallet-error-burst", 15).resolve(0, 15 * 60 * NS)
    assert [(f.start_ns, f.end_ns) for f in burst.faults] == [(0, 15 * 60 * NS)]  # the fault is the episode


def test_the_demo_starts_healthy_and_its_wallet_burst_pages(store: Store) -> None:
    end_ns = time.time_ns() // (60 * NS) * 60 * NS - 20 * 60 * NS
    history = load_history(store, days=2, spins_per_day=20 * 86400 // 8, seed=0, end=end_ns, detail_hours=0.2)
    assert history.spins > 0
    start = states(store, datetime.fromtimestamp(end_ns / NS, UTC))
    assert start["spin-availability"][0] == "ok" and start["spin-availability"][1] > 0.3, start
    assert all(state == "ok" for state, _ in start.values()), start

    minutes = dict(DEMO_SCHEDULE)["wallet-error-burst"]
    load_history(
        store,
        days=minutes / 1440,
        spins_per_day=20 * 86400,  # serve --demo's live rate
        seed=0,
        scenario=episode("wallet-error-burst", minutes),
        end=end_ns + int(minutes * 60) * NS,
        detail_hours=1,
    )
    after = states(store, datetime.fromtimestamp(end_ns / NS + minutes * 60, UTC))
    assert after["spin-availability"][0] == "page", after
