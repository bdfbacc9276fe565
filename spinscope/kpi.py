"""KPIs by day or week: parameters in, rows of the rpt_kpi model out (shared by CLI, API and app)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.errors import UserError
from spinscope.queries.loader import run

GROUPINGS = ("game", "version")


class KpiRequestError(UserError, ValueError):
    pass


def parse_by(by: str | None) -> tuple[bool, bool]:
    parts = {p.strip() for p in (by or "game,version").split(",") if p.strip()}
    unknown = parts - set(GROUPINGS)
    if unknown:
        raise KpiRequestError(f"--by {by!r}: unknown grouping {sorted(unknown)}; use any of game,version")
    if "version" in parts and "game" not in parts:
        raise KpiRequestError("--by version needs game too (a version belongs to a game): use --by game,version")
    return "game" in parts, "version" in parts


def parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KpiRequestError(f"{what} {text!r} is not a date; write YYYY-MM-DD") from None


def kpis(client: Client, start: date, end: date, grain: str = "day", by: str | None = None) -> list[dict[str, Any]]:
    """KPI rows for the days [start, end] inclusive, per day or ISO week, per currency."""
    if grain not in ("day", "week"):
        raise KpiRequestError(f"grain {grain!r}: use day or week")
    if end < start:
        raise KpiRequestError(f"the window ends ({end}) before it starts ({start})")
    by_game, by_version = parse_by(by)
    return run(
        client,
        "reports/rpt_kpi",
        start=datetime.combine(start, time()),
        end=datetime.combine(end + timedelta(days=1), time()),
        grain=grain,
        by_game=int(by_game),
        by_version=int(by_version),
    )
