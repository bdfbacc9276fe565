"""The audit trail: who exported, silenced, logged in (or failed to), when, and from where.

`record(who, action, what, where)` appends one row to `audit_log` (migration 0060) through the
store's writing client; features call it with the identity spinscope.access admitted (or the
app's signed-in user). Reading it is the operator-only `audit` endpoint (`GET /api/v1/audit`,
`spinscope audit`). Recording never raises into the caller's request: a failed write is logged,
because refusing an export for want of its audit row would trade one outage for another; the
log line carries the row so nothing is lost silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from spinscope.db import Store, first_line, quote_identifier

log = logging.getLogger("spinscope.audit")

TABLE = "audit_log"
COLUMNS = ("at", "who", "action", "what", "client_address")
# Actions recorded by spinscope itself; features may add their own (e.g. `silence.create`).
EXPORT = "export"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
DENIED = "denied"


def record(store: Store | Any, who: str, action: str, what: str, where: str, at: datetime | None = None) -> bool:
    """Append one audit row; `store` is a Store (its writing client is used) or a client. True once stored."""
    row = [at or datetime.now(UTC), who[:200], action[:100], what[:2000], where[:200]]
    try:
        client = store.client() if isinstance(store, Store) else store
        client.insert(quote_identifier(TABLE), [row], column_names=list(COLUMNS))
        return True
    except Exception as exc:  # e.g. a read-only store user: one line each, not a traceback per refused token
        log.warning("audit row not stored (%s): %s", first_line(exc), row)
        return False


def denied_recorder(store: Store) -> Callable[[Any, str, str], None]:
    """What the access middleware calls on a refused request: 401s are failed logins, 403s denials."""

    def on_denied(denied: Any, address: str, what: str) -> None:
        action = LOGIN_FAILED if denied.status == 401 else DENIED
        record(store, denied.who, action, f"{what} (needs {denied.required})", address)

    return on_denied
