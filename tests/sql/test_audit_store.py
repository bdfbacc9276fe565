"""Audit rows go through SPINSCOPE_AUDIT_STORE when it is set: a service whose own user cannot write
(here: a store whose server does not even answer) still leaves its trail in audit_log."""

from __future__ import annotations

import pytest

from spinscope import audit
from spinscope.db import Store


def rows(store: Store, who: str) -> list[tuple]:
    found = store.client().query(
        "SELECT who, action, what, client_address FROM audit_log WHERE who = {who:String}", parameters={"who": who}
    )
    return [tuple(r) for r in found.result_rows]


def test_audit_rows_go_through_the_audit_store_when_set(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    reading_only = Store(dsn="http://spinscope_app:x@127.0.0.1:9/", database=store.database)  # nothing listens on :9
    monkeypatch.delenv("SPINSCOPE_AUDIT_STORE", raising=False)
    assert audit.record(reading_only, "ana", audit.EXPORT, "weekly 2026-W47", "10.0.0.5") is False
    monkeypatch.setenv("SPINSCOPE_AUDIT_STORE", store.dsn)
    assert audit.record(reading_only, "ana", audit.EXPORT, "weekly 2026-W47", "10.0.0.5") is True
    assert rows(store, "ana") == [("ana", "export", "weekly 2026-W47", "10.0.0.5")]


def test_the_refusal_summary_row_lands_in_the_audit_log(store: Store) -> None:
    on_denied = audit.denied_recorder(store, audit.RefusalLimiter(
        lambda who, action, what, where, at: audit.record(store, who, action, what, where, at), per_window=2,
        timer=False))  # fmt: skip

    class Refused:
        status, who, required = 401, "guesser", "viewer"

    for _ in range(7):
        on_denied(Refused(), "10.0.0.66", "GET /api/v1/kpi")
    on_denied.limiter.close()  # type: ignore[attr-defined]
    got = rows(store, "guesser")
    assert [r[1] for r in got].count("login_failed") == 2
    (summary,) = [r for r in got if r[1] == "login_failed_suppressed"]
    assert summary[2].startswith("5 more login_failed refusals from 10.0.0.66 ") and summary[3] == "10.0.0.66"
