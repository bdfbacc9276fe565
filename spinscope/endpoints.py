"""Every read feature declared once: its path, its parameters (parsing, defaults, bounds) and its function.

The JSON API's routes (spinscope.api), the CLI's read commands (locally, or through a running
`serve` that holds the embedded store) and the app's data layer are all built from `ENDPOINTS`,
so the three cannot disagree on a default (the KPI window ends today in UTC everywhere) or on
how a parameter is read. A parameter's `parse` takes the text of a query string or a command
line, or an already typed value from the app, and raises `ParamError` with the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.configuration import Config
from spinscope.errors import UserError

MAX_WINDOW = timedelta(days=400)  # the typed spins' default TTL: nothing older exists
MAX_LIMIT = 1000


class ParamError(UserError):
    """A parameter that cannot be read or is out of bounds; the message names it and the fix."""


# ---------------------------------------------------------------- parsers


# Instants the store can hold (ClickHouse DateTime runs 1970..2106), with room for windows reaching back.
EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
LATEST = datetime(2105, 1, 1, tzinfo=UTC)


def _in_range(at: datetime, name: str, value: Any) -> datetime:
    if not EARLIEST <= at <= LATEST:
        raise ParamError(f"{name} {value!r} is out of range: use a time between {EARLIEST:%Y} and {LATEST:%Y}")
    return at


def parse_time(value: Any, name: str) -> datetime:
    """An instant in UTC from ISO 8601 text (a trailing Z or no zone mean UTC) or a datetime."""
    if isinstance(value, datetime):
        return _in_range(value if value.tzinfo else value.replace(tzinfo=UTC), name, value)
    try:
        at = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ParamError(f"{name} {value!r} is not a time; write e.g. 2026-11-24T12:00:00Z") from None
    return _in_range(at if at.tzinfo else at.replace(tzinfo=UTC), name, value)


def parse_day(value: Any, name: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ParamError(f"{name} {value!r} is not a date; write YYYY-MM-DD") from None
    _in_range(datetime(day.year, day.month, day.day, tzinfo=UTC), name, value)
    return day


def parse_int(low: int, high: int) -> Callable[[Any, str], int]:
    def parse(value: Any, name: str) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ParamError(f"{name} {value!r} is not a whole number") from None
        if not low <= number <= high:
            raise ParamError(f"{name} {number} is out of bounds: use {low} to {high}")
        return number

    return parse


def parse_float(low: float, high: float) -> Callable[[Any, str], float]:
    def parse(value: Any, name: str) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ParamError(f"{name} {value!r} is not a number") from None
        if not low < number < high:
            raise ParamError(f"{name} {number} is out of bounds: use a value between {low} and {high}")
        return number

    return parse


def parse_decimal(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ParamError(f"{name} {value!r} is not a number; write e.g. 0.01 for one RTP point") from None
    if not number.is_finite():
        raise ParamError(f"{name} {value!r} is not a finite number")
    return number


def one_of(*choices: str) -> Callable[[Any, str], str]:
    def parse(value: Any, name: str) -> str:
        text = str(value)
        if text not in choices:
            raise ParamError(f"{name} {text!r}: use one of {', '.join(choices)}")
        return text

    return parse


def text(value: Any, name: str) -> str:
    return str(value)


def where_pair(value: Any, name: str) -> tuple[str, str]:
    """`key=value` (an attribute and the value a drill-down keeps)."""
    if isinstance(value, tuple):
        return value
    key, sep, rest = str(value).partition("=")
    if not sep or not key:
        raise ParamError(f"{name} {value!r}: write KEY=VALUE, e.g. wallet.provider=walletly")
    return key, rest


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Param:
    """One parameter: its name in the query string, how it is read, and its default (None: optional)."""

    name: str
    parse: Callable[[Any, str], Any] = text
    default: Callable[[dict[str, Any]], Any] | None = None
    required: bool = False
    many: bool = False
    in_path: bool = False
    help: str = ""


@dataclass(frozen=True)
class Endpoint:
    """A read feature: GET `path`, `params` read in order, `run(client, config, args)` answers JSON-ready data.

    `role`: who may ask (spinscope.access): `viewer` for figures, `operator` for e.g. the audit log.
    """

    name: str
    path: str
    params: tuple[Param, ...]
    run: Callable[[Client, Config, dict[str, Any]], Any]
    columns: tuple[str, ...] = ()
    rows: str = "rows"
    checks: tuple[Callable[[dict[str, Any]], None], ...] = field(default=())
    role: str = "viewer"

    def parse(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Typed arguments from raw values (query string, CLI or app); defaults filled in declaration order."""
        args: dict[str, Any] = {}
        for p in self.params:
            value = raw.get(p.name)
            if p.many:
                items = [] if value is None else list(value) if isinstance(value, list | tuple) else [value]
                args[p.name] = [p.parse(v, p.name) for v in items]
            elif value is None or value == "":
                if p.required:
                    raise ParamError(f"{p.name} is required")
                args[p.name] = p.default(args) if p.default else None
            else:
                args[p.name] = p.parse(value, p.name)
        for check in self.checks:
            check(args)
        return args

    def url_path(self, raw: Mapping[str, Any]) -> str:
        path = self.path
        for p in self.params:
            if p.in_path:
                path = path.replace("{" + p.name + "}", str(raw[p.name]))
        return path

    def query(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The raw values as query-string parameters (for asking a running `serve`)."""
        return {p.name: raw[p.name] for p in self.params if not p.in_path and raw.get(p.name) not in (None, "", [], ())}


def _now(_: dict[str, Any]) -> datetime:
    return datetime.now(UTC)


def _before(name: str, span: timedelta) -> Callable[[dict[str, Any]], datetime]:
    return lambda args: args[name] - span


def _ordered(first: str, last: str, max_span: timedelta = MAX_WINDOW) -> Callable[[dict[str, Any]], None]:
    def check(args: dict[str, Any]) -> None:
        start, end = args.get(first), args.get(last)
        if start is None or end is None:
            return
        same_instant_is_empty = isinstance(start, datetime)  # a time window is half-open; days are inclusive
        if end < start or (same_instant_is_empty and end == start):
            raise ParamError(f"the window ends ({end}) before it starts ({start}): swap {first} and {last}")
        if end - start > max_span:
            raise ParamError(
                f"the window {first}..{last} spans {(end - start).days} days; the most is {max_span.days}: narrow it"
            )

    return check


def _today(_: dict[str, Any]) -> date:
    return datetime.now(UTC).date()


# ---------------------------------------------------------------- the functions behind them


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


def _audit(client: Client, config: Config, a: dict[str, Any]) -> Any:
    from spinscope.queries.loader import run

    start, end = (a[k].astimezone(UTC).replace(tzinfo=None) for k in ("start", "end"))
    rows = run(client, "audit/rpt_audit_log", start=start, end=end, action=a["action"] or "", limit=a["limit"])
    return {"start": a["start"], "end": a["end"], "entries": rows}


def _window(default_span: timedelta, start_help: str) -> tuple[Param, Param]:
    return (
        Param("end", parse_time, _now, help="Window end, UTC ISO 8601 (default: now)."),
        Param("start", parse_time, _before("end", default_span), help=start_help),
    )


WHERE = Param("where", where_pair, many=True, help="Drill down: KEY=VALUE (repeatable).")

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "kpi",
            "/api/v1/kpi",
            (
                Param("to", parse_day, _today, help="Last day, YYYY-MM-DD (default: today, UTC)."),
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
            checks=(_ordered("from", "to"),),
        ),
        Endpoint(
            "slo",
            "/api/v1/slo",
            (Param("at", parse_time, _now, help="Evaluate at this UTC time (ISO 8601) instead of now."),),
            _slo,
            rows="slos",
        ),
        Endpoint(
            "rtp",
            "/api/v1/rtp",
            _window(timedelta(days=7), "Window start, UTC ISO 8601 (default: 7 days before --end)."),
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
            checks=(_ordered("start", "end"),),
        ),
        Endpoint(
            "rtp_plan",
            "/api/v1/rtp/plan",
            (
                Param("game", required=True, help="Game id, e.g. fortune-tiger."),
                Param("shift", parse_decimal, required=True, help="RTP shift to detect, e.g. 0.01 for one point."),
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
                *_window(timedelta(hours=1), "Selection window start, UTC ISO 8601 (default: an hour before --end)."),
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
            checks=(_ordered("start", "end"), _ordered("baseline_start", "baseline_end")),
        ),
        Endpoint(
            "traces",
            "/api/v1/traces",
            (
                *_window(timedelta(hours=1), "UTC ISO 8601 (default: an hour before --end)."),
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
            checks=(_ordered("start", "end"),),
        ),
        Endpoint("trace", "/api/v1/traces/{trace_id}", (Param("trace_id", required=True, in_path=True),), _trace),
        Endpoint(
            "audit",
            "/api/v1/audit",
            (
                *_window(timedelta(days=7), "UTC ISO 8601 (default: 7 days before --end)."),
                Param("action", help="Only this action, e.g. export, login, login_failed, denied."),
                Param("limit", parse_int(1, MAX_LIMIT), lambda a: 200),
            ),
            _audit,
            columns=("recorded_at", "who", "action", "what", "client_address"),
            rows="entries",
            checks=(_ordered("start", "end"),),
            role="operator",
        ),
    )
}


def call(name: str, client: Client, config: Config, raw: Mapping[str, Any]) -> Any:
    """Parse `raw` as endpoint `name` declares and run it on `client`."""
    endpoint = ENDPOINTS[name]
    return endpoint.run(client, config, endpoint.parse(raw))
