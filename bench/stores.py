"""Benchmark stores: demo histories of a given size, built once and reused by the scale benchmarks.

A store of N million spins is the demo generator's history at its default density
(`DEFAULT_SPINS_PER_DAY`, ~1.43 M a day), so 5 M is ~3.5 days and 50 M ~5 weeks, with the
last day written with its child spans (as `serve --demo` writes its last hour) and a
uniform 5 % sample of child spans before that. The history ends at a fixed instant
(`END`), so every build of a size holds the same rows and the benchmarks query windows
anchored at the store's end, never at "now".

Building 50 M takes tens of minutes on the 2-core machine, so a finished store is kept
under `~/.cache/spinscope-bench/` (or `$SPINSCOPE_BENCH_STORES`) with a `manifest.json`
written last: a directory without it is an interrupted build and is rebuilt. Opening a
store runs `migrate`, so a store built before a new rollup gets the rollup's backfill,
as an operator's store would on upgrade.

Usage: python bench/stores.py 5 50      (build or reuse; prints path, size, load time)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spinscope.db import Store, open_store  # noqa: E402
from spinscope.schema.migrate import RenderOptions, migrate  # noqa: E402
from spinscope.sim.demo import DEFAULT_SPINS_PER_DAY, load_plan, plan_history  # noqa: E402

END = datetime(2026, 11, 30, tzinfo=UTC)
"""Every benchmark store ends here (a Monday, 00:00 UTC): same rows on every build."""

DETAIL_HOURS = 24.0
SEED = 0


def root() -> Path:
    return Path(os.environ.get("SPINSCOPE_BENCH_STORES", Path.home() / ".cache" / "spinscope-bench"))


@dataclass(frozen=True)
class BenchStore:
    path: Path
    millions: float
    manifest: dict

    @property
    def end_ns(self) -> int:
        return int(self.manifest["end_ns"])

    @property
    def start_ns(self) -> int:
        return int(self.manifest["start_ns"])

    def open(self) -> Store:
        """Open and migrate (a new migration's backfill runs here, once)."""
        store = open_store(f"chdb://{self.path}", database="spinscope")
        migrate(store.client(), RenderOptions(database="spinscope"), log=lambda *_: None)
        return store


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_or_reuse(millions: float, log=print) -> BenchStore:
    """The store of `millions` million spins, built if missing or interrupted."""
    path = root() / f"store-{millions:g}m"
    manifest_path = path / "manifest.json"
    if manifest_path.exists():
        return BenchStore(path, millions, json.loads(manifest_path.read_text()))
    if path.exists():
        log(f"{path}: no manifest (interrupted build); rebuilding")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    days = millions * 1_000_000 / DEFAULT_SPINS_PER_DAY
    plan = plan_history(days, DEFAULT_SPINS_PER_DAY, SEED, None, END)
    log(f"building {path}: {days:.2f} days, ~{plan.expected_spins:,} spins")
    store = open_store(f"chdb://{path}", database="spinscope")
    migrate(store.client(), RenderOptions(database="spinscope"), log=lambda *_: None)
    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            log(f"  {done:,} / ~{total:,} spins")

    result = load_plan(store, plan, progress, detail_hours=DETAIL_HOURS)
    spins = int(store.client().command("SELECT count() FROM spins"))
    store.close()
    manifest = {
        "spins": spins,
        "spans": result.spans,
        "logs": result.logs,
        "days": days,
        "start_ns": plan.start_ns,
        "end_ns": plan.end_ns,
        "load_seconds": round(result.seconds, 1),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return BenchStore(path, millions, manifest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("millions", type=float, nargs="+", help="store sizes in millions of spins")
    args = parser.parse_args()
    for m in args.millions:
        s = build_or_reuse(m)
        size = disk_bytes(s.path)
        print(
            f"{s.path}: {s.manifest['spins']:,} spins, {size / 1e9:.2f} GB on disk "
            f"({size / max(s.manifest['spins'], 1):.0f} bytes/spin), loaded in {s.manifest['load_seconds']} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
