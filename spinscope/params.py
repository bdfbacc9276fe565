"""How a read endpoint is declared: its parameters (parsing, defaults, bounds) and the declaration itself.

A parameter's `parse` takes the text of a query string or a command line, or an already typed
value from the app, and raises `ParamError` with the fix; defaults are computed in declaration
order, so one may depend on another (a window's start on its end). spinscope.endpoints holds the
declarations themselves.
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
MAX_WHERE = 20  # drill-down pairs: each one is a filter over every row of the window
# Instants the store's DateTime columns hold (1970 .. 2106): outside them a query cannot be
# bound, and window arithmetic near year 1 or 9999 overflows; both are a user's typo.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2106, 1, 1, tzinfo=UTC)


class ParamError(UserError):
    """A parameter that cannot be read or is out of bounds; the message names it and the fix."""


# ---------------------------------------------------------------- parsers


def parse_time(value: Any, name: str) -> datetime:
    """An instant in UTC from ISO 8601 text (a trailing Z or no zone mean UTC) or a datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        at = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ParamError(f"{name} {value!r} is not a time; write e.g. 2026-11-24T12:00:00Z") from None
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    if not EARLIEST <= at < LATEST:
        raise ParamError(f"{name} {value!r} is out of bounds: use a time from 1970 to 2105, e.g. 2026-11-24T12:00:00Z")
    return at


def parse_day(value: Any, name: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParamError(f"{name} {value!r} is not a date; write YYYY-MM-DD") from None
    if not EARLIEST.date() <= day < LATEST.date():
        raise ParamError(f"{name} {value!r} is out of bounds: use a date from 1970 to 2105")
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


def parse_shift(value: Any, name: str) -> Decimal:
    """An RTP shift as a fraction of the stake: above 0, at most 1 (100 RTP points)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ParamError(f"{name} {value!r} is not a number; write e.g. 0.01 for one RTP point") from None
    if not number.is_finite():
        raise ParamError(f"{name} {value!r} is not a finite number")
    if not 0 < number <= 1:
        raise ParamError(f"{name} {value} is out of bounds: use a value above 0 and at most 1 (0.01 is one RTP point)")
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
                if len(items) > MAX_WHERE:
                    raise ParamError(f"{p.name} is given {len(items)} times; give at most {MAX_WHERE}")
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


def now_utc(_: dict[str, Any]) -> datetime:
    return datetime.now(UTC)


def before(name: str, span: timedelta) -> Callable[[dict[str, Any]], datetime]:
    return lambda args: args[name] - span


def ordered(first: str, last: str, max_span: timedelta = MAX_WINDOW) -> Callable[[dict[str, Any]], None]:
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


def today_utc(_: dict[str, Any]) -> date:
    return datetime.now(UTC).date()


def window(default_span: timedelta, start_help: str) -> tuple[Param, Param]:
    return (
        Param("end", parse_time, now_utc, help="Window end, UTC ISO 8601 (default: now)."),
        Param("start", parse_time, before("end", default_span), help=start_help),
    )
