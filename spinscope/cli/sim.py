"""`sim`, `demo` and `catalog build`: simulated traffic, simulated history, and the catalog from the game math."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spinscope import jsonout
from spinscope.cli.options import add_store_args, config_of, open_args, render_options


def register(sub: argparse._SubParsersAction) -> None:
    sim = sub.add_parser("sim", help="Send live simulated slot traffic (real OpenTelemetry SDK) to an OTLP endpoint.")
    sim.add_argument(
        "--endpoint",
        default="http://127.0.0.1:4318",
        help="OTLP/HTTP base URL (http://host:4318) or, with --protocol grpc, host:4317.",
    )
    sim.add_argument("--protocol", choices=["http", "grpc"], default="http")
    sim.add_argument("--rate", type=float, default=20.0, help="Spins per second (default 20).")
    sim.add_argument("--duration", type=float, default=60.0, help="Seconds to run (default 60).")
    sim.add_argument("--scenario", help="Fault scenario name (sim/scenarios/*.yaml) or file.")
    sim.add_argument("--seed", type=int, help="Random seed (default: the current time).")
    sim.add_argument("--token", help="Bearer token, when the receiver requires one.")
    sim.set_defaults(handler=cmd_sim)

    demo = sub.add_parser("demo", help="Fill the store with days of simulated history, quickly.")
    add_store_args(demo)
    demo.add_argument("--days", type=float, default=7.0)
    demo.add_argument("--spins-per-day", type=int, default=1_430_000, help="Default ~10 million spins a week.")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--scenario", help="Fault scenario name (sim/scenarios/*.yaml) or file.")
    demo.add_argument("--manifest", help="Write the scenario's ground-truth manifest (JSON) here.")
    demo.set_defaults(handler=cmd_demo)

    catalog = sub.add_parser("catalog", help="The game catalog (theoretical RTP and volatility).")
    cat_sub = catalog.add_subparsers(dest="catalog_command", required=True, metavar="SUBCOMMAND")
    build = cat_sub.add_parser("build", help="Write games.yaml from par sheets (their exact, verified math).")
    build.add_argument(
        "parsheets",
        nargs="*",
        metavar="GAME.yaml",
        help="Par sheets to list (default: the simulator's shipped games). Declared figures must hold.",
    )
    build.add_argument("--out", default="config/games.yaml", help="Where to write the catalog.")
    build.set_defaults(handler=cmd_catalog_build)


def cmd_sim(args: argparse.Namespace) -> int:
    import signal
    import threading
    import time

    from spinscope.sim.traffic import run_live

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    seed = args.seed if args.seed is not None else int(time.time())
    print(
        f"spinscope: sending ~{args.rate:g} spins/s to {args.endpoint} for {args.duration:g}s (seed {seed})",
        file=sys.stderr,
    )
    result = run_live(
        args.endpoint,
        args.rate,
        args.duration,
        protocol=args.protocol,
        scenario=args.scenario,
        seed=seed,
        stop=stop,
        token=args.token,
    )
    print(f"spinscope: sent {result.spins:,} spins ({result.errors:,} failed spins)", file=sys.stderr)
    print(jsonout.dumps(result.manifest, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from spinscope.progress import ProgressBar
    from spinscope.schema.migrate import migrate
    from spinscope.sim.demo import load_history

    store = open_args(args)
    try:
        migrate(store.client(), render_options(args), log=lambda line: None, currencies=config_of(args).currencies)
        bar = ProgressBar("demo history")
        result = load_history(
            store,
            days=args.days,
            spins_per_day=args.spins_per_day,
            seed=args.seed,
            scenario=args.scenario,
            progress=bar,
        )
        bar.finish()
    finally:
        store.close()
    print(
        f"spinscope: loaded {result.spins:,} spins in {result.seconds:.1f} s "
        f"({result.spins / max(result.seconds, 1e-9):,.0f} spins/s)"
    )
    if args.manifest:
        Path(args.manifest).write_text(jsonout.dumps(result.manifest, indent=2) + "\n")
        print(f"spinscope: wrote the scenario manifest to {args.manifest}")
    return 0


def cmd_catalog_build(args: argparse.Namespace) -> int:
    from spinscope.catalog import write_catalog
    from spinscope.gamemath.verify import catalog_games
    from spinscope.sim.games.parsheet import load_parsheet
    from spinscope.sim.games.registry import shipped_parsheets

    sheets = [load_parsheet(p) for p in args.parsheets] if args.parsheets else list(shipped_parsheets())
    write_catalog(args.out, catalog_games(sheets))
    print(f"spinscope: wrote {args.out} ({len(sheets)} game versions)")
    return 0
