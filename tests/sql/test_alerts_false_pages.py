"""False pages per simulated week of the traffic-anomaly and no-data rules on clean, session-bursty traffic.

Four weeks of the simulator's baseline scenario at 40k spins a day (a thin stream: whole minutes
without a spin even fleet-wide), read from the store once; the rules then judge every scope of
their `by:` every 10 minutes of the last 20 days, each instant from exactly the `History` the
evaluator's store read gives (checked at a few instants). A page is a run of consecutive
anomalous instants of one alert (the lifecycle keeps it firing in between).

Measured (seed 7): 0 pages in 20 days, i.e. 0 per simulated week (before this model: ~390 a week).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinscope.alerts import store as alert_store
from spinscope.alerts.rules import no_data_signals, traffic_signals
from spinscope.alerts.traffic import SPAN_MINUTES, History
from spinscope.configuration import load_config

pytestmark = pytest.mark.slow  # ~5 min alone, ~12 on a shared machine (a million spins of history): -m slow

END = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
DAYS = 28
JUDGED_DAYS = 20
STEP = timedelta(minutes=10)
BUCKET = timedelta(minutes=5)


@pytest.fixture(scope="module")
def clean(session_store):  # type: ignore[no-untyped-def]
    from spinscope.sim.demo import load_history
    from tests.ui.conftest import fresh_database

    store = fresh_database(session_store)
    load_history(store, days=DAYS, spins_per_day=40_000, seed=7, end=END, detail_hours=0, detail_sample=0)
    yield store
    store.close()


def history_at(buckets: list[int], back: int, current: int, lags: list[int]) -> History:
    """The History of an instant `back` buckets before END, cut from the whole period's buckets."""

    def piece(start: int, n: int) -> list[int]:
        got = buckets[start : start + n]
        return got + [0] * (n - len(got))

    span = SPAN_MINUTES // 5
    return History(5, piece(back, current), [piece(back + lag, span) for lag in lags])


def test_clean_traffic_pages_nobody_in_twenty_simulated_days(clean) -> None:  # type: ignore[no-untyped-def]
    client = clean.client()
    alerting = load_config().alerting
    traffic, no_data = alerting.traffic, alerting.no_data
    current_s = max(traffic.max_window_s, no_data.lookback_s)
    current, lags = current_s // 300, [s // 300 for s in traffic.lags_s]
    dims_all = sorted(set(traffic.by) | set(no_data.by))
    whole = {
        dims: alert_store.scope_buckets(client, END - timedelta(days=DAYS), END, dims, BUCKET) for dims in dims_all
    }

    # the cut-out histories are what the evaluator reads from the store
    for back in (0, 1000, 4000):
        at = END - back * BUCKET
        for dims in dims_all:
            read = alert_store.scope_histories(
                client, at, dims, timedelta(seconds=current_s), tuple(timedelta(seconds=s) for s in traffic.lags_s)
            )
            assert {s: h for s, h in read.items() if any(h.current) or any(map(any, h.lags))} == {
                s: history_at(b, back, current, lags) for s, b in whole[dims].items() if s in read
            }

    firing: set[str] = set()
    pages: list[tuple[datetime, str, dict[str, str]]] = []
    instants = int(timedelta(days=JUDGED_DAYS) / STEP)
    for k in range(instants, -1, -1):
        back = int(k * STEP / BUCKET)
        at = END - k * STEP
        signals = []
        for dims in traffic.by:
            signals += traffic_signals(
                {s: history_at(b, back, current, lags) for s, b in whole[dims].items()}, traffic, at
            )
        for dims in no_data.by:
            signals += no_data_signals(
                {s: history_at(b, back, current, lags) for s, b in whole[dims].items()}, no_data, at
            )
        now = {s.fingerprint for s in signals}
        pages += [(at, s.alertname, s.all_labels) for s in signals if s.fingerprint not in firing]
        firing = now
    per_week = len(pages) / JUDGED_DAYS * 7
    print(f"false pages in {JUDGED_DAYS} clean simulated days: {len(pages)} ({per_week:.2f} per simulated week)")
    assert pages == [], pages
