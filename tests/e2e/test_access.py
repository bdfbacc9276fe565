"""Route x role matrix: every HTTP route and every gRPC service of `serve`, asked with no token, each
role's token and a wrong token, on real sockets; plus the audit trail of the refusals.

The roles each route needs are written out here (not read from spinscope.access): /healthz open,
/metrics and the read API `viewer`, the audit log `operator`, the receivers `ingest`. A route added
by another feature and not listed here must follow the default: GET needs `viewer`, the rest `operator`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from starlette.routing import Route

from spinscope.auth import digest
from spinscope.configuration import LiveConfig, shipped_dir
from spinscope.server import ServeOptions, Service

TOKENS = {"viewer": "v-" + "a" * 40, "operator": "o-" + "b" * 40, "ingest": "i-" + "c" * 40}
WRONG = "not-a-configured-token"
CREDENTIALS = [None, "viewer", "operator", "ingest", "wrong"]
# What each credential may do, written out for this test.
MAY = {
    None: set(),
    "wrong": set(),
    "viewer": {"viewer"},
    "operator": {"viewer", "operator"},
    "ingest": {"ingest"},
}
KNOWN_ROLES = {
    "/healthz": "open",
    "/metrics": "viewer",
    "/v1/traces": "ingest",
    "/v1/metrics": "ingest",
    "/v1/logs": "ingest",
    "/api/v1/kpi": "viewer",
    "/api/v1/slo": "viewer",
    "/api/v1/rtp": "viewer",
    "/api/v1/rtp/plan": "viewer",
    "/api/v1/rca": "viewer",
    "/api/v1/traces": "viewer",
    "/api/v1/traces/{trace_id}": "viewer",
    "/api/v1/audit": "operator",
}
GRPC_METHODS = [
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
]


def auth_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(shipped_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    lines = ["tokens:"] + [
        f"  - {{name: {role}-test, role: {role}, sha256: {digest(token)}}}" for role, token in TOKENS.items()
    ]
    (folder / "auth.yaml").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def guarded(store, tmp_path: Path) -> Iterator[Service]:  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0), LiveConfig.load(auth_folder(tmp_path)))
    service.start()
    yield service
    service.stop()


def headers_for(credential: str | None) -> dict[str, str]:
    if credential is None:
        return {}
    token = WRONG if credential == "wrong" else TOKENS[credential]
    return {"Authorization": f"Bearer {token}"}


def http_routes(service: Service) -> list[tuple[str, str]]:
    out = []
    for route in service.app.routes:
        assert isinstance(route, Route)
        method = "GET" if "GET" in (route.methods or ()) else sorted(route.methods or {"POST"})[0]
        out.append((method, route.path))
    return out


def needed(method: str, path: str) -> str:
    return KNOWN_ROLES.get(path, "viewer" if method == "GET" else "operator")


def test_every_http_route_with_every_credential(guarded: Service) -> None:
    routes = http_routes(guarded)
    assert set(KNOWN_ROLES) <= {path for _, path in routes}, "a route of the matrix is not served"
    base = f"http://127.0.0.1:{guarded.http_port}"
    wrong_answers: list[Any] = []
    with httpx.Client(base_url=base, timeout=60) as http:
        for method, path in routes:
            url = path.replace("{trace_id}", "0" * 32)
            role = needed(method, path)
            for credential in CREDENTIALS:
                reply = http.request(
                    method,
                    url,
                    headers={**headers_for(credential), "Content-Type": "application/json"},
                    content=b"{}" if method == "POST" else None,
                )
                allowed = role == "open" or role in MAY[credential]
                if allowed:
                    ok = reply.status_code not in (401, 403)
                else:
                    expected = 401 if credential in (None, "wrong") else 403
                    ok = reply.status_code == expected
                    if ok and not path.startswith("/v1/"):
                        body = reply.json()
                        ok = body.get("required_role") == role and role in body.get("error", "")
                if not ok:
                    wrong_answers.append((method, path, credential, reply.status_code, reply.text[:200]))
    assert wrong_answers == []


@pytest.mark.parametrize("method", GRPC_METHODS)
def test_every_grpc_service_with_every_credential(guarded: Service, method: str) -> None:
    channel = grpc.insecure_channel(f"127.0.0.1:{guarded.grpc_port}")
    call = channel.unary_unary(method)
    codes = {}
    for credential in CREDENTIALS:
        metadata = [(k.lower(), v) for k, v in headers_for(credential).items()]
        try:
            call(b"", metadata=metadata, timeout=10)  # an empty export request is valid
            codes[credential] = grpc.StatusCode.OK
        except grpc.RpcError as exc:
            codes[credential] = exc.code()
    channel.close()
    assert codes == {
        None: grpc.StatusCode.UNAUTHENTICATED,
        "viewer": grpc.StatusCode.PERMISSION_DENIED,
        "operator": grpc.StatusCode.PERMISSION_DENIED,
        "ingest": grpc.StatusCode.OK,
        "wrong": grpc.StatusCode.UNAUTHENTICATED,
    }


def test_refusals_are_in_the_audit_trail_for_operators_only(guarded: Service) -> None:
    base = f"http://127.0.0.1:{guarded.http_port}"
    with httpx.Client(base_url=base, timeout=60) as http:
        assert http.get("/api/v1/kpi", headers=headers_for("wrong")).status_code == 401
        assert http.get("/api/v1/audit", headers=headers_for("viewer")).status_code == 403
        reply = http.get("/api/v1/audit", headers=headers_for("operator"))
    assert reply.status_code == 200
    entries = [(e["who"], e["action"], e["what"], e["client_address"]) for e in reply.json()["entries"]]
    assert ("viewer-test", "denied", "GET /api/v1/audit (needs operator)", "127.0.0.1") in entries
    assert ("unknown", "login_failed", "GET /api/v1/kpi (needs viewer)", "127.0.0.1") in entries


def test_without_tokens_the_api_is_open_and_the_ingest_token_still_guards_receivers(store) -> None:  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, token="s3cret"))
    service.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{service.http_port}", timeout=60) as http:
            assert http.get("/api/v1/slo").status_code == 200
            assert http.get("/metrics").status_code == 200
            post = {"Content-Type": "application/json"}
            assert http.post("/v1/traces", content=b"{}", headers=post).status_code == 401
            ok = http.post("/v1/traces", content=b"{}", headers={**post, "Authorization": "Bearer s3cret"})
            assert ok.status_code == 200
    finally:
        service.stop()


def test_the_api_alone_checks_tokens_and_refuses_an_open_listen(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO, free_port, run_cli

    store = ["--data-dir", str(tmp_path / "data")]
    refused = run_cli("api", "--host", "0.0.0.0", *store)
    assert refused.returncode == 2 and refused.stderr.startswith("spinscope: refusing to listen on 0.0.0.0")
    assert run_cli("db", "migrate", *store).returncode == 0
    port = free_port()
    env = {**__import__("os").environ, "SPINSCOPE_VIEWER_TOKEN_SHA256": digest(TOKENS["viewer"])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "spinscope.cli", "api", "--api-port", str(port), *store],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None and "the JSON API on" in proc.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=5)
                break
            except httpx.HTTPError:
                import time

                time.sleep(0.1)
        assert httpx.get(f"{base}/api/v1/slo", timeout=60).status_code == 401
        assert httpx.get(f"{base}/api/v1/slo", headers=headers_for("viewer"), timeout=60).status_code == 200
        assert httpx.get(f"{base}/api/v1/audit", headers=headers_for("viewer"), timeout=60).status_code == 403
        assert httpx.post(f"{base}/v1/traces", timeout=60).status_code == 401, "an unknown write needs an operator"
        assert httpx.get(f"{base}/metrics", headers=headers_for("viewer"), timeout=60).status_code == 404
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_read_commands_ask_a_guarded_serve_with_the_api_token(tmp_path: Path) -> None:
    from tests.conftest import ServeProcess, run_cli

    data = str(tmp_path / "data")
    serve = ServeProcess(tmp_path / "data", env={"SPINSCOPE_VIEWER_TOKEN_SHA256": digest(TOKENS["viewer"])})
    try:
        without = run_cli("slo", "status", "--json", "--data-dir", data, env={"SPINSCOPE_API_TOKEN": ""})
        assert without.returncode == 2
        assert "needs" not in without.stderr and "viewer token" in without.stderr
        assert "set SPINSCOPE_API_TOKEN" in without.stderr
        wrong = run_cli("slo", "status", "--json", "--data-dir", data, env={"SPINSCOPE_API_TOKEN": WRONG})
        assert wrong.returncode == 2 and "unknown token" in wrong.stderr
        done = run_cli("slo", "status", "--json", "--data-dir", data, env={"SPINSCOPE_API_TOKEN": TOKENS["viewer"]})
        assert done.returncode == 0, done.stderr
        assert "slos" in done.stdout
    finally:
        serve.stop()
