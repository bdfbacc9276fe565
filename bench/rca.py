"""Benchmark: `rca` for errors, latency and RTP over the last hour and the last 24 hours of a bench store.

    python bench/rca.py [--millions 5] [--runs 5] [--old] [--max-window] [--signals rtp ...]

Opens the benchmark store of `--millions` million spins (bench/stores.py; set
SPINSCOPE_BENCH_STORES to a copy, never the original), anchors every window at the store's end
(manifest `end_ns`), and times `spinscope.rca.rank.rank` end to end (every query and the Python
shaping), `runs` warm calls after one cold call. Prints p50/p95 per case and the ratio to the
issue-17 target (500 ms over 1 h, 1 s over 24 h, warm). With `--old`, also times the same calls with
the counts and pairs models of the commit this work started from (git show BASE:queries/rca/...),
and for RTP the spins-only rca_rtp_rounds of RTP_BASE,
so the ratio to the old exact computation is measured in the same run, and checks both give the
same ranking. `--max-window` adds one RCA over the largest window (MAX_WINDOW, 400 days).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import build_or_reuse, disk_bytes  # noqa: E402
from spinscope.configuration import load_config  # noqa: E402
from spinscope.params import MAX_WINDOW  # noqa: E402
from spinscope.queries import loader  # noqa: E402
from spinscope.rca.rank import rank  # noqa: E402
from spinscope.schema.fragments import fragments  # noqa: E402

BASE = "c0f7b23"  # main when issue 17's RCA work started: the old exact models
RTP_BASE = "2734eab"  # main before the RTP rollup (rca_rtp_minutely): the old RTP model, spins only
TARGETS = {"1h": 0.5, "24h": 1.0}
CASES = [
    ("errors", "1h", {}),
    ("latency", "1h", {"threshold_ms": 500}),
    ("rtp", "1h", {}),
    ("errors", "24h", {}),
    ("latency", "24h", {"threshold_ms": 500}),
    ("rtp", "24h", {}),
]
OLD_MODELS = {"rca/rca_attribute_counts": BASE, "rca/rca_attribute_pairs": BASE, "rca/rca_rtp_rounds": RTP_BASE}


def old_text(name: str) -> str:
    raw = subprocess.run(
        ["git", "show", f"{OLD_MODELS[name]}:queries/{name}.sql"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return Template(raw).substitute(fragments())


@contextmanager
def old_models() -> Iterator[None]:
    """rank() with the old counts and pairs models (the loader's text swapped for the base commit's)."""
    texts = {name: old_text(name) for name in OLD_MODELS}
    current = loader.sql

    def sql(name: str) -> str:
        return texts.get(name) or current(name)

    loader.sql = sql  # type: ignore[assignment]
    try:
        yield
    finally:
        loader.sql = current  # type: ignore[assignment]


def timed(client, signal, start, end, extra, catalog, runs):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for i in range(runs + 1):
        t = time.perf_counter()
        result = rank(client, signal, start, end, catalog=catalog, **extra)
        if i:  # the first call is the cold one
            times.append(time.perf_counter() - t)
    return times, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def top(result: dict, n: int = 5) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return [(r["kind"], r["attribute"], r["value"]) for r in result["rows"][:n]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--millions", type=float, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old", action="store_true", help="also time the base commit's exact models")
    parser.add_argument("--max-window", action="store_true", help="also time one RCA over MAX_WINDOW")
    parser.add_argument("--signals", nargs="+", default=["errors", "latency", "rtp"], help="only these signals")
    args = parser.parse_args()

    bench = build_or_reuse(args.millions)
    size = disk_bytes(bench.path)
    store = bench.open()
    client = store.client()
    catalog = load_config().catalog
    end = datetime.fromtimestamp(bench.end_ns / 1e9, UTC)
    spans = {"1h": timedelta(hours=1), "24h": timedelta(hours=24)}
    print(f"store {bench.path}: {bench.manifest['spins']:,} spins, {size / 1e9:.2f} GB, ends {end:%Y-%m-%d %H:%M}Z")
    print(
        f"{'case':<14} {'p50':>7} {'p95':>7} {'target':>7} {'p95/target':>10} {'sample':>7} {'source':>9}"
        + (f" {'old p50':>8} {'old/new':>8}  same ranking" if args.old else "")
    )
    worst = 0.0
    for signal, window, extra in [c for c in CASES if c[0] in args.signals]:
        start = end - spans[window]
        times, result = timed(client, signal, start, end, extra, catalog, args.runs)
        line = (
            f"{signal + ' ' + window:<14} {statistics.median(times):>6.3f}s {p95(times):>6.3f}s "
            f"{TARGETS[window]:>6.1f}s {p95(times) / TARGETS[window]:>10.2f} {result['sample_rate']:>7.3f} "
            f"{result.get('source', 'spins'):>9}"
        )
        worst = max(worst, p95(times) / TARGETS[window])
        if args.old:
            with old_models():
                old_times, old_result = timed(client, signal, start, end, extra, catalog, max(1, args.runs // 2))
            same = top(old_result, 10) == top(result, 10)
            old_p50 = statistics.median(old_times)
            line += f" {old_p50:>7.3f}s {old_p50 / statistics.median(times):>8.1f}  {same}"
        print(line, flush=True)
    if args.max_window:
        t = time.perf_counter()
        result = rank(client, "latency", end - MAX_WINDOW, end, threshold_ms=500, catalog=catalog)
        print(
            f"latency over MAX_WINDOW ({MAX_WINDOW.days} d): {time.perf_counter() - t:.2f} s "
            f"(limit 60 s), sample rate {result['sample_rate']:.4f}"
        )
    store.close()
    print(f"worst p95 = {worst:.2f} of its target")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
