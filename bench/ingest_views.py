"""Benchmark: what each materialized view on the ingest path costs one insert, split into its query and its write.

bench/ingest.py gives the ingest path's cost as a whole (issue 17's budget: new rollups may cost at most 10 % of
end-to-end ingest); this says where it goes, view by view, so that work on the budget aims at the right view.
Dropping one view at a time and timing whole inserts does not: with `parallel_view_processing` the views
run side by side, and a run-to-run spread of ~5 % hides any single view.

1. One insert's rows (`--spans`, default 20,000, as serve's writer inserts them under load, with `--children`
   child spans a spin) go through serve's writer into a fresh embedded store, so every view's source holds
   its block: otel_traces, spins, spin_minutely, spin_game_hourly.
2. Each source's block is copied to a Memory table, and each view's own query (system.tables' as_select)
   reads those copies instead of its source.
3. Per view, alternating, `--repeat` times: `INSERT INTO` a Null-engine copy of its target `SELECT` the
   query (the query's cost: every column computed, none kept; a `SELECT count()` over it would let the
   engine drop the unused columns), and the same into a MergeTree copy of its target (query + write). The
   difference is the write: sorting, compressing and indexing the rows into a part.

Figures are medians of wall-clock milliseconds per insert, with the query's own time; a figure of a few
milliseconds is mostly analysis and planning, paid on every insert whatever its size. The merges the
parts set off later are not counted (bench/ingest.py's CPU figure includes them).

Usage: python bench/ingest_views.py [--spans 20000] [--children 0] [--repeat 9]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from ingest import build_request  # noqa: E402  (bench/ingest.py: the requests bench/ingest.py sends)
from spinscope.db import open_store  # noqa: E402
from spinscope.ingest.batcher import merge_tables  # noqa: E402
from spinscope.ingest.decode import decode_traces, parse_request  # noqa: E402
from spinscope.ingest.writer import StoreWriter  # noqa: E402
from spinscope.schema.migrate import RenderOptions, migrate  # noqa: E402

DB = "spinscope"


def views(client) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(view, target table, query) of every materialized view of the database."""
    rows = client.query(
        "SELECT name, create_table_query, as_select FROM system.tables"
        " WHERE database = {db:String} AND engine = 'MaterializedView' ORDER BY name",
        parameters={"db": DB},
    ).result_rows
    found = []
    for name, create, query in rows:
        target = re.search(rf"\bTO {DB}\.(\w+)", create)
        if target:
            found.append((name, target[1], query))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spans", type=int, default=20_000, help="spans in the insert (a multiple of 1,000)")
    parser.add_argument("--children", type=int, default=0, help="child spans sent with each spin span")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    requests = [build_request(seq, children=args.children) for seq in range(args.spans // 1000)]
    block = merge_tables([decode_traces(parse_request("traces", r, "application/x-protobuf")).tables for r in requests])
    with tempfile.TemporaryDirectory() as data_dir:
        store = open_store(f"chdb://{data_dir}")
        client = store.client()
        migrate(client, RenderOptions(database=DB), log=lambda *_: None)
        for table, columns in block.items():
            StoreWriter(store)(table, columns)

        found = views(client)
        tables = {
            r[0]
            for r in client.query(
                "SELECT name FROM system.tables WHERE database = {db:String}", parameters={"db": DB}
            ).result_rows
        }
        named = {name for _, _, query in found for name in re.findall(rf"\b{DB}\.(\w+)", query)}
        sources = sorted(named & tables - {view for view, _, _ in found})
        for source in sources:  # the insert's block of each table a view reads
            client.command(f"CREATE TABLE {DB}.bench_block_{source} AS {DB}.{source} ENGINE = Memory")
            client.command(f"INSERT INTO {DB}.bench_block_{source} SELECT * FROM {DB}.{source}")
        counts = {s: client.query(f"SELECT count() FROM {DB}.bench_block_{s}").result_rows[0][0] for s in sources}
        print("one insert's block: " + ", ".join(f"{s} {n:,} rows" for s, n in counts.items()))

        statements = {}
        for view, target, query in found:
            # a view that reads its own target (spins_mv's duplicate gate) reads it empty, as in a fresh store
            client.command(f"CREATE TABLE IF NOT EXISTS {DB}.bench_empty_{target} AS {DB}.{target} ENGINE = Memory")

            def block_of(m: re.Match[str], target: str = target) -> str:
                if m[1] == target:
                    return f"{DB}.bench_empty_{target}"
                return f"{DB}.bench_block_{m[1]}" if m[1] in sources else m[0]

            over_block = re.sub(rf"\b{DB}\.(\w+)\b", block_of, query)
            client.command(f"CREATE TABLE {DB}.bench_null_{view} AS {DB}.{target} ENGINE = Null")
            client.command(f"CREATE TABLE {DB}.bench_copy_{view} AS {DB}.{target}")
            # by name, as a view inserts: a target's columns the query does not give take their defaults
            names = ", ".join(f"`{r[0]}`" for r in client.query(f"DESCRIBE ({over_block})").result_rows)
            statements[view] = (
                f"INSERT INTO {DB}.bench_null_{view} ({names}) {over_block}",
                f"INSERT INTO {DB}.bench_copy_{view} ({names}) {over_block}",
            )
        timings: dict[str, tuple[list[float], list[float]]] = {v: ([], []) for v in statements}
        for _ in range(args.repeat):
            for view, (to_null, to_copy) in statements.items():
                for statement, into in zip((to_null, to_copy), timings[view], strict=True):
                    started = time.perf_counter()
                    client.command(statement)
                    into.append((time.perf_counter() - started) * 1000)
        store.close()

    print(f"\n{args.spans:,} spans, {args.children} child spans a spin; median ms of {args.repeat}, per insert")
    print(f"{'view':32s} {'query':>8s} {'write':>8s} {'total':>8s}")
    rows = [(statistics.median(c), view, statistics.median(n)) for view, (n, c) in timings.items()]
    for total_ms, view, query_ms in sorted(rows, reverse=True):
        print(f"{view:32s} {query_ms:8.1f} {total_ms - query_ms:8.1f} {total_ms:8.1f}")
    query_all, total_all = sum(r[2] for r in rows), sum(r[0] for r in rows)
    print(f"{'all views':32s} {query_all:8.1f} {total_all - query_all:8.1f} {total_all:8.1f}")


if __name__ == "__main__":
    main()
