"""Writers on a hand-built report: exact CSV text, typed Parquet, Excel cells and exact twins, HTML."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from spinscope.export.formats import ExportError, csv_value, exact_text, to_csv, to_parquet
from spinscope.export.html import to_html
from spinscope.export.tables import Column, Table, WeeklyReport
from spinscope.export.xlsx import needs_exact_text, to_xlsx

MONEY = Column("amount", "decimal", "money")
TABLE = Table(
    "money",
    "Money",
    (
        Column("day", "date"),
        Column("currency", "text"),
        MONEY,
        Column("n", "int", "count"),
        Column("at", "datetime"),
        Column("ok", "bool"),
    ),
    [
        {
            "day": date(2026, 11, 16),
            "currency": "EUR",
            "amount": Decimal("10.000000000000000001"),
            "n": 3,
            "at": datetime(2026, 11, 23),
            "ok": True,
        },
        {"day": date(2026, 11, 17), "currency": "EUR", "amount": Decimal("1.50"), "n": None, "at": None, "ok": False},
    ],
)


def report(*tables: Table) -> WeeklyReport:
    about = Table(
        "about", "About", (Column("item", "text"), Column("value", "text")), [{"item": "status", "value": "2 spins"}]
    )
    empty = [
        Table(
            n,
            n,
            (
                Column("day", "date"),
                Column("currency", "text"),
                Column("spins", "int", "count"),
                Column("ggr_amount", "decimal", "money"),
            ),
        )
        for n in ("daily", "weekly_trend")
    ]
    return WeeklyReport(
        "2026-W47", date(2026, 11, 16), date(2026, 11, 22), "2026-W46", [about, *tables, *empty], 2, ("EUR",)
    )


def test_exact_text_and_csv_values() -> None:
    assert [exact_text(Decimal(s)) for s in ("1.500", "10", "1E+2", "-0.0", "0.000000000000000001")] == [
        "1.5",
        "10",
        "100",
        "0",
        "0.000000000000000001",
    ]
    assert (csv_value(None), csv_value(True), csv_value(datetime(2026, 1, 2, 3, 4, 5))) == (
        "",
        "true",
        "2026-01-02T03:04:05Z",
    )
    assert to_csv(TABLE).decode().splitlines() == [
        "day,currency,amount,n,at,ok",
        "2026-11-16,EUR,10.000000000000000001,3,2026-11-23T00:00:00Z,true",
        "2026-11-17,EUR,1.5,,,false",
    ]


def test_parquet_keeps_money_as_decimal128_38_18_exactly() -> None:
    table = pq.read_table(io.BytesIO(to_parquet(TABLE)))
    assert [str(f.type) for f in table.schema] == [
        "date32[day]",
        "string",
        "decimal128(38, 18)",
        "int64",
        "timestamp[us]",
        "bool",
    ]
    assert table.column("amount").to_pylist() == [Decimal("10.000000000000000001"), Decimal("1.5")]
    empty = pq.read_table(io.BytesIO(to_parquet(Table("e", "e", TABLE.columns))))
    assert empty.num_rows == 0 and empty.schema == table.schema


def test_a_figure_too_large_for_decimal_38_18_is_refused_by_name() -> None:
    bad = Table("t", "t", (MONEY,), [{"amount": Decimal("1e21")}])
    with pytest.raises(ExportError, match=r"t\.amount: .* does not fit decimal\(38, 18\)"):
        to_parquet(bad)


def test_excel_cells_are_typed_with_an_exact_twin_for_long_decimals() -> None:
    assert needs_exact_text(MONEY, [Decimal("123456789012345")]) is False
    assert needs_exact_text(MONEY, [Decimal("1234567890123456")]) is True
    data = to_xlsx(report(TABLE))
    assert data == to_xlsx(report(TABLE))  # deterministic bytes
    sheet = load_workbook(io.BytesIO(data))["money"]
    assert [c.value for c in sheet[1]] == ["day", "currency", "amount", "amount_exact", "n", "at", "ok"]
    assert sheet.freeze_panes == "A2"
    day, _, amount, twin, n, at, ok = sheet[2]
    assert (day.is_date, day.value, day.number_format) == (True, datetime(2026, 11, 16), "yyyy-mm-dd")
    assert (amount.value, amount.number_format) == (10.0, "#,##0.00##########")
    assert (twin.value, n.value, at.value, ok.value) == ("10.000000000000000001", 3, datetime(2026, 11, 23), True)
    assert sheet["C3"].value == 1.5 and sheet["D3"].value == "1.5"


def test_html_is_deterministic_and_escapes_cells() -> None:
    table = Table("t", "T & co", (Column("currency", "text"),), [{"currency": "<script>"}])
    page = to_html(report(table))
    assert page == to_html(report(table))
    assert "&lt;script&gt;" in page and "T &amp; co" in page and '<script>"' not in page


def test_downloads_are_single_files_or_deterministic_zips() -> None:
    import zipfile

    from spinscope.export import download_bytes

    name, data, mime = download_bytes(report(TABLE), "csv")
    assert (name, mime) == ("spinscope-kpi-2026-W47-csv.zip", "application/zip")
    assert data == download_bytes(report(TABLE), "csv")[1]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "spinscope-kpi-2026-W47/csv/money.csv" in z.namelist()
        assert z.read("spinscope-kpi-2026-W47/csv/money.csv") == to_csv(TABLE)
    assert download_bytes(report(TABLE), "xlsx")[0] == "spinscope-kpi-2026-W47.xlsx"
