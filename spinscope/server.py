"""`spinscope serve` / `spinscope ingest`: one process hosting the receivers and the HTTP API.

The embedded store admits one process per data directory, so everything that
needs the store lives in this process: OTLP/HTTP (and the API, on the same port),
OTLP/gRPC, and the writer thread. Shutdown order keeps every acknowledged record:
stop accepting (HTTP, then gRPC with a grace period for in-flight calls), drain the
write queue, close the store.
"""

from __future__ import annotations

import faulthandler
import gc
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import grpc
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from spinscope.access import AccessPolicy, AuthMiddleware
from spinscope.configuration import LiveConfig
from spinscope.db import Store
from spinscope.ingest.admission import BodyBudget
from spinscope.ingest.batcher import Batcher
from spinscope.ingest.grpc_receiver import start_grpc
from spinscope.ingest.http_receiver import otlp_routes
from spinscope.ingest.pipeline import Pipeline
from spinscope.ingest.writer import StoreWriter

log = logging.getLogger("spinscope")


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    otlp_http_port: int = 4318
    otlp_grpc_port: int = 4317
    token: str | None = None
    api: bool = True  # serve /api/v1/* (`spinscope ingest` does not: it runs with the writer's rights)
    max_body_bytes: int = 64 * 1024 * 1024
    queue_max_rows: int = 400_000
    body_budget_bytes: int = 128 * 1024 * 1024
    batch_max_rows: int = 50_000
    batch_interval_s: float = 0.05


def build_http_app(
    pipeline: Pipeline,
    store: Store,
    opts: ServeOptions,
    config: LiveConfig,
    extra_routes: list[Route] | None = None,
    policy: AccessPolicy | None = None,
) -> Starlette:
    """The HTTP app; every route passes spinscope.access's role check (the receivers' token included)."""

    async def healthz(request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "queue_rows": pipeline.batcher.queued_rows,
                "store": "embedded" if store.embedded else "server",
            }
        )

    async def metrics(request: Request) -> Response:
        from spinscope.alerts.metrics import prometheus as alert_metrics
        from spinscope.audit import prometheus as audit_metrics

        return PlainTextResponse(
            pipeline.prometheus() + alert_metrics() + audit_metrics(), media_type="text/plain; version=0.0.4"
        )

    from spinscope.alerts.api import silence_routes
    from spinscope.api import answer, api_routes

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        *(api_routes(store, config) if opts.api else []),
        *(silence_routes(store, answer) if opts.api else []),
        Route("/metrics", metrics, methods=["GET"]),
        *otlp_routes(pipeline, None, opts.max_body_bytes),  # the middleware checks the ingest role
        *(extra_routes or []),
    ]
    from spinscope.audit import denied_recorder, token_use_recorder

    policy = policy or AccessPolicy(config, opts.token)
    guard = Middleware(
        AuthMiddleware,
        policy=policy,
        routes=lambda: routes,
        on_denied=denied_recorder(store),
        on_admitted=token_use_recorder(store),
    )
    return Starlette(routes=routes, middleware=[guard])


def build_api_app(store: Store, config: LiveConfig, policy: AccessPolicy | None = None) -> Starlette:
    """The JSON API alone (`spinscope api`): /healthz and /api/v1/*, behind the same role check.

    Run as ClickHouse's read-only user, it cannot write whatever a request asks.
    """
    from spinscope.api import api_routes
    from spinscope.audit import denied_recorder, token_use_recorder

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "store": "embedded" if store.embedded else "server"})

    routes = [Route("/healthz", healthz, methods=["GET"]), *api_routes(store, config)]
    guard = Middleware(
        AuthMiddleware,
        policy=policy or AccessPolicy(config),
        routes=lambda: routes,
        on_denied=denied_recorder(store),
        on_admitted=token_use_recorder(store),
    )
    return Starlette(routes=routes, middleware=[guard])


class Service:
    """The receivers, writer and HTTP app on one store; start() returns once listening."""

    def __init__(
        self,
        store: Store,
        opts: ServeOptions,
        config: LiveConfig | None = None,
        extra_routes: list[Route] | None = None,
    ) -> None:
        self.store = store
        self.opts = opts
        self.config = config or LiveConfig.load()
        self.batcher = Batcher(StoreWriter(store), opts.queue_max_rows, opts.batch_max_rows, opts.batch_interval_s)
        self.pipeline = Pipeline(self.batcher, BodyBudget(opts.body_budget_bytes))
        self.policy = AccessPolicy(self.config, opts.token)
        self.app = build_http_app(self.pipeline, store, opts, self.config, extra_routes, self.policy)
        self.grpc_port = 0
        self.http_port = 0
        self._grpc: grpc.Server | None = None
        self._http: uvicorn.Server | None = None
        self._http_thread: threading.Thread | None = None

    def start(self) -> None:
        opts = self.opts
        self._grpc, self.grpc_port = start_grpc(
            self.pipeline, opts.host, opts.otlp_grpc_port, self.policy.grpc_check, opts.max_body_bytes
        )
        config = uvicorn.Config(
            self.app,
            host=opts.host,
            port=opts.otlp_http_port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=30,
            lifespan="off",
        )
        self._http = uvicorn.Server(config)
        # uvicorn installs signal handlers only on the main thread; here the caller owns signals.
        self._http_thread = threading.Thread(target=self._http.run, name="otlp-http", daemon=True)
        self._http_thread.start()
        while not self._http.started:
            if not self._http_thread.is_alive():
                self._grpc.stop(0)
                self.batcher.close()
                raise OSError(f"cannot listen for OTLP/HTTP on {opts.host}:{opts.otlp_http_port}")
            time.sleep(0.02)
        self.http_port = self._http.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Stop accepting, let in-flight requests finish, drain the queue. The store stays open."""
        if self._http is not None and self._http_thread is not None:
            self._http.should_exit = True
            self._http_thread.join(timeout=35)
        if self._grpc is not None:
            self._grpc.stop(grace=10).wait()
        self.batcher.close()


# Background jobs (the demo's history load, live traffic) stop at `stop`, but an insert in flight
# cannot be cut short: on a busy machine one demo window (200k spins) takes several seconds.
BACKGROUND_GRACE_S = 60.0

# Receiving allocates a dict per span (its attributes) at up to ~100k a second. At CPython's
# default (a young-generation collection every 700 new containers) collections took a third
# of the decoding time, mostly re-scanning rows waiting in the write queue. Those rows hold no
# cycles and leave within a second, so collecting young objects every 50k is as safe and cheap.
GC_YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Collect garbage less often, and never re-scan what was loaded at start-up (modules, settings)."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def job_name(job: Callable[..., object]) -> str:
    """A background job's thread name: its factory's name (`alert_job`, `serve_demo_job`)."""
    return getattr(job, "__qualname__", "job").split(".<locals>")[0]


def join_background(workers: list[threading.Thread], grace_s: float, report_every_s: float = 10.0) -> None:
    """Wait for the background jobs to honour `stop`, saying which ones a slow stop waits for.

    A stop that hangs is otherwise silent; past the grace period the jobs' stacks go to stderr
    (where each thread is stuck) and shutdown goes on: the threads are daemons."""
    began = time.monotonic()
    next_report = report_every_s
    while running := [w for w in workers if w.is_alive()]:
        waited = time.monotonic() - began
        names = ", ".join(w.name for w in running)
        if waited >= grace_s:
            print(f"spinscope: {names} still running {waited:.0f} s after the stop; stacks on stderr", flush=True)
            faulthandler.dump_traceback(all_threads=True)
            return
        if waited >= next_report:
            print(f"spinscope: waiting for {names} to stop ({waited:.0f} s)", flush=True)
            next_report += report_every_s
        running[0].join(timeout=0.1)


def serve(
    store: Store,
    opts: ServeOptions,
    config: LiveConfig,
    extra_routes: list[Route] | None = None,
    background: list[Callable[[threading.Event], None]] | None = None,
    ui_port: int | None = 8501,
) -> None:
    """Run until SIGINT/SIGTERM, then shut down without losing acknowledged data.

    With `ui_port`, the Streamlit app runs in this process too, on the same opened store
    (the embedded engine admits one process per data directory).
    """
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: config.reload())
    service = Service(store, opts, config, extra_routes)
    tune_gc()
    try:
        service.start()
        api = f"http://{opts.host}:{service.http_port}"
        store.announce(api=api)
        print(f"spinscope: OTLP/HTTP and the JSON API on {api} (/v1/*, /api/v1/*, /healthz, /metrics)", flush=True)
        print(f"spinscope: OTLP/gRPC on {opts.host}:{service.grpc_port}", flush=True)
        app = None
        if ui_port is not None:
            from spinscope.ui import run_app

            app = run_app(store, opts.host, ui_port, config)
            print(f"spinscope: the app on {app.url}", flush=True)
        workers = [
            threading.Thread(target=job, args=(stop,), name=job_name(job), daemon=True) for job in background or []
        ]
        for worker in workers:
            worker.start()
        print("spinscope: ready (Ctrl-C to stop)", flush=True)
        # Waking every second: a signal the kernel hands to another thread (the engine runs many)
        # only sets a flag; a main thread blocked in a wait without timeout would not run the handler.
        while not stop.wait(1.0):
            pass
        print("spinscope: shutting down: finishing in-flight requests and draining the write queue", flush=True)
        join_background(workers, BACKGROUND_GRACE_S)  # the store closes only after they return
        if app is not None:
            app.stop()
        service.stop()
    finally:
        store.close()
    print("spinscope: stopped cleanly", flush=True)
