"""bench/ingest.py's "before" store: what a baseline lacks is taken out, a view replaced in place gets its old query.

The ingest-cost figures of issue 17 are after/before ratios, so "before" must be the baseline's ingest path:
views it lacks dropped, and a view whose query a later migration replaced (0090) running the query the
baseline's migrations gave it (0071's), not the new one.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

from spinscope.schema.migrate import RenderOptions, load_migrations, render

REPO = Path(__file__).resolve().parents[2]


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_ingest", REPO / "bench" / "ingest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _has_commit(ref: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", ref], cwd=REPO, capture_output=True).returncode == 0


@pytest.mark.skipif(not _has_commit("2734eab"), reason="needs the git history (2734eab)")
def test_a_view_replaced_in_place_gets_the_baselines_query_back() -> None:
    undo, kept = _bench().baseline_undo("2734eab", "db")
    (create,) = render(next(m for m in load_migrations() if m.name == "rca_minutely_mv"), RenderOptions(database="db"))
    restore = f"ALTER TABLE db.rca_minutely_mv MODIFY QUERY {create.split(chr(10) + 'AS ', 1)[1].strip()}"
    assert [u for u in undo if "rca_minutely_mv" in u] == [restore]
    assert kept == []


@pytest.mark.skipif(not _has_commit("c0f7b23"), reason="needs the git history (c0f7b23)")
def test_views_the_baseline_lacks_are_dropped_and_their_later_queries_ignored() -> None:
    undo, kept = _bench().baseline_undo("c0f7b23", "db")
    assert undo[:4] == [
        "DROP VIEW IF EXISTS db.rca_minutely_mv",
        "DROP VIEW IF EXISTS db.spin_hourly_mv",
        "DROP VIEW IF EXISTS db.spin_daily_mv",
        "DROP VIEW IF EXISTS db.spin_game_rtp_mv",
    ]
    assert not any("rca_minutely_mv MODIFY QUERY" in u for u in undo)
    assert kept == []


@pytest.mark.skipif(not _has_commit("00bb7ea"), reason="needs the git history (00bb7ea)")
def test_a_retired_view_and_dropped_columns_come_back_before_the_views_that_need_them() -> None:
    """Against main before issue 17's ingest budget (00bb7ea): spin_daily and its view are created again with
    0083's and 0085's DDL, spin_hourly gets its state columns back (0080's types), then spin_hourly_mv its
    0082 query: "before" then pays for what 0130-0135 took out (and not for trace_index_mv, newer), and
    spins_mv gets 0031's query back from 0140."""
    undo, kept = _bench().baseline_undo("00bb7ea", "db")
    by_name = {m.name: m for m in load_migrations()}
    opts = RenderOptions(database="db")
    (daily_table,) = render(by_name["spin_daily"], opts)
    (daily_view,) = render(by_name["spin_daily_mv"], opts)
    (hourly_view,) = render(by_name["spin_hourly_mv"], opts)
    (spins_query,) = render(by_name["spins_mv_money_literals"], opts)  # 0031, 00bb7ea's spins_mv query
    (child_query,) = render(by_name["child_spans_mv"], opts)  # 0033
    types = {
        "players": "AggregateFunction(uniqExact, String)",
        "sessions": "AggregateFunction(uniqExact, String)",
        "latency_ns_bf16": "AggregateFunction(quantilesBFloat16(0.5, 0.95, 0.99), UInt64)",
    }
    assert undo == [
        daily_table,
        *(f"ALTER TABLE db.spin_hourly ADD COLUMN IF NOT EXISTS {c} {t}" for c, t in types.items()),
        "DROP VIEW IF EXISTS db.trace_index_mv",  # 0122: a view 00bb7ea lacks
        daily_view,
        f"ALTER TABLE db.spin_hourly_mv MODIFY QUERY {hourly_view.split(chr(10) + 'AS ', 1)[1].strip()}",
        f"ALTER TABLE db.spins_mv MODIFY QUERY {spins_query.split('MODIFY QUERY', 1)[1].strip()}",  # 0140
        "ALTER TABLE db.child_spans DROP INDEX IF EXISTS idx_resource_typed",  # 0150 (its columns cost no view work)
        f"ALTER TABLE db.child_spans_mv MODIFY QUERY {child_query.split(chr(10) + 'AS ', 1)[1].strip()}",  # 0152
        "ALTER TABLE db.child_spans DROP INDEX IF EXISTS idx_trace_id",  # 0153
        "ALTER TABLE db.spins DROP INDEX IF EXISTS idx_duration",  # 0154
    ]
    assert kept == []


@pytest.mark.skipif(not _has_commit("aeb85f8"), reason="needs the git history (aeb85f8)")
def test_a_column_added_for_a_view_stays_and_the_view_gets_the_baselines_query_back() -> None:
    """0155 adds trace_index.resource_hash, 0157 fills it in trace_index_mv's query: "before" runs 0122's query
    (the column then holds its default, which costs no view work)."""
    undo, kept = _bench().baseline_undo("aeb85f8", "db")
    (create,) = render(next(m for m in load_migrations() if m.name == "trace_index_mv"), RenderOptions(database="db"))
    assert undo == [f"ALTER TABLE db.trace_index_mv MODIFY QUERY {create.split(chr(10) + 'AS ', 1)[1].strip()}"]
    assert kept == []
