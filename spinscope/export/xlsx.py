"""The weekly report as one Excel workbook: a sheet per table, typed cells, frozen headers, native charts.

Numbers are numbers (Decimals written as the nearest double, which is the decimal itself up to
15 significant digits); a decimal column holding any value with more significant digits gets an
`<name>_exact` text column beside it, so nothing is lost. Dates are Excel dates. The workbook is
built in memory with fixed document properties (created = the Monday after the week), so the same
week gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from spinscope.export.formats import exact_text
from spinscope.export.tables import Column, Table, WeeklyReport

EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_DIGITS = 15
NUMBER_FORMATS = {
    "money": "#,##0.00##########",
    "percent": "0.000%",
    "count": "#,##0",
    "ms": "#,##0.0",
    "number": "#,##0.0#####",
    "": "General",
}
# (table, value column, chart title) for the trend charts: one line per currency.
TREND_CHARTS = (
    ("daily", "spins", "Spins per day"),
    ("daily", "ggr_amount", "GGR per day (per currency)"),
    ("weekly_trend", "spins", "Spins per week"),
    ("weekly_trend", "ggr_amount", "GGR per week (per currency)"),
    ("weekly_trend", "rtp_ratio", "RTP per week"),
)


def needs_exact_text(column: Column, values: list[Any]) -> bool:
    """True when a double cannot hold some value of this decimal column (more than 15 significant digits)."""
    return column.kind == "decimal" and any(
        isinstance(v, Decimal) and len(v.normalize().as_tuple().digits) > EXCEL_DIGITS for v in values
    )


class _Formats:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.cache: dict[str, Any] = {}
        self.header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#EEEEEE"})

    def get(self, number_format: str) -> Any:
        if number_format not in self.cache:
            self.cache[number_format] = self.book.add_format({"num_format": number_format})
        return self.cache[number_format]


def _write_cell(sheet: Worksheet, r: int, c: int, column: Column, row: dict[str, Any], formats: _Formats) -> None:
    value = row.get(column.name)
    if value is None:
        sheet.write_blank(r, c, None)
        return
    if column.kind == "date":
        sheet.write_datetime(r, c, datetime.combine(value, time()), formats.get("yyyy-mm-dd"))
    elif column.kind == "datetime":
        sheet.write_datetime(r, c, value, formats.get("yyyy-mm-dd hh:mm:ss"))
    elif column.kind == "bool":
        sheet.write_boolean(r, c, bool(value))
    elif column.kind in ("int", "float", "decimal"):
        fmt = row.get("unit", "") if column.fmt == "@unit" else column.fmt
        sheet.write_number(r, c, float(value), formats.get(NUMBER_FORMATS.get(fmt, "General")))
    else:
        sheet.write_string(r, c, str(value))


def _write_table(book: Workbook, table: Table, formats: _Formats) -> tuple[Worksheet, dict[str, int]]:
    sheet = book.add_worksheet(table.name[:31])
    layout: list[tuple[Column, bool]] = []
    for column in table.columns:
        layout.append((column, False))
        if needs_exact_text(column, table.values(column.name)):
            layout.append((Column(f"{column.name}_exact", "text", "", f"{column.name} exactly"), True))
    positions: dict[str, int] = {}
    for c, (column, _) in enumerate(layout):
        positions[column.name] = c
        sheet.write_string(0, c, column.name, formats.header)
        width = max(len(column.name) + 2, 12 if column.kind != "text" else 14)
        sheet.set_column(c, c, min(width, 40))
        if column.help:
            sheet.write_comment(0, c, column.help)
    for r, row in enumerate(table.rows, start=1):
        for c, (column, is_exact) in enumerate(layout):
            if is_exact:
                value = row.get(column.name.removesuffix("_exact"))
                if value is None:
                    sheet.write_blank(r, c, None)
                else:
                    sheet.write_string(r, c, exact_text(value))
            else:
                _write_cell(sheet, r, c, column, row, formats)
    sheet.freeze_panes(1, 0)
    if table.columns:
        sheet.autofilter(0, 0, max(len(table.rows), 1), len(layout) - 1)
    if not table.rows:
        sheet.write_string(1, 0, "(no rows: no spins in this week)" if table.name != "slo" else "(no SLO specs)")
    return sheet, positions


def _currency_blocks(table: Table) -> list[tuple[str, int, int]]:
    """(currency, first row, last row) of each run of one currency (the trend tables sort by currency first)."""
    blocks: list[tuple[str, int, int]] = []
    for r, row in enumerate(table.rows, start=1):
        if blocks and blocks[-1][0] == row["currency"]:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], r)
        else:
            blocks.append((row["currency"], r, r))
    return blocks


def _add_charts(book: Workbook, report: WeeklyReport, sheets: dict[str, tuple[Worksheet, dict[str, int]]]) -> None:
    placed: dict[str, int] = {}
    for table_name, value_column, title in TREND_CHARTS:
        table = report.table(table_name)
        if not table.rows:
            continue
        sheet, positions = sheets[table_name]
        time_column = "day" if table_name == "daily" else "week_start"
        chart = book.add_chart({"type": "line"})
        for currency, first, last in _currency_blocks(table):
            chart.add_series(
                {
                    "name": currency,
                    "categories": [sheet.name, first, positions[time_column], last, positions[time_column]],
                    "values": [sheet.name, first, positions[value_column], last, positions[value_column]],
                    "marker": {"type": "circle"},
                }
            )
        chart.set_title({"name": title})
        chart.set_x_axis({"date_axis": True, "num_format": "yyyy-mm-dd"})
        chart.set_y_axis({"num_format": NUMBER_FORMATS[next(c.fmt for c in table.columns if c.name == value_column)]})
        chart.set_legend({"position": "bottom"})
        n = placed.get(table_name, 0)
        placed[table_name] = n + 1
        sheet.insert_chart(1 + 16 * n, max(positions.values()) + 2, chart, {"x_scale": 1.4})


Sheets = dict[str, tuple[Worksheet, dict[str, int]]]


def workbook(
    tables: list[Table], properties: dict[str, Any], decorate: Callable[[Workbook, Sheets], None] | None = None
) -> bytes:
    """The one Excel writer: a sheet per table with the exact-money rules above; `decorate` adds charts."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties({"author": "spinscope", "company": "", **properties})
    formats = _Formats(book)
    sheets = {table.name: _write_table(book, table, formats) for table in tables}
    if decorate is not None:
        decorate(book, sheets)
    book.close()
    return buffer.getvalue()


def to_xlsx(report: WeeklyReport) -> bytes:
    created = datetime.combine(report.week_end + timedelta(days=1), time())
    properties = {
        "title": f"spinscope weekly KPIs {report.iso_week}",
        "subject": "weekly KPI export",
        "created": created,
        "comments": f"generated_for_week={report.iso_week}",
    }
    return workbook(report.tables, properties, lambda book, sheets: _add_charts(book, report, sheets))
