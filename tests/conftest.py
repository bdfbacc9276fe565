"""Shared fixtures.

The embedded engine admits one data directory per process, so the whole test
session shares one store (in a temporary directory) and each test that needs the
store gets its own freshly migrated database in it: a copy of one database migrated
once per session (tables, seed rows, then views). Tests that need a separate
process (locking, SIGTERM, restart) run `spinscope` as a subprocess on its own
data directory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from spinscope.db import Store, open_store
from spinscope.schema.migrate import RenderOptions, load_migrations, migrate
from spinscope.server import ServeOptions, Service

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store("chdb://" + str(tmp_path_factory.mktemp("store")), database="spinscope_test")
    yield store
    store.close()


@contextmanager
def fresh_database(session_store: Store) -> Iterator[Store]:
    """A Store on a new database of the session's engine with no schema, dropped afterwards."""
    database = "t_" + uuid.uuid4().hex[:12]
    admin = session_store.new_client(database=None)
    admin.command(f"CREATE DATABASE {database}")
    fresh = Store(dsn=session_store.dsn, database=database)
    try:
        yield fresh
    finally:
        fresh.close()
        admin.command(f"DROP DATABASE IF EXISTS {database} SYNC")


def roll_back(client, versions: Collection[int], views: Iterable[str], tables: Iterable[str]) -> None:  # type: ignore[no-untyped-def]
    """Take a migrated database back to before migrations `versions`, for an upgrade test: their history rows
    deleted, then the views they created and the tables those filled dropped (views first, so none outlives
    its table). The next `migrate` applies them again, backfills included."""
    for m in load_migrations():
        if m.version in versions:
            client.command(f"DELETE FROM spinscope_schema_migrations WHERE version = {m.version}")
    for name in views:
        client.command(f"DROP VIEW IF EXISTS {name}")
    for name in tables:
        client.command(f"DROP TABLE IF EXISTS {name}")


@pytest.fixture(scope="session")
def migrated_template(session_store: Store) -> Iterator[str]:
    """A database migrated once per session, which `store` copies: running every migration costs ~1 s, and
    some 180 tests take a fresh store (a sixth of the default run)."""
    with fresh_database(session_store) as template:
        migrate(template.client(), RenderOptions(database=template.database), log=lambda *_: None)
        yield template.database


def copy_database(admin, source: str, target: str) -> None:  # type: ignore[no-untyped-def]
    """`source`'s tables with their rows (the seeded ones: migration history, currency scales), then its views,
    created after the rows so that the copy fires none. Each object is created from the engine's own
    statement for it (migrations' later ALTERs included), the database name replaced."""
    objects = admin.query(
        "SELECT name, engine = 'MaterializedView' AS is_view, create_table_query, total_rows FROM system.tables"
        " WHERE database = {database:String} ORDER BY is_view, name",
        parameters={"database": source},
    ).result_rows
    for name, _, statement, rows in objects:
        admin.command(statement.replace(f"{source}.", f"{target}."))
        if rows:
            admin.command(f"INSERT INTO {target}.{name} SELECT * FROM {source}.{name}")


@pytest.fixture
def store(session_store: Store, migrated_template: str) -> Iterator[Store]:
    """A Store on a fresh, migrated database of the session's engine (a copy of `migrated_template`)."""
    with fresh_database(session_store) as fresh:
        copy_database(session_store.new_client(database=None), migrated_template, fresh.database)
        yield fresh


@pytest.fixture
def empty_store(session_store: Store) -> Iterator[Store]:
    """Another fresh database, with no schema: upgrade tests migrate it to the version they start from
    (and a test comparing two stores gets one apart from `store`)."""
    with fresh_database(session_store) as fresh:
        yield fresh


@pytest.fixture
def store_client(store: Store):  # type: ignore[no-untyped-def]
    return store.client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_service(store: Store) -> Iterator[Service]:
    """Receivers on real loopback sockets (ephemeral ports), writing to a fresh database."""
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, batch_interval_s=0.05))
    service.start()
    yield service
    service.stop()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spinscope.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )


class ServeProcess:
    """`spinscope serve` in a subprocess on its own data directory."""

    def __init__(self, data_dir: Path, extra: tuple[str, ...] = (), env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.http_port = free_port()
        self.grpc_port = free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "spinscope.cli",
                "serve",
                "--no-ui",
                "--data-dir",
                str(data_dir),
                "--otlp-http-port",
                str(self.http_port),
                "--otlp-grpc-port",
                str(self.grpc_port),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=REPO,
            env={**os.environ, **(env or {})},
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited early: {self.proc.stdout.read() if self.proc.stdout else ''}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.http_port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError("serve did not become healthy")

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def stop(self, timeout: float = 60) -> str:
        import signal

        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=timeout)
        return out
