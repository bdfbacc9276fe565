"""KPI downloads: CSV, Excel and Parquet bytes from model rows, money kept exact.

CSV and Excel carry Decimals as exact decimal strings (Excel would round a number to a double);
Parquet carries them as decimal128(38, 18) (decimal256(76, 18) past that), exactly.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, localcontext
from typing import Any

from spinscope.jsonout import plain

EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def deferred(build: Callable[[list[dict[str, Any]]], bytes], rows: list[dict[str, Any]]) -> Callable[[], bytes]:
    """`build(rows)` on demand: a download button runs it when clicked, never while the page loads."""
    return lambda: build(rows)


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    import csv

    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in plain(row).items()})
    return buffer.getvalue().encode()


def to_excel(rows: list[dict[str, Any]], sheet: str = "kpis") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    if rows:
        columns = list(rows[0])
        ws.append(columns)
        for row in rows:
            ws.append([_excel_cell(row[c]) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)  # exact text, never a rounded double
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _arrow_type(values: list[Any]) -> Any:
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, Decimal) for v in present):
        digits = max(len(v.quantize(Decimal(1)).as_tuple().digits) for v in present)
        return pa.decimal128(38, 18) if digits <= 20 else pa.decimal256(76, 18)
    if present and all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return pa.date32()
    return None


def to_parquet(rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(rows[0]) if rows else []
    arrays = {}
    for column in columns:
        values = [r[column] for r in rows]
        kind = _arrow_type(values)
        if kind is not None and pa.types.is_decimal(kind):
            with localcontext() as ctx:
                ctx.prec = 80  # Decimal(76, 18) fits: never round an amount
                values = [None if v is None else v.quantize(Decimal("1e-18")) for v in values]
        arrays[column] = pa.array(values, type=kind)
    buffer = io.BytesIO()
    pq.write_table(pa.table(arrays), buffer)
    return buffer.getvalue()


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
