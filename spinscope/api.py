"""The JSON API served by `spinscope serve` next to the OTLP receivers: GET /api/v1/..., built from ENDPOINTS.

Handlers are plain functions (Starlette runs them in its thread pool, each thread with its own
store client) and answer with spinscope.jsonout, so `--json` on the CLI and the API print the
same JSON. A user's mistake is a 4xx with `{"error": ...}`; a store that fails is a 503; anything
else is a bug: logged with its traceback and answered 500, never with the traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spinscope import jsonout
from spinscope.configuration import LiveConfig
from spinscope.db import Store, first_line, limit_error
from spinscope.endpoints import ENDPOINTS, Endpoint
from spinscope.errors import UserError

log = logging.getLogger("spinscope.api")


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(jsonout.dumps(payload), status_code=status, media_type="application/json")


def is_store_failure(exc: BaseException) -> bool:
    """A query the store refused or could not run (clickhouse-connect's or the engine's errors)."""
    module = type(exc).__module__
    return module.startswith(("clickhouse_connect", "chdb"))


def answer(work: Callable[[], Any]) -> Response:
    """Run `work` and answer its JSON, or the error a client can act on."""
    try:
        return json_response(work())
    except UserError as exc:
        return json_response({"error": str(exc)}, exc.status)
    except Exception as exc:
        limited = limit_error(exc) if is_store_failure(exc) else None
        if limited is not None:
            return json_response({"error": str(limited)}, limited.status)
        if is_store_failure(exc):
            return json_response({"error": f"query failed: {first_line(exc)[:300]}"}, 503)
        log.exception("unexpected error answering the API")
        return json_response({"error": f"internal error ({type(exc).__name__}); see the server log"}, 500)


def raw_params(request: Request, endpoint: Endpoint) -> dict[str, Any]:
    """The request's parameters as the endpoint declares them: path parameters, lists for repeatable ones."""
    query = request.query_params
    raw: dict[str, Any] = {}
    for p in endpoint.params:
        if p.in_path:
            raw[p.name] = request.path_params.get(p.name)
        elif p.many:
            raw[p.name] = query.getlist(p.name)
        else:
            raw[p.name] = query.get(p.name)
    return raw


def api_routes(store: Store, config: LiveConfig) -> list[Route]:
    """One GET route per declared endpoint."""

    def handler(endpoint: Endpoint) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            return answer(
                lambda: endpoint.run(store.reader(), config.get(), endpoint.parse(raw_params(request, endpoint)))
            )

        return handle

    return [Route(e.path, handler(e), methods=["GET"]) for e in ENDPOINTS.values()]
