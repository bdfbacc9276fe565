"""A token-guessing flood on real sockets costs a few audit rows a minute, one summary row, and a /metrics count."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from spinscope import audit
from spinscope.configuration import LiveConfig
from spinscope.server import ServeOptions, Service
from tests.e2e.test_access import auth_folder, headers_for

LIMIT = 5
GUESSES = 40


def suppressed(text: str) -> int:
    line = next(x for x in text.splitlines() if x.startswith('spinscope_audit_refusals_total{outcome="suppressed"}'))
    return int(line.rsplit(" ", 1)[1])


def test_a_flood_of_wrong_tokens_is_recorded_up_to_the_limit_then_summarised(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SPINSCOPE_AUDIT_REFUSALS_PER_MINUTE", str(LIMIT))
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0), LiveConfig.load(auth_folder(tmp_path)))
    service.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{service.http_port}", timeout=60) as http:
            before = suppressed(http.get("/metrics", headers=headers_for("viewer")).text)
            for i in range(GUESSES):
                bad = {"Authorization": f"Bearer guess-{i:04d}"}
                assert http.get("/api/v1/kpi", headers=bad).status_code == 401
            after = suppressed(http.get("/metrics", headers=headers_for("viewer")).text)
            assert after - before == GUESSES - LIMIT

            def refusals() -> list[dict]:
                reply = http.get("/api/v1/audit", headers=headers_for("operator"), params={"limit": 1000})
                assert reply.status_code == 200
                return [e for e in reply.json()["entries"] if e["action"].startswith("login_failed")]

            assert [e["action"] for e in refusals()] == ["login_failed"] * LIMIT
            # The minute closes (here: the service's limiter is closed, as at shutdown): one summary row.
            (guard,) = service.app.user_middleware
            guard.kwargs["on_denied"].limiter.close()
            summary = [e for e in refusals() if e["action"] == "login_failed_suppressed"]
            assert len(summary) == 1
            assert summary[0]["what"].startswith(f"{GUESSES - LIMIT} more login_failed refusals from 127.0.0.1 ")
            assert summary[0]["client_address"] == "127.0.0.1"
    finally:
        service.stop()
    assert audit.REFUSALS["suppressed"] >= GUESSES - LIMIT


def test_a_tokens_use_is_recorded_once_an_hour(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0), LiveConfig.load(auth_folder(tmp_path)))
    service.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{service.http_port}", timeout=60) as http:
            for _ in range(5):
                assert http.get("/metrics", headers=headers_for("viewer")).status_code == 200
            reply = http.get("/api/v1/audit", headers=headers_for("operator"), params={"action": "token_used"})
        assert reply.status_code == 200
        used = [(e["who"], e["what"], e["client_address"]) for e in reply.json()["entries"]]
        assert ("viewer-test", "GET /metrics as viewer; 1 request since this token's previous row", "127.0.0.1") in used
        assert [u[0] for u in used].count("viewer-test") == 1
    finally:
        service.stop()
