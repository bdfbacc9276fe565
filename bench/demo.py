"""Benchmark: `spinscope demo` history load, a week of ~10 million spins.

Target (issue #3): one week of ~10 million spins loaded in <= 2 minutes on the 2-core
machine. Loads into a fresh embedded store (own temporary data directory, migrated),
then checks that `spins` holds every spin, and prints spins loaded, seconds, spins/s
and the ratio of the time to the 120-second target (<= 1.0 meets it).

Usage: python bench/demo.py [--days 7] [--spins-per-day 1430000] [--writers 2] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spinscope.db import open_store  # noqa: E402
from spinscope.schema.migrate import RenderOptions, migrate  # noqa: E402
from spinscope.sim.demo import DEFAULT_SPINS_PER_DAY, DEFAULT_WRITERS, load_history  # noqa: E402

TARGET_S = 120.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--spins-per-day", type=int, default=DEFAULT_SPINS_PER_DAY)
    parser.add_argument("--writers", type=int, default=DEFAULT_WRITERS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenario", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="spinscope-bench-demo-") as tmp:
        store = open_store(f"chdb://{tmp}", database="spinscope")
        migrate(store.client(), RenderOptions(database="spinscope"), log=lambda *_: None)
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 5:
                last[0] = now
                print(f"  {done:,} / ~{total:,} spins", flush=True)

        result = load_history(
            store,
            days=args.days,
            spins_per_day=args.spins_per_day,
            seed=args.seed,
            scenario=args.scenario,
            progress=progress,
            writers=args.writers,
        )
        stored = int(store.client().command("SELECT count() FROM spins"))
        store.close()

    print(f"spins loaded:   {result.spins:,} ({stored:,} rows in spins; {result.spans:,} spans, {result.logs:,} logs)")
    print(f"seconds:        {result.seconds:.1f}")
    print(f"spins/s:        {result.spins_per_s:,.0f}")
    scaled = result.seconds * 10_000_000 / max(result.spins, 1)
    print(
        f"ratio vs 2-minute target: {result.seconds / TARGET_S:.2f} "
        f"(time for 10 million spins at this rate: {scaled:.0f} s, ratio {scaled / TARGET_S:.2f})"
    )
    if stored != result.spins:
        print("MISMATCH: spins table does not hold every loaded spin", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
