"""The JSON API served by `spinscope serve` next to the OTLP receivers: /api/v1/...

Handlers are plain functions (Starlette runs them in its thread pool, each thread with
its own store client); they parse parameters, call the same functions the CLI calls,
and answer with spinscope.jsonout, so CLI --json and the API print the same JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spinscope import jsonout
from spinscope.kpi import KpiRequestError, kpis, parse_day
from spinscope.store import Store


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(jsonout.dumps(payload), status_code=status, media_type="application/json")


def _errors(handler: Callable[[Request], Any]) -> Callable[[Request], Response]:
    def wrapped(request: Request) -> Response:
        try:
            return json_response(handler(request))
        except (KpiRequestError, ValueError) as exc:
            return json_response({"error": str(exc)}, 400)
        except Exception as exc:  # a failed query is a 503 with its first line, never a traceback
            return json_response({"error": f"query failed: {str(exc).splitlines()[0][:300]}"}, 503)

    return wrapped


def parse_at(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"at {text!r} is not a time; write e.g. 2026-11-24T12:00:00Z") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def api_routes(store: Store, config_dir: str | None = None, extra: list[Route] | None = None) -> list[Route]:
    from spinscope.slo_store import load_config_slos, slo_statuses

    def slo(request: Request) -> Any:
        specs = load_config_slos(config_dir)
        statuses = slo_statuses(store.client(), specs, parse_at(request.query_params.get("at")))
        return {"slos": [s.to_json() for s in statuses]}

    def kpi(request: Request) -> Any:
        q = request.query_params
        end = parse_day(q["to"], "to") if "to" in q else date.today()
        start = parse_day(q["from"], "from") if "from" in q else end - timedelta(days=6)
        rows = kpis(store.client(), start, end, q.get("grain", "day"), q.get("by"))
        return {"from": start, "to": end, "grain": q.get("grain", "day"), "rows": rows}

    def window(q: Any, default_hours: float) -> tuple[datetime, datetime]:
        end = parse_at(q.get("end")) or datetime.now(UTC)
        start = parse_at(q.get("start")) or end - timedelta(hours=default_hours)
        return start, end

    def where(q: Any) -> dict[str, str]:
        pairs = {}
        for item in q.getlist("where"):
            key, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"where {item!r}: write key=value")
            pairs[key] = value
        return pairs

    def rtp(request: Request) -> Any:
        from spinscope.rtp_store import rtp_status

        start, end = window(request.query_params, 24 * 7)
        return {"start": start, "end": end, "games": rtp_status(store.client(), start, end, config_dir)}

    def rca(request: Request) -> Any:
        from spinscope.rca_store import rank

        q = request.query_params
        start, end = window(q, 1)
        return rank(store.client(), q.get("signal", "errors"), start, end, parse_at(q.get("baseline_start")),
                    parse_at(q.get("baseline_end")), where(q), int(q.get("threshold_ms", "500")), config_dir)

    def trace_list(request: Request) -> Any:
        from spinscope.rca_store import traces

        q = request.query_params
        start, end = window(q, 1)
        return {"traces": traces(store.client(), start, end, where(q), q.get("order", "errors"),
                                 int(q.get("limit", "50")))}

    def one_trace(request: Request) -> Any:
        from spinscope.rca_store import trace

        return trace(store.client(), request.path_params["trace_id"])

    return [Route("/api/v1/kpi", _errors(kpi), methods=["GET"]), Route("/api/v1/slo", _errors(slo), methods=["GET"]),
            Route("/api/v1/rtp", _errors(rtp), methods=["GET"]), Route("/api/v1/rca", _errors(rca), methods=["GET"]),
            Route("/api/v1/traces", _errors(trace_list), methods=["GET"]),
            Route("/api/v1/traces/{trace_id}", _errors(one_trace), methods=["GET"]), *(extra or [])]
