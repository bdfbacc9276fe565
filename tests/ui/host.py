"""Host the app the way `spinscope serve` does: receivers and the app in one process, one embedded store.

    python -m tests.ui.host --data-dir DIR --ui-port PORT [--days 1 --spins-per-day 20000]

Opens (and migrates) the store, loads demo history into an empty one, starts the Service
(OTLP/HTTP + API on an ephemeral port) and spinscope.ui.run_app on the same Store, prints
`READY <app url> <api url>`, and runs until SIGTERM/SIGINT. Used by the browser tests and
bench/app.py.
"""

from __future__ import annotations

import argparse
import signal
import threading

from spinscope.db import open_store
from spinscope.schema.migrate import RenderOptions, migrate
from spinscope.server import ServeOptions, Service
from spinscope.ui import run_app


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--ui-port", type=int, default=0)
    parser.add_argument("--days", type=float, default=1)
    parser.add_argument("--spins-per-day", type=int, default=20_000)
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--config", default=None, help="Config folder (default: the shipped one).")
    args = parser.parse_args()

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    store = open_store("chdb://" + args.data_dir)
    migrate(store.client(), RenderOptions(database=store.database), log=lambda *_: None)
    from spinscope.sim.demo import has_spins, load_history

    if not has_spins(store):
        load_history(store, days=args.days, spins_per_day=args.spins_per_day, seed=1, scenario=args.scenario)
    from spinscope.configuration import LiveConfig

    config = LiveConfig.load(args.config)
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0), config)
    service.start()
    app = run_app(store, "127.0.0.1", args.ui_port, config)
    print(f"READY {app.url} http://127.0.0.1:{service.http_port}", flush=True)
    stop.wait()
    app.stop()
    service.stop()
    store.close()
    print("STOPPED", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
