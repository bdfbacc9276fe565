"""Benchmark: the kpi, slo, rtp and alerts endpoints and every Overview/SLO/RTP/KPI page query (issue 17).

    SPINSCOPE_BENCH_STORES=DIR python bench/series.py [--size 5] [--runs 5] [--only NAME ...]

Opens a benchmark store (bench/stores.py: built once, ends at a fixed instant; opening runs
`migrate`, so new rollups are backfilled there once) and calls each request, anchored at the
store's end, in this process on the embedded engine:

- cold: the first call, after the process's SLO series memo is emptied and the engine's mark and
  uncompressed caches are dropped (the OS page cache is left alone: the machine is shared);
- warm: `runs` further calls of the same request (issue 17: "warm means the second call").

Each request is also run through the reference path, the code and SQL models of the commit
before this work (`REFERENCE`, read with git: every model that this work rewrote, and
per-window SLO counts instead of the shared series), in the same run, so the speed-up is measured
against the old query on the same machine load. Printed: p50/p95 warm, cold, the p95's ratio to
the 300 ms target and to the reference's warm p95, and whether both paths gave the same answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from string import Template
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import build_or_reuse  # noqa: E402

TARGET_S = 0.300
REFERENCE = "c0f7b23"
"""The commit this work started from: its models and SLO provider are the reference path."""

Case = Callable[[Any, Any, datetime], Any]


def cases() -> dict[str, Case]:
    from spinscope.alerts.evaluator import gather
    from spinscope.app.data import scoped
    from spinscope.endpoints import call
    from spinscope.queries.loader import run
    from spinscope.rtp.status import rtp_funnel
    from spinscope.slo.evaluate import evaluate_burndown
    from spinscope.slo.status import StoreCounts
    from spinscope.times import utc_naive

    def day(end: datetime) -> date:
        return (end - timedelta(days=1)).date()

    def sli_series(client: Any, config: Any, end: datetime) -> Any:
        return [
            StoreCounts(client).series(scoped(spec, "", ""), end - timedelta(hours=24), end, 600)
            for spec in config.slos
        ]

    def burndown(client: Any, config: Any, end: datetime) -> Any:
        provider = StoreCounts(client).series
        return [evaluate_burndown(scoped(spec, "", ""), provider, end, 3600) for spec in config.slos]

    def app(name: str, hours: int, **extra: Any) -> Case:
        def go(client: Any, config: Any, end: datetime) -> Any:
            start = end - timedelta(hours=hours)
            return run(client, name, start=utc_naive(start), end=utc_naive(end), **extra)

        return go

    def funnel(client: Any, config: Any, end: datetime) -> Any:
        return rtp_funnel(client, "fortune-tiger", "1.4.2", end - timedelta(days=7), end, config.catalog)

    return {
        "kpi 7d daily": lambda c, cfg, end: call(
            "kpi", c, cfg, {"from": str(day(end) - timedelta(days=6)), "to": str(day(end))}
        ),
        "kpi 4w weekly": lambda c, cfg, end: call(
            "kpi", c, cfg, {"from": str(day(end) - timedelta(days=27)), "to": str(day(end)), "grain": "week"}
        ),
        "slo": lambda c, cfg, end: call("slo", c, cfg, {"at": end.isoformat()}),
        "rtp 7d": lambda c, cfg, end: call(
            "rtp", c, cfg, {"start": (end - timedelta(days=7)).isoformat(), "end": end.isoformat()}
        ),
        "alerts": lambda c, cfg, end: call("alerts", c, cfg, {"since": (end - timedelta(days=1)).isoformat()}),
        "alert round": lambda c, cfg, end: gather(c, cfg, end)[0],
        "page fleet 24h": app("app/app_fleet_totals", 24, environment="", game_id=""),
        "page signal 24h": app("app/app_signal_series", 24, step_s=600, environment="", game_id="", threshold_ms=500),
        "page signal 7d": app(
            "app/app_signal_series", 24 * 7, step_s=3600, environment="", game_id="", threshold_ms=500
        ),
        "page versions 24h": app("app/app_versions_seen", 24, environment="", game_id=""),
        "page filters 30d": app("app/app_filter_values", 24 * 30),
        "page sli 24h": sli_series,
        "page burndown": burndown,
        "page funnel 7d": funnel,
    }


def reference_sql() -> dict[str, str]:
    """Every model this work changed, as the reference commit had it (rendered like the loader does)."""
    from spinscope.schema.fragments import fragments

    names = subprocess.run(
        ["git", "-C", str(ROOT), "diff", "--name-only", REFERENCE, "--", "queries"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    out = {}
    for path in names:
        if not path.endswith(".sql"):
            continue
        shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{REFERENCE}:{path}"], capture_output=True, text=True)
        if shown.returncode == 0:
            out[path.removeprefix("queries/").removesuffix(".sql")] = Template(shown.stdout).substitute(fragments())
    return out


@contextmanager
def reference_path() -> Iterator[None]:
    """Run the reference commit's models and its per-window SLO counts instead of this tree's."""
    from spinscope.queries import loader
    from spinscope.slo import status

    old = reference_sql()
    current_sql, current_statuses = loader.sql, status.slo_statuses

    def sql(name: str) -> str:
        return old[name] if name in old else current_sql(name)

    def statuses(client: Any, specs: Any, at: datetime | None = None) -> Any:
        from spinscope.slo.evaluate import evaluate

        provider = status.StoreCounts(client)
        return [s for spec in specs for s in evaluate(spec, provider.counts, at or datetime.now(UTC))]

    loader.sql = sql  # type: ignore[assignment]
    status.slo_statuses = statuses  # type: ignore[assignment]
    try:
        yield
    finally:
        loader.sql = current_sql  # type: ignore[assignment]
        status.slo_statuses = current_statuses  # type: ignore[assignment]


def drop_caches(client: Any) -> None:
    from spinscope.slo import status

    forget = getattr(status, "forget_series", None)
    if forget is not None:
        forget()
    for what in ("MARK CACHE", "UNCOMPRESSED CACHE"):
        with suppress(Exception):
            client.command(f"SYSTEM DROP {what}")


def timed(case: Case, client: Any, config: Any, end: datetime) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = case(client, config, end)
    return time.perf_counter() - started, answer


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]


def measure(case: Case, client: Any, config: Any, end: datetime, runs: int) -> tuple[float, list[float], Any]:
    drop_caches(client)
    cold, answer = timed(case, client, config, end)
    warm = [timed(case, client, config, end)[0] for _ in range(runs)]
    return cold, warm, answer


def same(a: Any, b: Any) -> bool:
    from spinscope.jsonout import plain

    return json.dumps(plain(a), sort_keys=True, default=str) == json.dumps(plain(b), sort_keys=True, default=str)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=5, help="store size in millions of spins (default 5)")
    parser.add_argument("--runs", type=int, default=5, help="warm calls per request (default 5)")
    parser.add_argument("--only", nargs="*", help="only these requests (names as printed)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference path")
    args = parser.parse_args()

    from spinscope.configuration import load_config

    bench = build_or_reuse(args.size)
    opened = time.perf_counter()
    store = bench.open()
    print(
        f"{bench.path}: {bench.manifest['spins']:,} spins; opened and migrated in {time.perf_counter() - opened:.1f} s"
    )
    client = store.client()
    config = load_config()
    end = datetime.fromtimestamp(bench.end_ns / 1e9, UTC)
    todo = {k: v for k, v in cases().items() if not args.only or k in args.only}
    print(
        f"{'request':<18} {'cold':>7} {'p50':>7} {'p95':>7} {'/300ms':>7}"
        f" | {'ref cold':>8} {'ref p95':>8} {'new/ref':>7}  same"
    )
    worst = 0.0
    for name, case in todo.items():
        cold, warm, answer = measure(case, client, config, end, args.runs)
        line = (
            f"{name:<18} {cold * 1e3:>6.0f}m {statistics.median(warm) * 1e3:>6.0f}m {p95(warm) * 1e3:>6.0f}m"
            f" {p95(warm) / TARGET_S:>7.2f}"
        )
        worst = max(worst, p95(warm))
        if not args.no_reference:
            with reference_path():
                ref_cold, ref_warm, ref_answer = measure(case, client, config, end, args.runs)
            line += (
                f" | {ref_cold * 1e3:>7.0f}m {p95(ref_warm) * 1e3:>7.0f}m {p95(warm) / p95(ref_warm):>7.2f}"
                f"  {'yes' if same(answer, ref_answer) else 'NO'}"
            )
        print(line, flush=True)
    store.close()
    print(f"worst warm p95: {worst * 1e3:.0f} ms = {worst / TARGET_S:.2f} of the {TARGET_S * 1e3:.0f} ms target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
