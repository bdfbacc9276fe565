"""Investigate opened from the nav (no window in the link) opens on the latest anomaly, and says so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from spinscope.db import Store
from spinscope.queries.loader import run
from tests.ui.conftest import fresh_database
from tests.ui.grid import shown as grid

BURST = (0.60, 0.75)  # sim/scenarios/wallet-error-burst.yaml: the fault's share of the history


@pytest.fixture(scope="module")
def burst_store(session_store: Store) -> Iterator[tuple[Store, datetime]]:
    """A day of history (20,000 spins) whose wallet provider walletly failed from 60 % to 75 % of it.

    Flat traffic: the page reads the last 24 hours by the wall clock, so the history ends now, and with the
    demo's diurnal traffic the burst's hours (and how many of walletly's spins they hold) moved with the
    hour the test ran; run at 15:52 UTC, the burst fell in the US night and its tail stood apart.
    """
    from spinscope.sim.demo import load_history

    store = fresh_database(session_store)
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    load_history(store, days=1, spins_per_day=20_000, seed=1, scenario="wallet-error-burst", end=end, shape="flat")
    yield store, end
    store.close()


def window(at) -> tuple[datetime, datetime]:  # type: ignore[no-untyped-def]
    text = next(m.value for m in at.markdown if m.value.startswith("**Window**"))
    found = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
    start, end = (datetime.strptime(t, "%Y-%m-%d %H:%M").replace(tzinfo=UTC) for t in found)
    return start, end


def test_opened_from_the_nav_it_shows_the_latest_error_burst_and_its_cause(burst_store, app_on) -> None:  # type: ignore[no-untyped-def]
    store, end = burst_store
    at = app_on(store, "investigate")
    assert not at.exception and not at.error
    begin = end - timedelta(days=1)
    burst_start, burst_end = (begin + timedelta(days=share) for share in BURST)
    start, stop = window(at)
    # The burst, to within half an hour at either end (traffic comes in player sessions, so the burst's
    # first and last minutes may hold too few of walletly's spins to stand out), covering most of it.
    slack = timedelta(minutes=30)
    assert abs(start - burst_start) <= slack and abs(stop - burst_end) <= slack, (start, stop, burst_start, burst_end)
    covered = min(stop, burst_end) - max(start, burst_start)
    assert covered >= 0.75 * (burst_end - burst_start), (start, stop, burst_start, burst_end)
    said = [c.value for c in at.caption if c.value.startswith("Showing the latest error burst")]
    assert len(said) == 1 and f"{start:%Y-%m-%d %H:%M}" in said[0]
    # The link still names no window (a later visit finds the latest anomaly again) ...
    assert "from" not in at.query_params
    # ... and the ranking runs on that window: its selection is the window's errored spins.
    minutes = run(
        store.client(),
        "app/app_signal_series",
        start=start.replace(tzinfo=None),
        end=stop.replace(tzinfo=None),
        step_s=60,
        environment="",
        game_id="",
        threshold_ms=500,
    )
    errored = sum(int(r["error_spins"]) for r in minutes)
    assert errored > 100
    assert any(c.value.startswith(f"{errored:,} selected spins") for c in at.caption), [c.value for c in at.caption]
    assert len(grid(at.dataframe[0])) > 0
    # Drilling down writes the chosen window into the link, so the drill-down keeps looking at it.
    at.button(key="drill").click().run()
    assert not at.exception and not at.error
    assert (at.query_params["from"], at.query_params["to"]) == (f"{start:%Y-%m-%dT%H:%M}", f"{stop:%Y-%m-%dT%H:%M}")


def test_without_an_anomaly_it_keeps_the_last_hour(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store, "investigate")
    assert not at.exception and not at.error
    start, stop = window(at)
    assert stop - start == timedelta(hours=1)
    assert not [c.value for c in at.caption if c.value.startswith("Showing the latest")]
    assert any("nothing stood out" in m.value for m in at.markdown)
