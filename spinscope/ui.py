"""How the Streamlit app (app/main.py) is hosted: in this process, next to the receivers, or alone.

The embedded engine admits one process per data directory, so `spinscope serve` cannot let a
second process open the store for the app: `run_app` starts Streamlit's server on a thread of
the serving process and leaves the already opened `Store` in a module-level registry that the
app's data layer (`app/data.py`) reads. `spinscope app` (alone, against a ClickHouse server)
registers a DSN instead and the data layer opens it itself. Tests register a Store directly.

This module knows Streamlit's server only; it holds no query and no page.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from spinscope.configuration import LiveConfig
from spinscope.db import Store

APP_SCRIPT = Path(str(resources.files("spinscope.app").joinpath("main.py")))


@dataclass(frozen=True)
class Hosted:
    """What the app reads its data from: an opened Store (serve, tests) or a DSN to open (spinscope app)."""

    store: Store | None = None
    dsn: str | None = None
    database: str = "spinscope"
    config: LiveConfig | None = None


_hosted = Hosted()
_lock = threading.Lock()


def register(
    store_or_dsn: Store | str | None, config: LiveConfig | str | Path | None = None, database: str = "spinscope"
) -> Hosted:
    """Make `store_or_dsn` the app's data source in this process (replaces any earlier one).

    `config`: the serving process's LiveConfig, or a config folder to load (None: the shipped one).
    """
    global _hosted
    live = config if isinstance(config, LiveConfig) else LiveConfig.load(config)
    with _lock:
        if isinstance(store_or_dsn, Store):
            _hosted = Hosted(store=store_or_dsn, database=store_or_dsn.database, config=live)
        else:
            _hosted = Hosted(dsn=store_or_dsn, database=database, config=live)
        return _hosted


def hosted() -> Hosted:
    """The registered data source (empty `Hosted()` when nothing was registered)."""
    return _hosted


class AppServer:
    """Streamlit's server running on its own thread and event loop; `stop()` shuts it down."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.error: BaseException | None = None
        self._ready = threading.Event()
        self._done = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._thread = threading.Thread(target=self._run, name="streamlit-app", daemon=True)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 60) -> None:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise OSError(f"the Streamlit app did not listen on {self.host}:{self.port} within {timeout:.0f} s")
        if self.error is not None:
            raise OSError(f"cannot start the Streamlit app on {self.host}:{self.port}: {self.error}") from self.error

    def _run(self) -> None:
        from streamlit.web.server import Server

        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def main() -> None:
            self._server = Server(str(APP_SCRIPT), is_hello=False)
            await self._server.start()
            from streamlit import config

            self.port = int(config.get_option("server.port"))  # the real one when asked for port 0
            self._ready.set()
            await self._server.stopped

        try:
            loop.run_until_complete(main())
        except BaseException as exc:  # reported to start()'s caller; a thread has no one else to tell
            self.error = exc
        finally:
            self._ready.set()
            self._done.set()
            with contextlib.suppress(Exception):
                loop.close()

    def stop(self, timeout: float = 10) -> None:
        if self._loop is not None and self._server is not None and not self._done.is_set():
            with contextlib.suppress(RuntimeError):  # loop already closed
                self._loop.call_soon_threadsafe(self._server.stop)
        self._done.wait(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server has stopped; True when it has."""
        return self._done.wait(timeout)


def _configure(host: str, port: int, headless: bool) -> None:
    from streamlit import config
    from streamlit.web import bootstrap

    bootstrap.load_config_options(
        {
            "server.address": host,
            "server.port": port,
            "server.headless": headless,
            "server.fileWatcherType": "none",
            "server.runOnSave": False,
            "browser.gatherUsageStats": False,
            "client.toolbarMode": "minimal",
            "global.developmentMode": False,
            "logger.hideWelcomeMessage": True,
        }
    )
    from spinscope.settings import resolve

    secrets = resolve("app_secrets")
    if secrets:  # Streamlit's secrets file: its [auth] section configures st.login (spinscope.app.access)
        config.set_option("secrets.files", [str(Path(secrets).resolve())], "SPINSCOPE_APP_SECRETS")
    # A port given explicitly must be that port: no silent retry on the next one.
    config.set_option("server.port", port, "command-line argument or environment variable")
    bootstrap.prepare_streamlit_environment(str(APP_SCRIPT))


def run_app(
    store_or_dsn: Store | str,
    host: str = "127.0.0.1",
    port: int = 8501,
    config: LiveConfig | str | Path | None = None,
    headless: bool = True,
) -> AppServer:
    """Start the app in this process on host:port; returns once it listens (stop it with `.stop()`).

    `store_or_dsn`: the serving process's opened Store (`spinscope serve`), or a DSN the app opens
    itself (`spinscope app`). Signals stay with the caller: call `.stop()` on shutdown.
    """
    register(store_or_dsn, config)
    _configure(host, port, headless)
    server = AppServer(host, port)
    server.start()
    return server


def serve_app(
    dsn: str, host: str = "127.0.0.1", port: int = 8501, config: str | Path | None = None, headless: bool = True
) -> int:
    """`spinscope app`: the app alone until SIGINT/SIGTERM (main thread only)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    server = run_app(dsn, host, port, config, headless)
    print(f"spinscope: the app on {server.url}", flush=True)
    while not stop.is_set() and not server.wait(0.5):
        pass
    server.stop()
    return 0
