"""The audit trail: who exported, silenced, logged in (or failed to), when, and from where.

`record(who, action, what, where)` appends one row to `audit_log` (migration 0060) through the
store's writing client; features call it with the identity spinscope.access admitted (or the
app's signed-in user). Reading it is the operator-only `audit` endpoint (`GET /api/v1/audit`,
`spinscope audit`). Recording never raises into the caller's request: a failed write is logged,
because refusing an export for want of its audit row would trade one outage for another; the
log line carries the row so nothing is lost silently.

Rows go through the store's writing client, or, when `SPINSCOPE_AUDIT_STORE` names one, through a
ClickHouse user that may only INSERT into audit_log (docker/clickhouse/users.d: spinscope_audit), so
the app and the JSON API can run as the read-only user and still leave their trail.

Refused requests are rate-limited (`RefusalLimiter`): at most `SPINSCOPE_AUDIT_REFUSALS_PER_MINUTE`
rows a minute per client address and reason; the refusals past that are counted and written as one
`<reason>_suppressed` row when the minute closes, and `/metrics` counts them
(`spinscope_audit_refusals_total`), so a token-guessing flood costs a few rows a minute, not one each.

Successful token use is sampled (`TokenUseSampler`): a token's first admitted request in an hour is
recorded as `token_used`, with how many requests it made since its previous row, so an operator can
see which tokens are alive and from where without a row per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from spinscope.db import Store, first_line, quote_identifier
from spinscope.settings import resolve

log = logging.getLogger("spinscope.audit")

TABLE = "audit_log"
COLUMNS = ("at", "who", "action", "what", "client_address")
# Given with each insert, so the client need not DESCRIBE the table (the audit user may only INSERT).
COLUMN_TYPES = ("DateTime64(3, 'UTC')", "String", "LowCardinality(String)", "String", "String")
# Actions recorded by spinscope itself; features may add their own (e.g. `silence.create`).
EXPORT = "export"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
DENIED = "denied"
TOKEN_USED = "token_used"


_AUDIT_STORES: dict[tuple[str, str], Store] = {}
_AUDIT_STORES_LOCK = threading.Lock()


def writer(store: Store | Any) -> Any:
    """The client audit rows go through: the audit store's (SPINSCOPE_AUDIT_STORE, same database) when
    set, else the store's writing client; a client given instead of a Store is used as it is."""
    if not isinstance(store, Store):
        return store
    dsn = resolve("audit_store")
    if not dsn:
        return store.client()
    with _AUDIT_STORES_LOCK:
        audit = _AUDIT_STORES.get((dsn, store.database))
        if audit is None:  # no open_store: the audit user may not even ask whether the database exists
            audit = _AUDIT_STORES[(dsn, store.database)] = Store(dsn=dsn, database=store.database)
    return audit.client()


def record(store: Store | Any, who: str, action: str, what: str, where: str, at: datetime | None = None) -> bool:
    """Append one audit row; `store` is a Store (see `writer`) or a client. True once stored."""
    row = [at or datetime.now(UTC), who[:200], action[:100], what[:2000], where[:200]]
    try:
        writer(store).insert(
            quote_identifier(TABLE), [row], column_names=list(COLUMNS), column_type_names=list(COLUMN_TYPES)
        )
        return True
    except Exception as exc:  # e.g. a read-only store user: one line each, not a traceback per refused token
        log.warning("audit row not stored (%s): %s", first_line(exc), row)
        return False


# ---------------------------------------------------------------- refusals, rate-limited

REFUSALS: Counter[str] = Counter()  # outcome -> refusals, for /metrics (every limiter of the process)
MAX_SOURCES = 10_000  # distinct (address, reason) windows tracked; past it, one shared window per reason


@dataclass
class _Window:
    start: float
    recorded: int = 0
    suppressed: int = 0
    first_suppressed: float = 0.0
    last_suppressed: float = 0.0
    last_what: str = ""
    who: str = ""


class RefusalLimiter:
    """At most `per_window` audit rows per `window_s` for each (client address, reason); the rest are
    counted and summarised in one `<reason>_suppressed` row when their window closes.

    `write(who, action, what, where, at)` stores a row (spinscope.audit.record on a store). Windows
    close on the next refusal after their end or on a timer, whichever comes first; `flush()` closes
    every window that has ended (and `close()` every window, at shutdown)."""

    def __init__(
        self,
        write: Callable[[str, str, str, str, datetime], bool],
        per_window: int | None = None,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.time,
        timer: bool = True,
    ) -> None:
        self.write = write
        self.per_window = int(resolve("audit_refusals_per_minute")) if per_window is None else per_window
        self.window_s = window_s
        self.clock = clock
        self.timer = timer
        self._windows: dict[tuple[str, str], _Window] = {}
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def offer(self, who: str, action: str, what: str, where: str) -> bool:
        """One refused request; True when it got its own audit row."""
        now = self.clock()
        self.flush(now)
        with self._lock:
            key = (where, action)
            if key not in self._windows and len(self._windows) >= MAX_SOURCES:
                key = ("*", action)  # a flood from many addresses shares one window per reason
            window = self._windows.get(key)
            if window is None or now >= window.start + self.window_s:
                window = self._windows[key] = _Window(now)
            admitted = window.recorded < self.per_window
            if admitted:
                window.recorded += 1
            else:
                window.suppressed += 1
                window.first_suppressed = window.first_suppressed or now
                window.last_suppressed, window.last_what, window.who = now, what, who
                self._schedule(window.start + self.window_s - now)
        if not admitted:
            REFUSALS["suppressed"] += 1
            return False
        stored = self.write(who, action, what, where, datetime.fromtimestamp(now, UTC))
        REFUSALS["recorded" if stored else "unstored"] += 1
        return stored

    def flush(self, now: float | None = None, everything: bool = False) -> int:
        """Write the summary row of every window that has closed (all of them with `everything`);
        returns how many summary rows were written."""
        now = self.clock() if now is None else now
        with self._lock:
            closed = [(key, w) for key, w in self._windows.items() if everything or now >= w.start + self.window_s]
            for key, _ in closed:
                del self._windows[key]
        written = 0
        for (where, action), w in closed:
            if w.suppressed:
                written += self.write(w.who, action + "_suppressed", self._summary(action, where, w), where,
                                      datetime.fromtimestamp(min(now, w.start + self.window_s), UTC))  # fmt: skip
        return written

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self.flush(everything=True)

    def _summary(self, action: str, where: str, w: _Window) -> str:
        first, last = (datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S") for t in
                       (w.first_suppressed, w.last_suppressed))  # fmt: skip
        source = "many addresses" if where == "*" else where
        return (
            f"{w.suppressed} more {action} refusals from {source} between {first} and {last} UTC, not recorded one "
            f"by one (at most {self.per_window} rows a minute per address and reason); the last: {w.last_what}"
        )[:2000]

    def _schedule(self, delay: float) -> None:
        """A timer that closes the windows once this one has ended (called with the lock held)."""
        if not self.timer or (self._timer is not None and self._timer.is_alive()):
            return
        self._timer = threading.Timer(max(delay, 0.0) + 0.05, self._on_timer)
        self._timer.daemon = True
        self._timer.start()

    def _on_timer(self) -> None:
        try:
            self.flush()
        finally:
            with self._lock:
                self._timer = None
                pending = [w.start + self.window_s for w in self._windows.values() if w.suppressed]
                if pending:
                    self._schedule(min(pending) - self.clock())


class TokenUseSampler:
    """One `token_used` row per token per `every_s` (an hour): `due(who)` is the cheap in-memory check
    the middleware makes on each admitted request; when it says yes, `record_use` writes the row."""

    def __init__(self, every_s: float = 3600.0, clock: Callable[[], float] = time.time) -> None:
        self.every_s = every_s
        self.clock = clock
        self._last: dict[str, float] = {}
        self._uses: Counter[str] = Counter()
        self._lock = threading.Lock()

    def due(self, who: str) -> int | None:
        """None when this use is only counted; else the uses since the token's previous row (this one
        included), and the token's hour starts now."""
        now = self.clock()
        with self._lock:
            self._uses[who] += 1
            last = self._last.get(who)
            if last is not None and now < last + self.every_s:
                return None
            if len(self._last) >= MAX_SOURCES and who not in self._last:
                self._last.clear()  # a bounded table: forgetting only makes the next rows come sooner
            self._last[who] = now
            uses, self._uses[who] = self._uses[who], 0
            return uses


def token_use_recorder(store: Store, sampler: TokenUseSampler | None = None) -> Callable[[Any, str, str], Any]:
    """What the access middleware calls on an admitted request. Returns None (nothing to write) or a
    callable that writes the sampled `token_used` row (run off the event loop). Anonymous requests
    (auth off) are not recorded."""
    sampler = sampler or TokenUseSampler()

    def on_admitted(identity: Any, address: str, what: str) -> Callable[[], bool] | None:
        if identity.who == "anonymous":
            return None
        uses = sampler.due(identity.who)
        if uses is None:
            return None
        text = f"{what} as {identity.role}; {uses} request{'s' * (uses > 1)} since this token's previous row"
        return lambda: record(store, identity.who, TOKEN_USED, text, address)

    on_admitted.sampler = sampler  # type: ignore[attr-defined]
    return on_admitted


def prometheus() -> str:
    """The refusal counters for `/metrics`."""
    lines = [
        "# HELP spinscope_audit_refusals_total Refused requests by what became of their audit row: recorded, "
        "suppressed (counted in a summary row, past the per-minute limit), unstored (the write failed).",
        "# TYPE spinscope_audit_refusals_total counter",
    ]
    lines += [
        f'spinscope_audit_refusals_total{{outcome="{o}"}} {REFUSALS[o]}' for o in ("recorded", "suppressed", "unstored")
    ]
    return "\n".join(lines) + "\n"


def denied_recorder(store: Store, limiter: RefusalLimiter | None = None) -> Callable[[Any, str, str], None]:
    """What the access middleware calls on a refused request: 401s are failed logins, 403s denials,
    rate-limited per address and reason (`RefusalLimiter`)."""
    limiter = limiter or RefusalLimiter(
        lambda who, action, what, where, at: record(store, who, action, what, where, at)
    )

    def on_denied(denied: Any, address: str, what: str) -> None:
        action = LOGIN_FAILED if denied.status == 401 else DENIED
        limiter.offer(denied.who, action, f"{what} (needs {denied.required})", address)

    on_denied.limiter = limiter  # type: ignore[attr-defined]
    return on_denied
