"""The writer's inserts run the views of a table side by side (issue 17's ingest budget), with the same rows."""

from __future__ import annotations

import random

from spinscope.db import Store
from spinscope.ingest.writer import StoreWriter
from spinscope.schema.migrate import RenderOptions, migrate
from tests.sql.traces import NOW_NS, spin_trace, store_traces

ROLLUPS = (
    "SELECT count() FROM spins FINAL",
    "SELECT sum(spins), sum(bet_amount), sum(latency_le_500ms) FROM spin_minutely",
    "SELECT sum(spins), sum(win_amount) FROM spin_hourly",
    "SELECT sum(spins), uniqExactMerge(players) FROM spin_game_daily",
    "SELECT count() FROM child_spans FINAL",
    "SELECT sum(spans) FROM span_minutely",
    "SELECT pairs, sum(spins), sum(error_spins) FROM rca_minutely GROUP BY pairs ORDER BY pairs",
)


def test_the_writer_inserts_with_parallel_view_processing(store: Store) -> None:
    client = store.client()
    client.command("CREATE TABLE probe (x UInt8) ENGINE = MergeTree ORDER BY x")
    client.command("CREATE TABLE seen (parallel UInt64) ENGINE = MergeTree ORDER BY parallel")
    client.command(
        "CREATE MATERIALIZED VIEW probe_mv TO seen "
        "AS SELECT getSetting('parallel_view_processing') AS parallel FROM probe"
    )
    StoreWriter(store)("probe", {"x": [1]})
    assert client.command("SELECT parallel FROM seen") == 1


def test_views_side_by_side_store_what_views_one_after_another_do(
    store: Store, empty_store: Store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The same spin traces (some failed, one retried in a second insert) through the writer and through the
    same insert with the views run one by one: every rollup holds the same figures."""
    database = empty_store.database
    migrate(empty_store.client(), RenderOptions(database=database), log=lambda *_: None)
    serial = empty_store
    rng = random.Random(5)
    traces = [
        spin_trace(i, NOW_NS + i * 7_000_000_000, failed=i % 9 == 0, duration_ms=rng.choice([40, 300, 900]))
        for i in range(120)
    ]
    store_traces(store, traces)
    store_traces(store, traces[:10])  # an exporter's retry
    monkeypatch.setattr("spinscope.ingest.writer.INSERT_SETTINGS", {"parallel_view_processing": 0})
    store_traces(serial, traces)
    store_traces(serial, traces[:10])
    for query in ROLLUPS:
        side_by_side = store.client().query(query).result_rows
        assert side_by_side and side_by_side == serial.client().query(query).result_rows, query
    assert store.client().command("SELECT count() FROM spins FINAL") == 120
