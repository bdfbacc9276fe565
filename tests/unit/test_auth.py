"""Roles and tokens: auth.yaml validation, digests only, the check's answers, the loopback rule."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from spinscope.access import role_for
from spinscope.auth import (
    AuthConfigError,
    Authenticator,
    Denied,
    Identity,
    OidcConfig,
    TokenEntry,
    env_tokens,
    is_loopback,
    load_auth,
)
from spinscope.cli import main
from spinscope.configuration import load_config, shipped_dir

VIEWER = "viewer-secret-0123456789"
OPERATOR = "operator-secret-0123456789"


def sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticator() -> Authenticator:
    return Authenticator((TokenEntry("grafana", "viewer", sha(VIEWER)), TokenEntry("ops", "operator", sha(OPERATOR))))


def test_answers_for_each_token_and_role() -> None:
    auth = authenticator()
    assert auth.check(f"Bearer {VIEWER}", "viewer") == Identity("grafana", "viewer")
    assert auth.check(f"bearer {OPERATOR}", "viewer") == Identity("ops", "operator")
    assert auth.check(f"Bearer {OPERATOR}", "operator") == Identity("ops", "operator")
    denied = auth.check(f"Bearer {VIEWER}", "operator")
    assert isinstance(denied, Denied) and (denied.status, denied.required, denied.who) == (403, "operator", "grafana")
    assert "needs the operator role" in denied.message
    for header in (None, "", "Basic abc", "Bearer", f"Token {VIEWER}"):
        missing = auth.check(header, "viewer")
        assert isinstance(missing, Denied) and missing.status == 401 and "viewer" in missing.message
    wrong = auth.check("Bearer guess", "viewer")
    assert isinstance(wrong, Denied) and wrong.status == 401


def test_a_surface_without_tokens_is_open_and_ingest_is_separate() -> None:
    assert Authenticator(()).check(None, "viewer") == Identity("anonymous", "viewer")
    only_ingest = Authenticator((TokenEntry("i", "ingest", sha("x")),))
    assert isinstance(only_ingest.check(None, "ingest"), Denied)
    assert only_ingest.check(None, "viewer") == Identity("anonymous", "viewer")
    assert authenticator().check(None, "open") == Identity("anonymous", "open")


def test_auth_yaml_keeps_digests_and_names_file_field_fix(tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    path.write_text(
        f"tokens:\n  - {{name: grafana, role: viewer, sha256: {sha(VIEWER).upper()}}}\n"
        "oidc:\n  role_claim: groups\n  roles: {sre: operator, support: viewer}\n"
    )
    config = load_auth(path)
    assert config.tokens == (TokenEntry("grafana", "viewer", sha(VIEWER)),)
    assert config.oidc == OidcConfig("groups", {"sre": "operator", "support": "viewer"}, None)
    cases = {
        "tokens:\n  - {role: viewer, token: abc}\n": r"tokens\[0\]\.token: a token in clear text; store its digest",
        "tokens:\n  - {role: viewer, sha256: abc}\n": r"tokens\[0\]\.sha256: not a SHA-256 hex digest",
        f"tokens:\n  - {{role: admin, sha256: {sha('x')}}}\n": r"tokens\[0\]\.role: role 'admin' is unknown",
        "oidc:\n  roles: {sre: ingest}\n": r"oidc\.roles\.sre: role 'ingest' is unknown; use one of viewer, operator",
        "users: []\n": r"users: unknown field",
        "tokens: [\n": r"file: not YAML",
    }
    for text, message in cases.items():
        path.write_text(text)
        with pytest.raises(AuthConfigError, match=rf"^{path}: {message}"):
            load_auth(path)


def test_the_config_folder_loads_auth_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    shutil.copytree(shipped_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    assert load_config(folder).auth.tokens == ()
    (folder / "auth.yaml").write_text(f"tokens:\n  - {{name: ops, role: operator, sha256: {sha(OPERATOR)}}}\n")
    assert load_config(folder).auth.tokens == (TokenEntry("ops", "operator", sha(OPERATOR)),)


def test_environment_tokens_are_digests_and_the_old_ingest_token_still_works() -> None:
    env = {"SPINSCOPE_VIEWER_TOKEN_SHA256": f"{sha('a')}, {sha('b')}", "SPINSCOPE_INGEST_TOKEN": "s3cret"}
    assert env_tokens(env) == (
        TokenEntry("env:viewer", "viewer", sha("a")),
        TokenEntry("env:viewer", "viewer", sha("b")),
        TokenEntry("env:ingest", "ingest", sha("s3cret")),
    )
    with pytest.raises(AuthConfigError, match="SPINSCOPE_OPERATOR_TOKEN_SHA256: item 1 is not a SHA-256"):
        env_tokens({"SPINSCOPE_OPERATOR_TOKEN_SHA256": "plaintext"})


def test_oidc_claims_map_to_the_strongest_role() -> None:
    oidc = OidcConfig("groups", {"sre": "operator", "support": "viewer"})
    assert oidc.role_of({"groups": ["support", "sre"]}) == "operator"
    assert oidc.role_of({"groups": "support"}) == "viewer"
    assert oidc.role_of({"groups": ["marketing"]}) is None
    assert OidcConfig("role", {}, "viewer").role_of({}) == "viewer"


def test_route_roles_default_to_viewer_for_reads_and_operator_for_writes() -> None:
    assert role_for("GET", "/healthz") == "open"
    assert role_for("POST", "/v1/traces") == "ingest"
    assert role_for("GET", "/metrics") == "viewer"
    assert role_for("GET", "/api/v1/audit") == "operator"
    assert role_for("GET", "/api/v1/silences") == "viewer"
    assert role_for("POST", "/api/v1/silences") == "operator"
    assert role_for("DELETE", None) == "operator"


def test_loopback_addresses() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.5", "example.org", ""))


def test_serve_beyond_loopback_without_auth_refuses_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--host", "0.0.0.0", "--data-dir", "/nonexistent/never-opened"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err.startswith("spinscope: refusing to listen on 0.0.0.0 without auth for the JSON API")
    assert "auth.yaml" in err and "spinscope auth token" in err and "--insecure" in err


def test_auth_token_prints_a_token_and_only_its_digest_for_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["auth", "token", "--role", "viewer", "--name", "grafana"]) == 0
    out = capsys.readouterr().out.splitlines()
    token = out[0].rsplit(" ", 1)[1]
    assert out[2] == f"  - {{name: grafana, role: viewer, sha256: {sha(token)}}}"
    assert token not in "\n".join(out[1:])
