"""Who may do what: roles, API tokens stored as digests, and the one check every surface runs.

Three roles: `viewer` reads (app pages, /api/v1/*, /metrics), `operator` is a viewer who may also
act (exports, silences, the audit log, anything that writes), `ingest` may only send telemetry
(OTLP/HTTP and OTLP/gRPC). `/healthz` is open.

Tokens are random strings handed to a client; spinscope keeps only their SHA-256 digests (from
`auth.yaml` in the config folder or the SPINSCOPE_*_TOKEN_SHA256 variables), so a leaked config
file does not leak a token. A token is long and random, so a plain digest is enough: there is
nothing to brute-force that a slow hash would protect. A presented token is hashed and compared
with every configured digest with `hmac.compare_digest`, without stopping at the first match,
so the answer's timing says nothing about how close a guess was.

With no token configured at all, the HTTP API is open (zero-config on loopback; `serve` refuses
to listen elsewhere like that). `SPINSCOPE_INGEST_TOKEN` (clear text, as before) still guards
the receivers: it is hashed when read.

This module is pure: no store, no web framework. The HTTP middleware lives in spinscope.access.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from spinscope.errors import UserError

ROLES = ("viewer", "operator", "ingest")
OPEN = "open"
# What each role may also do: an operator reads everything a viewer reads.
GRANTS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"viewer"}),
    "operator": frozenset({"viewer", "operator"}),
    "ingest": frozenset({"ingest"}),
}
AUTH_FILE = "auth.yaml"
ENV_DIGESTS = {role: f"SPINSCOPE_{role.upper()}_TOKEN_SHA256" for role in ROLES}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class AuthConfigError(UserError):
    """auth.yaml or a token variable is invalid; the message names the file, the field and the fix."""


def digest(token: str) -> str:
    """The SHA-256 hex digest spinscope stores for `token`."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenEntry:
    """One configured token: its digest, the role it grants, and a name for the audit log."""

    name: str
    role: str
    sha256: str


@dataclass(frozen=True)
class OidcConfig:
    """The app's single sign-on: which ID-token claim carries the role, and how its values map to roles."""

    role_claim: str = "groups"
    roles: dict[str, str] = field(default_factory=dict)
    default_role: str | None = None

    def role_of(self, claims: dict[str, Any]) -> str | None:
        """The strongest role the claim's value(s) map to, else the default (None: no access)."""
        value = claims.get(self.role_claim)
        values = value if isinstance(value, list | tuple) else [] if value is None else [value]
        mapped = {self.roles[str(v)] for v in values if str(v) in self.roles}
        for role in ("operator", "viewer"):
            if role in mapped:
                return role
        return self.default_role


@dataclass(frozen=True)
class AuthConfig:
    """auth.yaml: the API tokens (as digests) and the app's role mapping."""

    tokens: tuple[TokenEntry, ...] = ()
    oidc: OidcConfig | None = None


def _fail(path: Path, where: str, problem: str, fix: str) -> AuthConfigError:
    return AuthConfigError(f"{path}: {where}: {problem}; {fix}")


def _role(path: Path, where: str, value: Any, allowed: tuple[str, ...] = ROLES) -> str:
    if value not in allowed:
        raise _fail(path, where, f"role {value!r} is unknown", f"use one of {', '.join(allowed)}")
    return str(value)


def load_auth(path: Path) -> AuthConfig:
    """Read and validate auth.yaml; a missing file is an empty configuration."""
    if not path.is_file():
        return AuthConfig()
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise _fail(path, "file", f"not YAML ({str(exc).splitlines()[0]})", "fix the syntax") from None
    if not isinstance(doc, dict):
        raise _fail(path, "file", "not a mapping", "write `tokens:` and/or `oidc:` at the top level")
    unknown = set(doc) - {"tokens", "oidc"}
    if unknown:
        raise _fail(path, ", ".join(sorted(unknown)), "unknown field", "use `tokens` and `oidc`")
    entries = []
    for i, item in enumerate(doc.get("tokens") or []):
        where = f"tokens[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, where, "not a mapping", "write `- {name: ..., role: viewer, sha256: ...}`")
        if "token" in item:
            raise _fail(
                path, f"{where}.token", "a token in clear text", "store its digest: `spinscope auth token` prints it"
            )
        sha = str(item.get("sha256", "")).strip().lower()
        if not _HEX64.match(sha):
            raise _fail(
                path, f"{where}.sha256", "not a SHA-256 hex digest", "paste the digest `spinscope auth token` printed"
            )
        name = str(item.get("name") or f"{item.get('role')}-{i}")
        entries.append(TokenEntry(name, _role(path, f"{where}.role", item.get("role")), sha))
    oidc = None
    raw = doc.get("oidc")
    if raw is not None:
        if not isinstance(raw, dict):
            raise _fail(path, "oidc", "not a mapping", "write `role_claim:` and `roles:` under it")
        roles = raw.get("roles") or {}
        if not isinstance(roles, dict):
            raise _fail(path, "oidc.roles", "not a mapping", "map claim values to roles, e.g. `sre-team: operator`")
        mapped = {str(k): _role(path, f"oidc.roles.{k}", v, ("viewer", "operator")) for k, v in roles.items()}
        default = raw.get("default_role")
        if default is not None:
            default = _role(path, "oidc.default_role", default, ("viewer", "operator"))
        oidc = OidcConfig(str(raw.get("role_claim") or "groups"), mapped, default)
    return AuthConfig(tuple(entries), oidc)


def env_tokens(environ: dict[str, str] | None = None) -> tuple[TokenEntry, ...]:
    """Tokens from the environment: SPINSCOPE_<ROLE>_TOKEN_SHA256 (comma-separated digests) and the
    clear SPINSCOPE_INGEST_TOKEN receivers have always accepted (hashed here, kept only as a digest)."""
    env = os.environ if environ is None else environ
    out = []
    for role, var in ENV_DIGESTS.items():
        for i, value in enumerate(v.strip().lower() for v in env.get(var, "").split(",") if v.strip()):
            if not _HEX64.match(value):
                raise AuthConfigError(
                    f"{var}: item {i + 1} is not a SHA-256 hex digest; `spinscope auth token` prints one"
                )
            out.append(TokenEntry(f"env:{role}", role, value))
    clear = env.get("SPINSCOPE_INGEST_TOKEN", "")
    if clear:
        out.append(TokenEntry("env:ingest", "ingest", digest(clear)))
    return tuple(out)


@dataclass(frozen=True)
class Identity:
    """Who a request comes from: a token's name (or `anonymous` when auth is off) and its role."""

    who: str
    role: str


@dataclass(frozen=True)
class Denied:
    """Why a request is refused: 401 (no or unknown token) or 403 (a token of another role)."""

    status: int
    message: str
    required: str
    who: str = "unknown"


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class Authenticator:
    """Checks a presented token against the configured digests for a required role."""

    def __init__(self, tokens: tuple[TokenEntry, ...]) -> None:
        self.tokens = tokens

    def protects(self, role: str) -> bool:
        """Whether `role`'s surface needs a token: ingest when an ingest token exists, the rest when any
        viewer or operator token exists."""
        if role == OPEN:
            return False
        if role == "ingest":
            return any(t.role == "ingest" for t in self.tokens)
        return any(t.role in ("viewer", "operator") for t in self.tokens)

    def identify(self, token: str) -> TokenEntry | None:
        presented = digest(token).encode()
        found = None
        for entry in self.tokens:  # every entry, always: no early exit
            if hmac.compare_digest(presented, entry.sha256.encode()):
                found = entry
        return found

    def check(self, header: str | None, required: str) -> Identity | Denied:
        if not self.protects(required):
            return Identity("anonymous", required)
        token = bearer(header)
        if token is None:
            return Denied(
                401, f"authentication required: send `Authorization: Bearer <token>` of a {required} token", required
            )
        entry = self.identify(token)
        if entry is None:
            return Denied(
                401, f"unknown token: send a valid {required} token as `Authorization: Bearer <token>`", required
            )
        if required not in GRANTS[entry.role]:
            return Denied(
                403,
                f"the {entry.role} token {entry.name!r} may not do this: it needs the {required} role",
                required,
                entry.name,
            )
        return Identity(entry.name, entry.role)


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or `localhost` (what zero-config may listen on)."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
