"""Weekly export on seeded spins: known-answer figures read back from xlsx, CSV, Parquet and the archive."""

from __future__ import annotations

import csv
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from spinscope.configuration import load_config
from spinscope.currencies import sync_scales
from spinscope.export import archive_trend, export_weekly, last_complete_week, week_name
from spinscope.export.archive import archive_weeks
from tests.sql.spans import Spin, insert_spins

MONDAY = last_complete_week(datetime.now(UTC))
WEEK = week_name(MONDAY)
PREVIOUS = MONDAY - timedelta(days=7)
TUESDAY_10 = datetime.combine(MONDAY + timedelta(days=1), datetime.min.time()).replace(hour=10)
BIG_WIN = "12345678901234.56"  # 16 significant digits: more than an Excel double holds


def seed(client) -> None:  # type: ignore[no-untyped-def]
    # Exactness to 18 digits in every format is what these exports test, so every currency may have 18 here
    # (the shipped table would refuse EUR amounts finer than a cent: tests/sql/test_money.py).
    sync_scales(client, client.database, {})
    t, p = TUESDAY_10, datetime.combine(PREVIOUS, datetime.min.time()).replace(hour=12)
    insert_spins(
        client,
        [
            Spin("a", t, bet="1.25", win="0", player_id="p1", session_id="s1"),
            Spin(
                "b", t + timedelta(minutes=1), bet="2.50", win="10.000000000000000001", player_id="p1", session_id="s1"
            ),
            Spin("c", t + timedelta(minutes=2), bet="0.50", win="0.25", player_id="p2", session_id="s2"),
            Spin(
                "d", t + timedelta(minutes=3), bet="0.25", player_id="p2", session_id="s2", error_type="wallet_timeout"
            ),
            Spin(
                "e",
                t + timedelta(days=2),
                bet="3",
                win="0",
                game_id="lucky-sevens",
                game_version="3.1.0",
                player_id="p3",
                session_id="s3",
            ),
            Spin(
                "k",
                t,
                bet="99999999999999",
                win=BIG_WIN,
                currency="KRW",
                game_id="mega-vault",
                game_version="1.0.0",
                player_id="p9",
                session_id="s9",
            ),
            # the previous week: EUR on fortune-tiger, and USD that stopped this week
            Spin("p", p, bet="2", win="1", player_id="p1", session_id="s0"),
            Spin("u", p, bet="5", win="0", currency="USD", player_id="p7", session_id="s7"),
        ],
    )


CONFIG = load_config()
EUR_HANDLE = Decimal("1.25") + Decimal("2.50") + Decimal("0.50") + Decimal("3")  # d failed: moved no money
EUR_WINS = Decimal("10.000000000000000001") + Decimal("0.25")


@pytest.fixture
def exported(store_client, tmp_path: Path):  # type: ignore[no-untyped-def]
    seed(store_client)
    result = export_weekly(store_client, WEEK, tmp_path / "out", CONFIG)
    return store_client, tmp_path / "out", result


def headline(rows, currency: str, metric: str):  # type: ignore[no-untyped-def]
    return next(r for r in rows if r["currency"] == currency and r["metric"] == metric)


def test_every_format_holds_the_known_answers(exported) -> None:  # type: ignore[no-untyped-def]
    _client, out, result = exported
    folder = out / WEEK
    assert (result.iso_week, result.spins, result.currencies) == (WEEK, 6, ("EUR", "KRW"))
    assert {p.relative_to(folder).as_posix() for p in result.files} >= {
        f"spinscope-kpi-{WEEK}.xlsx",
        f"spinscope-kpi-{WEEK}.html",
        "csv/headline.csv",
        "parquet/games.parquet",
    }

    # CSV: exact decimal strings
    rows = list(csv.DictReader((folder / "csv/headline.csv").open()))
    handle = headline(rows, "EUR", "handle_amount")
    assert (handle["this_week"], handle["previous_week"], handle["change"], handle["change_ratio"]) == (
        str(EUR_HANDLE),
        "2",
        str(EUR_HANDLE - 2),
        str((EUR_HANDLE - 2) / 2),
    )
    assert headline(rows, "EUR", "ggr_amount")["this_week"] == str(EUR_HANDLE - EUR_WINS)
    usd = headline(rows, "USD", "spins")
    assert (usd["this_week"], usd["previous_week"], usd["change"], usd["change_ratio"]) == ("0", "1", "-1", "-1")
    games = {(r["game_id"], r["currency"]): r for r in csv.DictReader((folder / "csv/games.csv").open())}
    assert games[("mega-vault", "KRW")]["win_amount"] == BIG_WIN
    assert games[("fortune-tiger", "EUR")]["theoretical_rtp"] == "0.966481"
    assert games[("fortune-tiger", "EUR")]["rtp_state"] == "low_volume"  # a handful of spins: not testable yet
    assert games[("fortune-tiger", "EUR")]["active_players"] == "2"

    # Parquet: decimal128(38, 18), exact
    table = pq.read_table(folder / "parquet/games.parquet")
    assert str(table.schema.field("handle_amount").type) == "decimal128(38, 18)"
    pq_games = {(r["game_id"], r["currency"]): r for r in table.to_pylist()}
    assert pq_games[("fortune-tiger", "EUR")]["win_amount"] == EUR_WINS
    assert pq_games[("mega-vault", "KRW")]["win_amount"] == Decimal(BIG_WIN)
    daily = pq.read_table(folder / "parquet/daily.parquet")
    assert str(daily.schema.field("day").type) == "date32[day]"

    # Excel: typed cells, frozen header, exact twin column, charts
    book = load_workbook(folder / f"spinscope-kpi-{WEEK}.xlsx")
    assert book.sheetnames[:3] == ["about", "headline", "games"]
    sheet = book["headline"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    xl_rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    xl_handle = headline(xl_rows, "EUR", "handle_amount")
    assert xl_handle["this_week"] == float(EUR_HANDLE) and isinstance(xl_handle["this_week"], float)
    assert sheet.cell(row=xl_rows.index(xl_handle) + 2, column=header.index("this_week") + 1).number_format.startswith(
        "#,##0.00"
    )
    xl_games = book["games"]
    g_header = [c.value for c in xl_games[1]]
    assert "win_amount_exact" in g_header and "handle_amount_exact" not in g_header
    krw = next(r for r in xl_games.iter_rows(min_row=2, values_only=True) if r[g_header.index("currency")] == "KRW")
    assert krw[g_header.index("win_amount_exact")] == BIG_WIN
    assert krw[g_header.index("win_amount")] == float(Decimal(BIG_WIN))
    day_cell = book["daily"]["A2"]
    assert day_cell.is_date and day_cell.value.date() == MONDAY + timedelta(days=1)
    with zipfile.ZipFile(folder / f"spinscope-kpi-{WEEK}.xlsx") as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) >= 2

    # HTML: charts drawn as inline SVG; the page loads nothing (no scripts, no remote resources)
    page = (folder / f"spinscope-kpi-{WEEK}.html").read_text()
    assert page.count('<figure id="') == page.count("<svg ") == 4
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/", "")
    assert "Spins per day" in page  # the chart's title, drawn as SVG text
    assert str(EUR_HANDLE) in page


def test_reexport_replaces_the_archived_week_and_files_are_identical(exported) -> None:  # type: ignore[no-untyped-def]
    client, out, first = exported
    before = {p: p.read_bytes() for p in first.files}
    counts_before = archive_weeks(out / "kpi_archive.duckdb")
    second = export_weekly(client, WEEK, out, CONFIG)
    assert second.archived_rows == first.archived_rows
    assert archive_weeks(out / "kpi_archive.duckdb") == counts_before == {WEEK: 2}
    assert {p: p.read_bytes() for p in second.files} == before  # byte-identical, xlsx included
    trend = archive_trend(out / "kpi_archive.duckdb", weeks=12)
    assert [(r["iso_week"], r["currency"], r["handle_amount"]) for r in trend] == [
        (WEEK, "EUR", EUR_HANDLE),
        (WEEK, "KRW", Decimal("99999999999999")),
    ]
    assert trend[0]["win_amount"] == EUR_WINS


def test_an_empty_week_still_writes_every_file(store_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    progress: list[tuple[int, int]] = []
    result = export_weekly(store_client, "2026-W30", tmp_path, CONFIG, progress=lambda d, t: progress.append((d, t)))
    assert result.spins == 0 and result.currencies == ()
    assert progress[-1][0] == progress[-1][1] and len(progress) == 5 + 4 + 1
    folder = tmp_path / "2026-W30"
    assert (folder / "csv/headline.csv").read_text().startswith("currency,metric,unit,this_week")
    assert pq.read_table(folder / "parquet/games.parquet").num_rows == 0
    about = {r["item"]: r["value"] for r in csv.DictReader((folder / "csv/about.csv").open())}
    assert about["status"] == "no spins in 2026-W30: every table is empty"
    assert about["generated_for_week"] == "2026-W30"
    book = load_workbook(folder / "spinscope-kpi-2026-W30.xlsx")
    assert book["games"]["A2"].value.startswith("(no rows")
    assert "no spins in 2026-W30" in (folder / "spinscope-kpi-2026-W30.html").read_text()
    assert archive_trend(tmp_path / "kpi_archive.duckdb") == []
    assert date.fromisocalendar(2026, 30, 1) == result.week_start


def test_several_currencies_of_one_game_are_never_summed(store_client, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    t = TUESDAY_10
    insert_spins(
        store_client,
        [
            Spin("e1", t, bet="1.10", win="2", currency="EUR", player_id="p1"),
            Spin("g1", t, bet="3.30", win="0", currency="GBP", player_id="p1"),
            Spin("g2", t + timedelta(hours=1), bet="0.70", win="0.70", currency="GBP", player_id="p2"),
            Spin("j1", t, bet="500", win="1000", currency="JPY", player_id="p3"),
        ],
    )
    monkeypatch.setenv("SPINSCOPE_ARCHIVE", str(tmp_path / "elsewhere" / "kpis.duckdb"))
    result = export_weekly(store_client, WEEK, tmp_path, CONFIG, formats="csv")
    assert result.currencies == ("EUR", "GBP", "JPY") and result.archive_path == tmp_path / "elsewhere/kpis.duckdb"
    games = list(csv.DictReader((tmp_path / WEEK / "csv/games.csv").open()))
    assert [(g["currency"], g["handle_amount"], g["ggr_amount"], g["active_players"]) for g in games] == [
        ("EUR", "1.1", "-0.9", "1"),
        ("GBP", "4", "3.3", "2"),
        ("JPY", "500", "-500", "1"),
    ]
    assert len({g["rtp_state"] for g in games}) == 1  # the game version's state, currencies combined
    totals = archive_trend(result.archive_path)
    assert [(r["currency"], r["handle_amount"]) for r in totals] == [
        ("EUR", Decimal("1.1")),
        ("GBP", Decimal(4)),
        ("JPY", Decimal(500)),
    ]
    heads = list(csv.DictReader((tmp_path / WEEK / "csv/headline.csv").open()))
    assert sorted({h["currency"] for h in heads}) == ["EUR", "GBP", "JPY"]
    assert not (tmp_path / WEEK / f"spinscope-kpi-{WEEK}.xlsx").exists()


def test_slo_sheet_and_archive_trend_over_weeks(exported) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    client, out, _ = exported
    export_weekly(client, week_name(PREVIOUS), out, CONFIG, formats=("csv",))
    slo = {(r["slo"], r["slo_group"]): r for r in csv.DictReader((out / WEEK / "csv/slo.csv").open())}
    availability = slo[("spin-availability", "")]
    assert (availability["target"], availability["good_events"], availability["bad_events"]) == ("0.999", "7", "1")
    assert availability["window_end_at"] == f"{MONDAY + timedelta(days=7)}T00:00:00Z"  # evaluated at the week's end
    trend = archive_trend(out / "kpi_archive.duckdb", weeks=2)
    assert [(r["iso_week"], r["currency"]) for r in trend] == [
        (week_name(PREVIOUS), "EUR"),
        (week_name(PREVIOUS), "USD"),
        (WEEK, "EUR"),
        (WEEK, "KRW"),
    ]
    assert [r["iso_week"] for r in archive_trend(out / "kpi_archive.duckdb", weeks=1)] == [WEEK, WEEK]
    with duckdb.connect(str(out / "kpi_archive.duckdb"), read_only=True) as con:
        kinds = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'games'"
            ).fetchall()
        )
        weeks = con.execute("SELECT iso_week, count(*) FROM games GROUP BY ALL ORDER BY 1").fetchall()
    assert kinds["handle_amount"] == "DECIMAL(38,18)" and kinds["week_start"] == "DATE"
    assert weeks == [(week_name(PREVIOUS), 2), (WEEK, 3)]
