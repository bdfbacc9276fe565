"""KPI downloads: CSV, Excel and Parquet bytes from model rows, written by the weekly export's writers.

The app and `spinscope export weekly` share one writer per format (spinscope.export.formats,
spinscope.export.xlsx), so a download follows the same exact-money rules as the report: CSV holds
exact decimal text; Excel holds numbers, with an `<column>_exact` text column beside any money
column a double cannot hold; Parquet holds decimal(38, 18).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import localcontext
from typing import Any

from spinscope.export import formats, xlsx
from spinscope.export.tables import table_from_rows

EXCEL_MIME = xlsx.EXCEL_MIME


def deferred(build: Callable[[list[dict[str, Any]]], bytes], rows: list[dict[str, Any]]) -> Callable[[], bytes]:
    """`build(rows)` on demand: a download button runs it when clicked, never while the page loads."""
    return lambda: build(rows)


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    return formats.to_csv(table_from_rows("kpis", rows)) if rows else b""


def to_excel(rows: list[dict[str, Any]], sheet: str = "kpis") -> bytes:
    return xlsx.workbook([table_from_rows(sheet, rows)], {"title": f"spinscope {sheet}"})


def to_parquet(rows: list[dict[str, Any]]) -> bytes:
    return formats.to_parquet(table_from_rows("kpis", rows))


def week_over_week(rows: list[dict[str, Any]], metrics: tuple[str, ...]) -> list[dict[str, Any]]:
    """Weekly rows with each metric's change from the same game, version and currency's previous week.

    A row-wise difference of two model rows (no aggregation): exact for Decimals, None when either
    week lacks the figure or there is no previous week.
    """
    previous: dict[tuple[str, str, str], dict[str, Any]] = {}
    out = []
    for row in sorted(rows, key=lambda r: r["period_start"]):
        key = (row["game_id"], row["game_version"], row["currency"])
        before = previous.get(key)
        delta: dict[str, Any] = {
            "week": row["period_start"],
            "game_id": key[0],
            "game_version": key[1],
            "currency": key[2],
        }
        for metric in metrics:
            now, then = row.get(metric), (before or {}).get(metric)
            delta[metric] = now
            with localcontext() as ctx:
                ctx.prec = 80  # exact for Decimal(76, 18); the default 28 digits would round money
                delta[f"{metric}_change"] = None if now is None or then is None else now - then
        out.append(delta)
        previous[key] = row
    return out
