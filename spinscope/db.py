"""The one way spinscope reaches ClickHouse: clickhouse-connect, embedded (chdb://) or remote (http[s]://).

The embedded engine admits one process per data directory. spinscope takes an
exclusive lock file in that directory before opening the engine, so a second
process fails with one clear line naming the holder instead of an engine traceback.
This module holds connection and locking only; it knows no table.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import clickhouse_connect
from clickhouse_connect.driver.client import Client

from spinscope.errors import Unavailable, UserError

LOCK_NAME = "spinscope.lock"


class StoreError(Unavailable):
    """A store problem with a message fit for one line on a terminal."""


class StoreLocked(StoreError):
    """The embedded store is held by another process; `holder` is what that process announced."""

    def __init__(self, message: str, holder: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.holder = holder or {}


class QueryLimit(UserError):
    """A read query stopped at a limit (time, memory, result rows): the fix is a narrower question."""


# ClickHouse error codes of the read limits, and the answer each deserves: too many rows is the
# question's fault (400); time and memory also depend on the load of the moment (503: retry or narrow).
_LIMIT_CODES = {
    "159": ("took longer than the {} s limit", 503),  # TIMEOUT_EXCEEDED
    "241": ("needed more memory than the limit", 503),  # MEMORY_LIMIT_EXCEEDED
    "396": ("returns more rows than the {} limit", 400),  # TOO_MANY_ROWS_OR_BYTES
    "158": ("returns more rows than the {} limit", 400),  # TOO_MANY_ROWS
}


def read_settings() -> dict[str, Any]:
    """What every read query runs with: read-only, bounded in time, memory and result rows.

    `readonly` comes last: the embedded engine applies a client's settings one by one, and once
    read-only no other setting may change.
    """
    from spinscope.settings import resolve

    return {
        "max_execution_time": resolve("query_max_seconds"),
        "timeout_overflow_mode": "throw",
        "max_memory_usage": resolve("query_max_memory_bytes"),
        "max_result_rows": resolve("query_max_result_rows"),
        "result_overflow_mode": "throw",
        "readonly": 1,
    }


def _apply_server_read_settings(client: Client) -> None:
    """On a ClickHouse server, a read-only user's profile fixes its limits (docker/clickhouse/users.d):
    a setting the server marks read-only is left to it; the others are set on the client."""
    for key, value in read_settings().items():
        known = client.server_settings.get(key)
        if known is not None and known.readonly:
            continue
        client.set_client_setting(key, str(value))


def limit_error(exc: BaseException) -> QueryLimit | None:
    """The QueryLimit a store error stands for (a read past its limits), else None."""
    text = str(exc)
    for code, (problem, status) in _LIMIT_CODES.items():
        if f"Code: {code}." in text or f"code: {code}" in text.lower():
            settings = read_settings()
            bound = settings["max_execution_time"] if code == "159" else settings["max_result_rows"]
            error = QueryLimit(f"the query {problem.format(bound)}: narrow the window or filters")
            error.status = status
            return error
    return None


def quote_identifier(name: str) -> str:
    """The one helper that escapes identifiers: backticks, with backslash and backtick escaped."""
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def is_embedded(dsn: str) -> bool:
    return dsn.startswith("chdb:")


def embedded_path(dsn: str) -> Path:
    parsed = urlparse(dsn)
    location = parsed.netloc + parsed.path if parsed.netloc not in ("", "memory") else parsed.path
    if not location or location in (":memory:", "memory"):
        raise StoreError(f"store {dsn!r}: spinscope needs an on-disk embedded store, e.g. chdb:///var/lib/spinscope")
    return Path(location)


@dataclass
class _Lock:
    path: Path
    handle: Any
    info: dict[str, Any]

    def write(self) -> None:
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(json.dumps(self.info))
        self.handle.flush()


def _acquire_lock(data_dir: Path) -> _Lock:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    handle = open(path, "a+")  # noqa: SIM115 - held open for the life of the process
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        try:
            info = json.loads(holder)
            who = f"process {info.get('pid')} ({info.get('command', '?')}, since {info.get('since', '?')})"
        except ValueError:
            info, who = {}, "another process"
        raise StoreLocked(
            f"the embedded store {data_dir} is in use by {who}; the embedded engine admits one process "
            f"per data directory: stop that process, use its HTTP API, or pass another --data-dir",
            info,
        ) from None
    lock = _Lock(
        path,
        handle,
        {
            "pid": os.getpid(),
            "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:3]),
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    lock.write()
    return lock


@dataclass
class Store:
    """An opened store: the DSN, the database, and a factory for clients.

    Each thread that queries should own its client (`client()` caches one per
    thread): clickhouse-connect serialises calls on one client, and a shared
    HTTP client must not carry a session id.
    """

    dsn: str
    database: str
    _lock: _Lock | None = None
    _local: threading.local = field(default_factory=threading.local)
    _clients: list[Client] = field(default_factory=list)

    @property
    def embedded(self) -> bool:
        return is_embedded(self.dsn)

    def new_client(self, database: str | None = "", read_only: bool = False) -> Client:
        db = self.database if database == "" else database
        try:
            # Times are UTC everywhere: naive datetimes in and out mean UTC whatever the host's zone.
            settings: dict[str, Any] = {"session_timezone": "UTC"}
            if read_only and self.embedded:
                settings.update(read_settings())
            if self.embedded:
                client = clickhouse_connect.get_client(dsn=self.dsn, database=db, settings=settings)
            else:
                client = clickhouse_connect.get_client(
                    dsn=self.dsn, database=db, settings=settings, autogenerate_session_id=False
                )
            if read_only and not self.embedded:
                _apply_server_read_settings(client)
        except Exception as exc:  # clickhouse-connect raises several types; all mean "cannot connect"
            raise StoreError(f"cannot open the store {redact(self.dsn)}: {first_line(exc)}") from exc
        self._clients.append(client)
        return client

    def client(self) -> Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.new_client()
        return client

    def reader(self) -> Client:
        """This thread's read-only client, with the read limits (`read_settings`): for every query that
        answers a user (app, API, CLI reads, exports). Writers (ingest, migrations, audit) use `client()`."""
        client = getattr(self._local, "reader", None)
        if client is None:
            client = self._local.reader = self.new_client(read_only=True)
        return client

    def announce(self, **info: Any) -> None:
        """Tell other processes (through the lock file) how to reach this one, e.g. its API URL."""
        if self._lock is not None:
            self._lock.info.update(info)
            self._lock.write()

    def close(self) -> None:
        for client in self._clients:
            with contextlib.suppress(Exception):
                client.close()
        self._clients.clear()
        if self._lock is not None:
            self._lock.handle.close()
            self._lock = None


def redact(dsn: str) -> str:
    parsed = urlparse(dsn)
    if parsed.password:
        return dsn.replace(f":{parsed.password}@", ":***@")
    return dsn


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 240 else line[:237] + "..."


def open_store(dsn: str, database: str = "spinscope", create_database: bool = True) -> Store:
    """Open the store at `dsn`, locking an embedded data directory and creating the database if asked."""
    lock = _acquire_lock(embedded_path(dsn)) if is_embedded(dsn) else None
    store = Store(dsn=dsn, database=database, _lock=lock)
    try:
        bootstrap = store.new_client(database=None)
        exists = str(bootstrap.command(f"EXISTS DATABASE {quote_identifier(database)}")) == "1"
        if not exists and create_database:
            bootstrap.command(f"CREATE DATABASE IF NOT EXISTS {quote_identifier(database)}")
        elif not exists:
            raise StoreError(f"database {database!r} does not exist in {redact(dsn)}; run `spinscope db migrate`")
    except BaseException:
        store.close()
        raise
    return store
