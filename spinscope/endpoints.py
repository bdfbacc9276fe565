"""Every read feature declared once: its path, its parameters (parsing, defaults, bounds) and its function.

The JSON API's routes (spinscope.api), the CLI's read commands (locally, or through a running
`serve` that holds the embedded store) and the app's data layer are all built from `ENDPOINTS`,
so the three cannot disagree on a default (the KPI window ends today in UTC everywhere) or on
how a parameter is read. The declaration machinery is in spinscope.params.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.configuration import Config
from spinscope.params import (
    MAX_LIMIT,
    Endpoint,
    Param,
    ParamError,
    now_utc,
    one_of,
    ordered,
    parse_day,
    parse_float,
    parse_int,
    parse_shift,
    parse_time,
    text,
    today_utc,
    where_pair,
    window,
)

__all__ = ["ENDPOINTS", "Endpoint", "Param", "ParamError", "call"]


# ---------------------------------------------------------------- the functions behind them


def _baseline_apart(args: dict[str, Any]) -> None:
    """The RCA baseline window, when given, is whole and shares no time with the selection."""
    from spinscope.rca.rank import check_baseline

    check_baseline(args["start"], args["end"], args.get("baseline_start"), args.get("baseline_end"))


def _kpi(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.kpi import kpis

    rows = kpis(client, a["from"], a["to"], a["grain"], a["by"])
    return {"from": a["from"], "to": a["to"], "grain": a["grain"], "rows": rows}


def _slo(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.slo.status import slo_statuses

    return {"slos": [s.to_json() for s in slo_statuses(client, config.slos, a["at"])]}


def _rtp(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.rtp.status import rtp_status

    return {"start": a["start"], "end": a["end"], "games": rtp_status(client, a["start"], a["end"], config.catalog)}


def _rtp_plan(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.rtp.status import rtp_plan

    end = datetime.now(UTC)
    return rtp_plan(client, a["game"], a["shift"], config.catalog, a["power"], a["alpha"], end - timedelta(days=7), end)


def _rca(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.rca.rank import rank

    return rank(
        client,
        a["signal"],
        a["start"],
        a["end"],
        a["baseline_start"],
        a["baseline_end"],
        dict(a["where"]),
        a["threshold_ms"],
        config.catalog,
    )


def _traces(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.traces import traces

    return {"traces": traces(client, a["start"], a["end"], dict(a["where"]), a["order"], a["limit"])}


def _trace(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.traces import trace

    return trace(client, a["trace_id"])


def _alerts(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.alerts.views import alerts_view

    return alerts_view(client, config.alerting, a["state"], a["since"], datetime.now(UTC))


def _audit(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.queries.loader import run

    start, end = (a[k].astimezone(UTC).replace(tzinfo=None) for k in ("start", "end"))
    rows = run(client, "audit/rpt_audit_log", start=start, end=end, action=a["action"] or "", limit=a["limit"])
    return {"start": a["start"], "end": a["end"], "entries": rows}


WHERE = Param("where", where_pair, many=True, help="Drill down: KEY=VALUE (repeatable).")

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "kpi",
            "/api/v1/kpi",
            (
                Param("to", parse_day, today_utc, help="Last day, YYYY-MM-DD (default: today, UTC)."),
                Param(
                    "from",
                    parse_day,
                    lambda a: a["to"] - timedelta(days=6),
                    help="First day, YYYY-MM-DD (default: 6 days before --to).",
                ),
                Param("grain", one_of("day", "week"), lambda a: "day"),
                Param(
                    "by", text, lambda a: "game,version", help="Split by game and/or version (default game,version)."
                ),
            ),
            _kpi,
            columns=(
                "period_start",
                "game_id",
                "game_version",
                "currency",
                "spins",
                "handle_amount",
                "win_amount",
                "ggr_amount",
                "rtp_ratio",
                "hit_frequency_ratio",
                "active_players",
                "latency_p99_ms",
                "error_rate_ratio",
            ),
            checks=(ordered("from", "to"),),
        ),
        Endpoint(
            "slo",
            "/api/v1/slo",
            (Param("at", parse_time, now_utc, help="Evaluate at this UTC time (ISO 8601) instead of now."),),
            _slo,
            rows="slos",
        ),
        Endpoint(
            "rtp",
            "/api/v1/rtp",
            window(timedelta(days=7), "Window start, UTC ISO 8601 (default: 7 days before --end)."),
            _rtp,
            columns=(
                "game_id",
                "game_version",
                "spins",
                "n_eff",
                "observed_rtp",
                "theoretical_rtp",
                "band_low",
                "band_high",
                "z",
                "state",
                "control",
                "drift_began",
            ),
            rows="games",
            checks=(ordered("start", "end"),),
        ),
        Endpoint(
            "rtp_plan",
            "/api/v1/rtp/plan",
            (
                Param("game", required=True, help="Game id, e.g. fortune-tiger."),
                Param("shift", parse_shift, required=True, help="RTP shift to detect, e.g. 0.01 for one point."),
                Param("power", parse_float(0, 1), lambda a: 0.8),
                Param("alpha", parse_float(0, 1), lambda a: 0.05),
            ),
            _rtp_plan,
            columns=(
                "game_id",
                "game_version",
                "sigma",
                "shift",
                "effective_spins",
                "spins_per_effective",
                "spins",
                "half_width_95",
            ),
            rows="plans",
        ),
        Endpoint(
            "rca",
            "/api/v1/rca",
            (
                Param("signal", one_of("errors", "latency", "rtp"), lambda a: "errors"),
                *window(timedelta(hours=1), "Selection window start, UTC ISO 8601 (default: an hour before --end)."),
                Param(
                    "baseline_start", parse_time, help="Baseline window start (default: the good spins of the window)."
                ),
                Param("baseline_end", parse_time, help="Baseline window end."),
                WHERE,
                Param(
                    "threshold_ms",
                    parse_int(1, 3_600_000),
                    lambda a: 500,
                    help="Latency signal: slower than this is bad.",
                ),
            ),
            _rca,
            checks=(ordered("start", "end"), ordered("baseline_start", "baseline_end"), _baseline_apart),
        ),
        Endpoint(
            "traces",
            "/api/v1/traces",
            (
                *window(timedelta(hours=1), "UTC ISO 8601 (default: an hour before --end)."),
                WHERE,
                Param("order", one_of("errors", "slowest"), lambda a: "errors"),
                Param("limit", parse_int(1, MAX_LIMIT), lambda a: 50),
            ),
            _traces,
            columns=(
                "trace_id",
                "started_at",
                "duration_ms",
                "status",
                "error_type",
                "game_id",
                "region",
                "instance_id",
            ),
            rows="traces",
            checks=(ordered("start", "end"),),
        ),
        Endpoint("trace", "/api/v1/traces/{trace_id}", (Param("trace_id", required=True, in_path=True),), _trace),
        Endpoint(
            "alerts",
            "/api/v1/alerts",
            (
                Param(
                    "state",
                    one_of("all", "open", "pending", "firing", "resolved"),
                    lambda a: "all",
                    help="Only alerts now in this state; open = pending or firing (default: all).",
                ),
                Param(
                    "since",
                    parse_time,
                    lambda a: datetime.now(UTC) - timedelta(days=1),
                    help="Also list alerts that changed since this UTC time (default: a day ago); open ones always.",
                ),
            ),
            _alerts,
            columns=("severity", "state", "alertname", "scope", "since", "value", "silenced", "summary"),
            rows="alerts",
        ),
        Endpoint(
            "audit",
            "/api/v1/audit",
            (
                *window(timedelta(days=7), "UTC ISO 8601 (default: 7 days before --end)."),
                Param("action", help="Only this action, e.g. export, login, login_failed, denied."),
                Param("limit", parse_int(1, MAX_LIMIT), lambda a: 200),
            ),
            _audit,
            columns=("recorded_at", "who", "action", "what", "client_address"),
            rows="entries",
            checks=(ordered("start", "end"),),
            role="operator",
        ),
    )
}


def call(name: str, client: Client, config: Config, raw: Mapping[str, Any]) -> Any:
    """Parse `raw` as endpoint `name` declares and run it on `client`."""
    endpoint = ENDPOINTS[name]
    return endpoint.run(client, config, endpoint.parse(raw))
