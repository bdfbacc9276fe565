"""Gather one ISO week's export tables from the models: KPIs, RTP status, SLO status, movers.

Reads the store through the existing models only (reports/rpt_kpi via spinscope.kpi, rtp_status,
slo_statuses); derivations are the pure functions of spinscope.export.derive. Writes nothing.
Every table has a stable row order, and nothing depends on the clock except the default week.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.configuration import Config
from spinscope.export import derive
from spinscope.export.tables import Column, Table, WeeklyReport
from spinscope.export.weeks import week_name
from spinscope.kpi import kpis
from spinscope.queries.loader import run
from spinscope.rtp.status import rtp_status
from spinscope.slo.math import NoData
from spinscope.slo.status import slo_statuses

TREND_WEEKS = 12
GATHER_STEPS = 5
Progress = Callable[[int, int], None]

C = Column
KEY = (C("game_id", "text"), C("game_version", "text"), C("currency", "text"))
TOTALS_COLUMNS = (
    C("iso_week", "text"),
    C("week_start", "date"),
    C("currency", "text"),
    C("spins", "int", "count"),
    C("handle_amount", "decimal", "money"),
    C("win_amount", "decimal", "money"),
    C("ggr_amount", "decimal", "money"),
    C("hold_ratio", "decimal", "percent"),
    C("rtp_ratio", "decimal", "percent"),
    C("hit_frequency_ratio", "float", "percent"),
    C("active_players", "int", "count"),
    C("arpu_amount", "decimal", "money"),
    C("error_rate_ratio", "float", "percent"),
    C("latency_p95_ms", "float", "ms"),
)
DAILY_COLUMNS = (C("day", "date"), *TOTALS_COLUMNS[2:])
HEADLINE_COLUMNS = (
    C("currency", "text"),
    C("metric", "text"),
    C("unit", "text"),
    C("this_week", "decimal", "@unit"),
    C("previous_week", "decimal", "@unit"),
    C("change", "decimal", "@unit"),
    C("change_ratio", "decimal", "percent"),
)
GAMES_COLUMNS = (
    *KEY,
    C("spins", "int", "count"),
    C("paid_spins", "int", "count"),
    C("free_spins", "int", "count"),
    C("handle_amount", "decimal", "money"),
    C("win_amount", "decimal", "money"),
    C("ggr_amount", "decimal", "money"),
    C("hold_ratio", "decimal", "percent"),
    C("rtp_ratio", "decimal", "percent"),
    C("theoretical_rtp", "decimal", "percent", "catalog or span-declared RTP of the game version"),
    C("rtp_band_low", "float", "percent", "95 % band of the game version (its currencies combined)"),
    C("rtp_band_high", "float", "percent"),
    C("rtp_z", "float", "number"),
    C("rtp_state", "text", "", "ok / watch / drift / no_reference, for the game version over the week"),
    C("hit_frequency_ratio", "float", "percent"),
    C("average_bet_amount", "decimal", "money"),
    C("active_players", "int", "count"),
    C("arpu_amount", "decimal", "money"),
    C("spins_per_session", "float", "number"),
)
LATENCY_COLUMNS = (
    *KEY,
    C("spins", "int", "count"),
    C("error_spins", "int", "count"),
    C("error_rate_ratio", "float", "percent"),
    C("money_error_spins", "int", "count"),
    C("latency_p50_ms", "float", "ms"),
    C("latency_p95_ms", "float", "ms"),
    C("latency_p99_ms", "float", "ms"),
)
SLO_COLUMNS = (
    C("slo", "text"),
    C("display_name", "text"),
    C("slo_group", "text"),
    C("window_start_at", "datetime"),
    C("window_end_at", "datetime"),
    C("target", "decimal", "percent"),
    C("sli", "decimal", "percent"),
    C("good_events", "int", "count"),
    C("bad_events", "int", "count"),
    C("total_events", "int", "count"),
    C("budget_state", "text"),
    C("allowed_events", "decimal", "number"),
    C("remaining_events", "decimal", "number"),
    C("remaining_ratio", "decimal", "percent"),
    C("consumed_ratio", "decimal", "percent"),
    C("alert_state", "text"),
    C("fails_check", "bool"),
)
MOVERS_COLUMNS = (
    C("metric", "text"),
    C("unit", "text"),
    C("rank", "int", "count"),
    *KEY,
    C("this_week", "decimal", "@unit"),
    C("previous_week", "decimal", "@unit"),
    C("change", "decimal", "@unit"),
    C("change_ratio", "decimal", "percent"),
    C("direction", "text"),
)
ABOUT_COLUMNS = (C("item", "text"), C("value", "text"))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _kpi_rows(client: Client, start: date, end_exclusive: date, grain: str) -> list[dict[str, Any]]:
    """rpt_kpi over all games and versions (one row per period and currency)."""
    return run(
        client,
        "reports/rpt_kpi",
        start=_midnight(start),
        end=_midnight(end_exclusive),
        grain=grain,
        by_game=0,
        by_version=0,
    )


def _totals_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "iso_week": week_name(row["period_start"]),
        "week_start": row["period_start"],
        **{c.name: row.get(c.name) for c in TOTALS_COLUMNS[2:]},
    }


def _sorted(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: tuple(r[k] for k in keys))


def _ratio(value: Any) -> Decimal | None:
    if value is None or isinstance(value, NoData):
        return None
    from spinscope.slo.math import format_ratio

    text = format_ratio(value, places=18)
    return None if text is None else Decimal(text)


def _slo_rows(client: Client, config: Config, at: datetime) -> list[dict[str, Any]]:
    rows = []
    for status in slo_statuses(client, config.slos, at):
        b = status.budget
        rows.append(
            {
                "slo": status.spec.name,
                "display_name": status.spec.display_name,
                "slo_group": ",".join(f"{k}={v}" for k, v in status.group),
                "window_start_at": status.window_start.astimezone(UTC).replace(tzinfo=None),
                "window_end_at": status.window_end.astimezone(UTC).replace(tzinfo=None),
                "target": _ratio(status.spec.target),
                "sli": _ratio(b.sli),
                "good_events": b.good,
                "bad_events": b.consumed_events,
                "total_events": b.total,
                "budget_state": b.state,
                "allowed_events": _ratio(b.allowed_events),
                "remaining_events": _ratio(b.remaining_events),
                "remaining_ratio": _ratio(b.remaining_ratio),
                "consumed_ratio": _ratio(b.consumed_ratio),
                "alert_state": status.alert.state,
                "fails_check": status.fails_check,
            }
        )
    return _sorted(rows, "slo", "slo_group")


def _games_rows(week_rows: list[dict[str, Any]], rtp: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_version = {(r["game_id"], r["game_version"]): r for r in rtp}
    out = []
    for row in week_rows:
        ref = by_version.get((row["game_id"], row["game_version"]), {})
        theoretical = ref.get("theoretical_rtp")
        out.append(
            {
                **{c.name: row.get(c.name) for c in GAMES_COLUMNS},
                "theoretical_rtp": None if theoretical is None else Decimal(theoretical),
                "rtp_band_low": ref.get("band_low"),
                "rtp_band_high": ref.get("band_high"),
                "rtp_z": ref.get("z"),
                "rtp_state": ref.get("state", "no_data"),
            }
        )
    return out


def _latency_rows(week_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in week_rows:
        rate = row.get("error_rate_ratio")
        out.append(
            {
                **{c.name: row.get(c.name) for c in LATENCY_COLUMNS},
                "error_spins": 0 if rate is None else round(rate * row["spins"]),
            }
        )
    return out


def _about_rows(iso_week: str, monday: date, totals: list[dict[str, Any]], previous_week: str) -> list[dict[str, Any]]:
    spins = sum(r["spins"] for r in totals)
    currencies = [r["currency"] for r in totals]
    status = (
        f"no spins in {iso_week}: every table is empty"
        if not spins
        else f"{spins:,} spins in {len(currencies)} "
        f"{'currency' if len(currencies) == 1 else 'currencies'}: {', '.join(currencies)}"
    )
    items = [
        ("generated_for_week", iso_week),
        ("week", f"{monday} (Monday) to {monday + timedelta(days=6)} (Sunday), UTC"),
        ("compared_with", previous_week),
        ("status", status),
        ("currencies", "amounts are per currency and never added across currencies"),
        (
            "money",
            "exact: CSV as decimal strings, Parquet and the archive as decimal(38,18); Excel cells are "
            "doubles (15 significant digits), so a column with longer values has an *_exact text twin",
        ),
        (
            "rtp",
            "rtp_ratio is per currency; theoretical RTP, band, z and state are per game version "
            "(currencies combined by effective sample size), from spinscope rtp status over the week",
        ),
        ("slo", "each SLO evaluated at the week's end (Monday 00:00 UTC after the week) over its own window"),
        ("latency", "t-digest quantile estimates in milliseconds"),
    ]
    return [{"item": k, "value": v} for k, v in items]


def gather_weekly(
    client: Client, monday: date, config: Config, progress: Progress | None = None, total_steps: int | None = None
) -> WeeklyReport:
    """Every table of the ISO week starting `monday` (steps reported to `progress` out of `total_steps`)."""
    total = total_steps or GATHER_STEPS

    def step(done: int) -> None:
        if progress is not None:
            progress(done, total)

    iso_week = week_name(monday)
    previous = monday - timedelta(days=7)
    end = monday + timedelta(days=7)
    trend = [_totals_row(r) for r in _kpi_rows(client, monday - timedelta(weeks=TREND_WEEKS - 1), end, "week")]
    trend = _sorted(trend, "currency", "week_start")  # per-currency runs: one chart series each
    this_totals = [r for r in trend if r["week_start"] == monday]
    prev_totals = [r for r in trend if r["week_start"] == previous]
    step(1)
    daily = _sorted(
        [
            {"day": r["period_start"], **{c.name: r.get(c.name) for c in DAILY_COLUMNS[1:]}}
            for r in _kpi_rows(client, monday, end, "day")
        ],
        "currency",
        "day",
    )
    step(2)
    per_game = kpis(client, previous, end - timedelta(days=1), grain="week", by="game,version")
    this_games = _sorted([r for r in per_game if r["period_start"] == monday], "game_id", "game_version", "currency")
    prev_games = [r for r in per_game if r["period_start"] == previous]
    rtp = rtp_status(client, _midnight(monday), _midnight(end), config.catalog) if this_games else []
    step(3)
    slo = _slo_rows(client, config, _midnight(end).replace(tzinfo=UTC))
    step(4)
    tables = [
        Table(
            "about", "About this export", ABOUT_COLUMNS, _about_rows(iso_week, monday, this_totals, week_name(previous))
        ),
        Table(
            "headline",
            f"Headline KPIs {iso_week} vs {week_name(previous)}, per currency",
            HEADLINE_COLUMNS,
            derive.headline(this_totals, prev_totals),
        ),
        Table("games", "KPIs per game, version and currency", GAMES_COLUMNS, _games_rows(this_games, rtp)),
        Table(
            "latency_errors",
            "Latency and errors per game, version and currency",
            LATENCY_COLUMNS,
            _latency_rows(this_games),
        ),
        Table("slo", "SLO attainment and error budget at the week's end", SLO_COLUMNS, slo),
        Table(
            "top_movers",
            "Largest week-over-week changes per game version and currency",
            MOVERS_COLUMNS,
            derive.top_movers(this_games, prev_games),
        ),
        Table("daily", "Daily trend of the week, per currency", DAILY_COLUMNS, daily),
        Table("weekly_trend", f"Weekly trend, last {TREND_WEEKS} weeks, per currency", TOTALS_COLUMNS, trend),
    ]
    archive_only = [
        Table("weekly_totals", "The week's totals per currency (the archive's trend rows)", TOTALS_COLUMNS, this_totals)
    ]
    step(5)
    return WeeklyReport(
        iso_week=iso_week,
        week_start=monday,
        week_end=monday + timedelta(days=6),
        previous_week=week_name(previous),
        tables=tables,
        spins=sum(r["spins"] for r in this_totals),
        currencies=tuple(r["currency"] for r in this_totals),
        archive_only=archive_only,
    )
