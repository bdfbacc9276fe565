"""Silences over HTTP: `POST /api/v1/silences` creates one, `DELETE /api/v1/silences/{silence_id}` ends it.

Listing is the read endpoint `alerts` (GET /api/v1/alerts answers the silences with the alerts).
These write routes sit beside the read API in `serve`, which holds the embedded store, so the
CLI and the app can silence while it runs. Errors answer like the read API: 400 with the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spinscope.alerts import store as alert_store
from spinscope.alerts.silences import SilenceError, parse_matchers
from spinscope.db import Store
from spinscope.params import parse_time


def silence_from_json(body: Any, now: datetime) -> dict[str, Any]:
    """The fields of a silence from a request body, checked; raises SilenceError with the fix."""
    if not isinstance(body, dict):
        raise SilenceError("the body must be a JSON object: {matchers, ends_at, created_by, comment}")
    matchers = body.get("matchers")
    if not isinstance(matchers, dict):
        raise SilenceError('matchers must be an object of label: value, e.g. {"alertname": "RtpDrift"}')
    parsed = parse_matchers(f"{k}={v}" for k, v in matchers.items())
    starts = parse_time(body["starts_at"], "starts_at") if body.get("starts_at") else now
    if not body.get("ends_at"):
        raise SilenceError("ends_at is required (UTC ISO 8601)")
    ends = parse_time(body["ends_at"], "ends_at")
    if ends <= starts:
        raise SilenceError(f"ends_at {ends} is not after starts_at {starts}: swap or extend them")
    for key in ("created_by", "comment"):
        if not str(body.get(key) or "").strip():
            raise SilenceError(f"{key} is required: a silence says who made it and why")
    return {
        "matchers": parsed,
        "starts_at": starts,
        "ends_at": ends,
        "created_by": str(body["created_by"]),
        "comment": str(body["comment"]),
        # a window that excludes its minutes from SLO budgets is planned downtime: a maintenance window
        "is_maintenance": bool(body.get("is_maintenance", False) or body.get("excludes_budget", False)),
        "excludes_budget": bool(body.get("excludes_budget", False)),
    }


def silence_routes(store: Store, answer: Callable[[Callable[[], Any]], Response]) -> list[Route]:
    async def create(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None

        def work() -> Any:
            fields = silence_from_json(body, datetime.now(UTC))
            return alert_store.create_silence(store.client(), **fields)

        return await run_in_threadpool(answer, work)

    def expire(request: Request) -> Response:
        silence_id = request.path_params["silence_id"]

        def work() -> Any:
            if not alert_store.expire_silence(store.client(), silence_id):
                raise SilenceError(f"no silence {silence_id!r}; GET /api/v1/alerts lists them")
            return {"silence_id": silence_id, "expired": True}

        return answer(work)

    return [
        Route("/api/v1/silences", create, methods=["POST"]),
        Route("/api/v1/silences/{silence_id}", expire, methods=["DELETE"]),
    ]
