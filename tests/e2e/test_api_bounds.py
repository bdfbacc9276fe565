"""Every JSON API endpoint refuses a parameter past its bound with a 400 that names it: real HTTP on a Service.

The table below holds, per endpoint, requests one step past each bound (limit, window length,
time range, repeatable filters, RCA baseline overlap) and the words the answer must contain;
`test_every_endpoint_has_its_bounds_checked` fails when an endpoint is added without cases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from spinscope.endpoints import ENDPOINTS
from spinscope.params import MAX_LIMIT, MAX_WHERE, MAX_WINDOW

NOW = datetime.now(UTC).replace(microsecond=0)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


TOO_LONG = {"start": iso(NOW - MAX_WINDOW - timedelta(days=1)), "end": iso(NOW)}
MANY_WHERE = {"where": [f"slot.channel=c{i}" for i in range(MAX_WHERE + 1)]}
SEL = {"start": iso(NOW - timedelta(hours=1)), "end": iso(NOW)}

PAST_THE_BOUND: list[tuple[str, str, dict[str, object], str]] = [
    ("kpi", "/api/v1/kpi", {"from": "2025-01-01", "to": "2026-03-01"}, "the most is 400"),
    ("kpi", "/api/v1/kpi", {"to": "0001-01-01"}, "out of bounds: use a date from 1970 to 2105"),
    ("kpi", "/api/v1/kpi", {"from": "2026-03-02", "to": "2026-03-01"}, "before it starts"),
    ("slo", "/api/v1/slo", {"at": "9999-12-31T23:59:00Z"}, "out of bounds: use a time from 1970 to 2105"),
    ("rtp", "/api/v1/rtp", TOO_LONG, "the most is 400"),
    ("rtp", "/api/v1/rtp", {"end": "0001-01-01T00:00:00Z"}, "out of bounds"),
    ("rtp_plan", "/api/v1/rtp/plan", {"game": "fortune-tiger", "shift": "0"}, "shift 0 is out of bounds"),
    ("rtp_plan", "/api/v1/rtp/plan", {"game": "fortune-tiger", "shift": "2"}, "at most 1"),
    ("rtp_plan", "/api/v1/rtp/plan", {"game": "fortune-tiger", "shift": "0.01", "power": "1"}, "power 1.0"),
    ("rca", "/api/v1/rca", TOO_LONG, "the most is 400"),
    ("rca", "/api/v1/rca", {**SEL, **MANY_WHERE}, f"give at most {MAX_WHERE}"),
    ("rca", "/api/v1/rca", {**SEL, "threshold_ms": "3600001"}, "threshold_ms 3600001 is out of bounds"),
    (
        "rca",
        "/api/v1/rca",
        {
            **SEL,
            "baseline_start": iso(NOW - MAX_WINDOW - timedelta(days=2)),
            "baseline_end": iso(NOW - timedelta(hours=1)),
        },
        "the most is 400",
    ),
    (
        "rca",
        "/api/v1/rca",
        {**SEL, "baseline_start": iso(NOW - timedelta(hours=2)), "baseline_end": iso(NOW - timedelta(minutes=30))},
        "overlaps the selection",
    ),
    ("rca", "/api/v1/rca", {**SEL, "baseline_end": iso(NOW - timedelta(hours=1))}, "give both"),
    ("traces", "/api/v1/traces", {**SEL, "limit": str(MAX_LIMIT + 1)}, f"use 1 to {MAX_LIMIT}"),
    ("traces", "/api/v1/traces", {**SEL, "limit": "0"}, f"use 1 to {MAX_LIMIT}"),
    ("traces", "/api/v1/traces", TOO_LONG, "the most is 400"),
    ("traces", "/api/v1/traces", {**SEL, **MANY_WHERE}, f"give at most {MAX_WHERE}"),
    ("trace", "/api/v1/traces/" + "ab" * 40, {}, "expected 32 hex digits"),
    ("alerts", "/api/v1/alerts", {"state": "burning"}, "use one of"),
    ("alerts", "/api/v1/alerts", {"since": "9999-12-31T23:59:00Z"}, "out of bounds"),
    ("audit", "/api/v1/audit", TOO_LONG, "the most is 400"),
    ("audit", "/api/v1/audit", {"limit": str(MAX_LIMIT + 1)}, f"use 1 to {MAX_LIMIT}"),
]

AT_THE_BOUND: list[tuple[str, dict[str, object]]] = [
    ("/api/v1/kpi", {"from": "2025-01-01", "to": str(datetime(2025, 1, 1).date() + MAX_WINDOW)}),
    ("/api/v1/rtp", {"start": iso(NOW - MAX_WINDOW), "end": iso(NOW)}),
    ("/api/v1/traces", {**SEL, "limit": str(MAX_LIMIT), "where": MANY_WHERE["where"][:MAX_WHERE]}),
    # a baseline that ends exactly where the selection starts shares no spin with it (half-open windows)
    ("/api/v1/rca", {**SEL, "baseline_start": iso(NOW - timedelta(hours=2)), "baseline_end": SEL["start"]}),
]


@pytest.fixture
def api(live_service) -> str:  # type: ignore[no-untyped-def]
    return f"http://127.0.0.1:{live_service.http_port}"


def test_every_endpoint_has_its_bounds_checked() -> None:
    assert {name for name, *_ in PAST_THE_BOUND} == set(ENDPOINTS)


def test_past_the_bound_is_a_400_naming_the_fix(api: str) -> None:
    answers = []
    for _, path, params, words in PAST_THE_BOUND:
        reply = httpx.get(api + path, params=params, timeout=60)  # type: ignore[arg-type]
        answers.append((path, reply.status_code, words in reply.json().get("error", ""), reply.text[:200]))
    assert [a for a in answers if a[1:3] != (400, True)] == []


def test_at_the_bound_is_answered(api: str) -> None:
    for path, params in AT_THE_BOUND:
        reply = httpx.get(api + path, params=params, timeout=60)  # type: ignore[arg-type]
        assert reply.status_code == 200, (path, reply.text[:300])
