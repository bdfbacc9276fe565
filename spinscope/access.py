"""Access control at the edges: which role each HTTP route needs, the ASGI middleware that enforces it,
and the check the gRPC receiver calls.

Every request to the HTTP app passes the middleware, so a route added later (by another feature)
is never left open by mistake: a route not declared here needs `viewer` to read (GET, HEAD) and
`operator` for anything else. Declared: `/healthz` open, `/v1/*` (OTLP receivers) `ingest`,
`/metrics` `viewer`, and each endpoint of spinscope.endpoints its own `role`.

A refusal is JSON `{"error", "required_role"}` with 401 or 403; on the receivers' paths it is the
OTLP `google.rpc.Status` in the request's content type, as the OTLP specification asks. Failed
authentications are handed to `on_denied` (the audit log, rate-limited), admitted tokens to
`on_admitted` (a sampled `token_used` row per token and hour).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from spinscope.auth import OPEN, Authenticator, Denied, Identity, TokenEntry, digest, env_tokens
from spinscope.configuration import LiveConfig

log = logging.getLogger("spinscope.access")

IDENTITY_KEY = "spinscope.identity"


def declared_roles() -> dict[str, str]:
    """Route path (as declared, with {placeholders}) -> role it needs."""
    from spinscope.endpoints import ENDPOINTS

    roles = {"/healthz": OPEN, "/metrics": "viewer"}
    roles.update({e.path: e.role for e in ENDPOINTS.values()})
    return roles


def role_for(method: str, route_path: str | None, roles: dict[str, str] | None = None) -> str:
    """The role a request needs, by its matched route's path (None: no route matched)."""
    if route_path is not None and route_path.startswith("/v1/"):
        return "ingest"
    known = (roles if roles is not None else declared_roles()).get(route_path or "")
    if known is not None:
        return known
    return "viewer" if method in ("GET", "HEAD") else "operator"


class AccessPolicy:
    """The tokens in force: the config folder's auth.yaml (reloaded with it), the environment's, and
    `extra_ingest` (a clear ingest token given to ServeOptions)."""

    def __init__(self, config: LiveConfig | None, extra_ingest: str | None = None) -> None:
        self.config = config
        self._env = env_tokens()
        if extra_ingest:
            self._env = (*self._env, TokenEntry("ingest-token", "ingest", digest(extra_ingest)))
        self._cached: tuple[Any, Authenticator] | None = None

    def authenticator(self) -> Authenticator:
        auth = self.config.get().auth if self.config is not None else None
        cached = self._cached
        if cached is None or cached[0] is not auth:
            tokens = (auth.tokens if auth is not None else ()) + self._env
            cached = self._cached = (auth, Authenticator(tokens))
        return cached[1]

    def grpc_check(self, header: str | None) -> tuple[int, str] | None:
        """For the gRPC receiver: None to admit, else (HTTP-like status, message)."""
        verdict = self.authenticator().check(header, "ingest")
        return (verdict.status, verdict.message) if isinstance(verdict, Denied) else None


def client_address(scope: dict[str, Any]) -> str:
    client = scope.get("client")
    return f"{client[0]}" if client else "unknown"


class AuthMiddleware:
    """ASGI middleware: find the route, decide its role, admit or refuse before the handler runs."""

    def __init__(
        self,
        app: Any,
        policy: AccessPolicy,
        routes: Callable[[], list[Any]],
        on_denied: Callable[[Denied, str, str], None] | None = None,
        on_admitted: Callable[[Identity, str, str], Callable[[], Any] | None] | None = None,
    ) -> None:
        self.app = app
        self.policy = policy
        self.routes = routes
        self.on_denied = on_denied
        self.on_admitted = on_admitted  # cheap on the loop; what it returns (a store write) runs off it

    def _route_path(self, scope: dict[str, Any]) -> str | None:
        from starlette.routing import Match

        for route in self.routes():
            match, _ = route.matches(scope)
            if match != Match.NONE:
                return str(route.path)
        return None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = self._route_path(scope)
        required = role_for(scope["method"], path)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        verdict = self.policy.authenticator().check(headers.get("authorization"), required)
        if isinstance(verdict, Identity):
            scope[IDENTITY_KEY] = verdict
            if self.on_admitted is not None:
                await self._note_use(verdict, scope)
            await self.app(scope, receive, send)
            return
        if self.on_denied is not None:
            import anyio

            what = f"{scope['method']} {scope['path']}"
            try:  # off the event loop: it writes to the store
                await anyio.to_thread.run_sync(self.on_denied, verdict, client_address(scope), what)
            except Exception:  # the audit log failing must not turn a 401 into a 500
                log.exception("could not record a refused request")
        await self._refuse(verdict, scope, headers, send)

    async def _note_use(self, identity: Identity, scope: dict[str, Any]) -> None:
        """The sampled audit row of a token's use (spinscope.audit.TokenUseSampler); never fails the request."""
        try:
            write = self.on_admitted(identity, client_address(scope), f"{scope['method']} {scope['path']}")  # type: ignore[misc]
            if write is not None:
                import anyio

                await anyio.to_thread.run_sync(write)
        except Exception:
            log.exception("could not record a token's use")

    async def _refuse(self, denied: Denied, scope: dict[str, Any], headers: dict[str, str], send: Any) -> None:
        extra = [(b"www-authenticate", b'Bearer realm="spinscope"')] if denied.status == 401 else []
        if str(scope["path"]).startswith("/v1/"):
            from spinscope.ingest.decode import encode_status
            from spinscope.ingest.http_receiver import JSON, PROTOBUF, _media_type

            media = _media_type(headers.get("content-type", "")) or PROTOBUF
            body = encode_status(denied.message, media)
            media_out = JSON if media == JSON else PROTOBUF
        else:
            body = json.dumps({"error": denied.message, "required_role": denied.required}).encode()
            media_out = "application/json"
        await send(
            {
                "type": "http.response.start",
                "status": denied.status,
                "headers": [
                    (b"content-type", media_out.encode()),
                    (b"content-length", str(len(body)).encode()),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def identity_of(request: Any) -> Identity:
    """The identity the middleware admitted (anonymous when auth is off or no middleware ran)."""
    return request.scope.get(IDENTITY_KEY) or Identity("anonymous", "viewer")
