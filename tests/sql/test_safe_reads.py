"""Safe reads on the real embedded engine: the reader client is read-only and bounded, a query past a
limit answers "narrow the window or filters" (never a crash or a hang), and arbitrary query
parameters on every API route answer a 4xx with a message, never a 5xx.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from spinscope.configuration import LiveConfig
from spinscope.db import QueryLimit, Store, limit_error
from spinscope.endpoints import ENDPOINTS
from spinscope.server import ServeOptions, Service
from tests.sql.test_readonly import store_spin_traces

INJECTIONS = [
    "' OR 1=1 --",
    "x') OR ('1'='1",
    "`; DROP TABLE spins; --",
    "\\' UNION SELECT * FROM system.users --",
    "{where_keys:Array(String)}",
    "slot.game.id'] OR 1 --",
]


def fresh_reader(store: Store) -> Store:
    """A second Store on the same database, so its reader is built with the current environment."""
    return Store(dsn=store.dsn, database=store.database)


def test_the_reader_refuses_writes_and_setting_changes(store: Store) -> None:
    reader = store.reader()
    with pytest.raises(Exception, match=r"readonly|READONLY"):
        reader.command("CREATE TABLE evil (a Int8) ENGINE = Memory")
    with pytest.raises(Exception, match=r"readonly|READONLY"):
        reader.command("INSERT INTO audit_log (who) VALUES ('x')")
    assert reader.query("SELECT getSetting('readonly'), getSetting('result_overflow_mode')").result_rows == [
        (1, "throw")
    ]
    # The writer next to it is untouched by the reader's session settings.
    assert store.client().query("SELECT getSetting('readonly')").result_rows == [(0,)]


def test_limits_answer_narrow_the_window_not_a_crash(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINSCOPE_QUERY_MAX_RESULT_ROWS", "10")
    monkeypatch.setenv("SPINSCOPE_QUERY_MAX_SECONDS", "1")
    bounded = fresh_reader(store)
    try:
        with pytest.raises(Exception) as rows:
            bounded.reader().query("SELECT number FROM numbers(100000)")
        limited = limit_error(rows.value)
        assert isinstance(limited, QueryLimit) and limited.status == 400
        assert str(limited) == "the query returns more rows than the 10 limit: narrow the window or filters"
        began = time.monotonic()
        with pytest.raises(Exception) as slow:
            bounded.reader().query("SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) = 1")
        assert time.monotonic() - began < 10, "the time limit stops the query"
        limited = limit_error(slow.value)
        assert isinstance(limited, QueryLimit) and limited.status == 503
        assert str(limited) == "the query took longer than the 1 s limit: narrow the window or filters"
    finally:
        bounded.close()


def test_the_api_answers_a_limit_with_its_message(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store_spin_traces(store)
    monkeypatch.setenv("SPINSCOPE_QUERY_MAX_RESULT_ROWS", "2")
    bounded = fresh_reader(store)
    try:
        client = TestClient(Service(bounded, ServeOptions(), LiveConfig.load()).app)
        reply = client.get("/api/v1/traces", params={"start": "2000-01-01T00:00:00Z", "end": "2000-12-31T00:00:00Z"})
        assert reply.status_code == 200, "an empty answer is within the limit"
        start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        reply = client.get("/api/v1/traces", params={"start": start, "limit": 10})
        assert reply.status_code == 400
        assert reply.json() == {"error": "the query returns more rows than the 2 limit: narrow the window or filters"}
    finally:
        bounded.close()


@pytest.fixture(scope="module")
def api(session_store: Store) -> Any:
    """One API on a migrated database holding forty spin traces, shared by the property tests."""
    import uuid

    from spinscope.schema.migrate import RenderOptions, migrate

    database = "p_" + uuid.uuid4().hex[:12]
    admin = session_store.new_client(database=None)
    admin.command(f"CREATE DATABASE {database}")
    migrate(admin, RenderOptions(database=database), log=lambda *_: None)
    store = Store(dsn=session_store.dsn, database=database)
    store_spin_traces(store)
    yield TestClient(Service(store, ServeOptions(), LiveConfig.load()).app)
    store.close()
    admin.command(f"DROP DATABASE IF EXISTS {database} SYNC")


TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e308", "nan", "2026-02-30", "2026-11-24T12:00:00Z", "9999-12-31", *INJECTIONS]),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def route_params(name: str) -> st.SearchStrategy[dict[str, Any]]:
    endpoint = ENDPOINTS[name]
    names = [p.name for p in endpoint.params if not p.in_path] + ["unknown"]
    return st.dictionaries(st.sampled_from(names), st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=6)


def path_of(name: str, value: str) -> str:
    endpoint = ENDPOINTS[name]
    if "{" not in endpoint.path:
        return endpoint.path
    from urllib.parse import quote

    return endpoint.path.split("{")[0] + quote(value or "x", safe="")


# A few examples a route in the default run; `-m slow` runs many more.
EXAMPLES = [pytest.param(6, id="quick"), pytest.param(80, id="thorough", marks=pytest.mark.slow)]


@pytest.mark.parametrize("examples", EXAMPLES)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_arbitrary_parameters_never_answer_5xx(api: Any, name: str, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(params=route_params(name), path_value=TEXT)
    def check(params: dict[str, Any], path_value: str) -> None:
        reply = api.get(path_of(name, path_value), params=params)
        assert reply.status_code < 500, (params, reply.status_code, reply.text[:300])
        if reply.status_code >= 400:
            assert reply.status_code != 404 or "{" in ENDPOINTS[name].path
            message = reply.json().get("error", "") if reply.status_code != 404 else "not found"
            assert message.strip(), (params, reply.text)

    check()


WINDOW = {"start": "2000-01-01T00:00:00Z"}  # before the stored spins' window, to now: every spin


def test_injection_in_where_keys_and_values_is_inert(api: Any) -> None:
    def answer(where: list[str]) -> Any:
        end = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        reply = api.get(
            "/api/v1/traces",
            params={
                "start": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
                "end": end,
                "where": where,
                "limit": 1000,
            },
        )
        assert reply.status_code == 200, reply.text
        return reply.json()["traces"]

    everything = answer([])
    assert len(everything) == 40, "the fixture's forty traces are all in the window"
    no_match = answer(["wallet.provider=no-such-provider"])
    assert no_match == []
    for attack in INJECTIONS:
        assert answer([f"wallet.provider={attack}"]) == no_match
        assert answer([f"{attack}=acme-pay"]) == no_match
    assert len(answer(["wallet.provider=acme-pay"])) < 40, "a matching value still filters"
    assert api.get("/api/v1/traces", params={"where": "no-equals-sign"}).status_code == 400
