"""RTP compliance report on seeded spins: known answers computed by hand (Decimal, statistics.NormalDist).

A tiny catalogued game (RTP 0.5, σ 0.05) with a 3-day window, 95 % confidence and a 5-point
precision needs ceil((1.959964·0.05/0.05)²) = 4 effective spins before it is judged, so a handful
of spins exercise every decision. The day D0 = first - 1 holds the play both report days see; a
spin on first - 3 lies outside every window and must never count.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import NormalDist

import pytest

from spinscope.catalog import CatalogEntry
from spinscope.configuration import load_config
from spinscope.db import Store
from spinscope.export.compliance import gather_compliance
from spinscope.export.compliance_render import download, export_compliance, report_files
from spinscope.rtp.compliance import ComplianceSettings
from spinscope.schema.migrate import RenderOptions, migrate
from tests.sql.spans import Spin, insert_spins

FIRST = date(2026, 11, 20)
LAST = FIRST + timedelta(days=1)
D0 = datetime.combine(FIRST - timedelta(days=1), time(12))
SETTINGS = ComplianceSettings(3, Decimal("0.95"), Decimal("0.05"), {"EUR": (Decimal("1"),)})
CONFIG = dataclasses.replace(
    load_config(),
    catalog={
        ("tiny", "1.0"): CatalogEntry("tiny", "1.0", Decimal("0.5"), Decimal("0.05")),
        ("quiet", "2.0"): CatalogEntry("quiet", "2.0", Decimal("0.9"), Decimal("3")),
    },
    compliance=SETTINGS,
)
Z95 = NormalDist().inv_cdf(0.975)
NEEDED = math.ceil((Z95 * 0.05 / 0.05) ** 2)  # 4 effective spins


def seed(client) -> None:  # type: ignore[no-untyped-def]
    m = lambda n: D0 + timedelta(minutes=n)  # noqa: E731
    tiny = {"game_id": "tiny", "game_version": "1.0", "player_id": "p1", "session_id": "s1"}
    insert_spins(
        client,
        [
            Spin("e1", m(0), bet="2", win="2", channel="web", **tiny),
            Spin("e2", m(1), bet="2", win="0", channel="ios", **tiny),
            Spin("e3", m(2), bet="2", win="0", channel="ios", **tiny),
            Spin("e4", m(3), bet="2", win="0", channel="ios", **tiny),
            Spin("e5", m(4), bet="0", win="1", mode="free", channel="ios", **tiny),  # stake 2: the session's last bet
            Spin(
                "orphan",
                m(5),
                bet="0",
                win="0.5",
                mode="free",
                channel="web",
                game_id="tiny",
                game_version="1.0",
                player_id="p2",
                session_id="s2",
            ),  # no paid spin in its session: unattributed
            *(
                Spin(f"u{i}", m(10 + i), bet="1", win="0.5", currency="USD", game_id="tiny", game_version="1.0")
                for i in range(4)
            ),
            Spin("rogue", m(20), bet="1", win="3", game_id="rogue", game_version="9.9"),
            # first - 2: in the first day's window only
            Spin("k1", datetime.combine(FIRST - timedelta(days=2), time(0, 0, 1)), bet="1000", currency="KRW", **tiny),
            # before every window (first - 3, 23:59): must not count
            Spin("early", datetime.combine(FIRST - timedelta(days=3), time(23, 59)), bet="2", win="100", **tiny),
        ],
    )


@pytest.fixture(scope="module")
def seeded(session_store):  # type: ignore[no-untyped-def]
    """One migrated database with the seed, shared by the module's tests (they only read it)."""
    database = "rtpc_" + uuid.uuid4().hex[:12]
    admin = session_store.new_client(database=None)
    admin.command(f"CREATE DATABASE {database}")
    migrate(admin, RenderOptions(database=database), log=lambda *_: None)
    store = Store(dsn=session_store.dsn, database=database)
    seed(store.client())
    yield store.client()
    store.close()
    admin.command(f"DROP DATABASE IF EXISTS {database} SYNC")


@pytest.fixture(scope="module")
def report(seeded):  # type: ignore[no-untyped-def]
    return gather_compliance(seeded, FIRST, LAST, CONFIG)


def rows_of(report, table: str, **match):  # type: ignore[no-untyped-def]
    return [r for r in report.table(table).rows if all(r.get(k) == v for k, v in match.items())]


def test_per_currency_rows_carry_hand_computed_figures_and_decisions(report) -> None:  # type: ignore[no-untyped-def]
    eur = rows_of(report, "by_currency", game_id="tiny", currency="EUR")
    assert [r["day"] for r in eur] == [FIRST, LAST]
    for row in eur:  # D0 is in both windows; the early spin in neither
        assert (row["spins"], row["paid_spins"]) == (6, 4)
        assert row["handle_amount"] == Decimal("8")
        assert row["win_amount"] == Decimal("3.5")
        assert row["actual_rtp"] == Decimal("0.4375")
        assert row["variance_points"] == Decimal("-6.25")
        assert row["variance_amount"] == Decimal("-0.5")  # 3.5 - 0.5 * 8
        assert row["effective_spins"] == 4  # 8² / (4 · 2²)
        assert row["z"] == Decimal("-2.500")  # (0.4375 - 0.5) · √4 / 0.05
        half = Decimal(repr(Z95 * 0.05 / 2)).quantize(Decimal("1e-6"))
        assert (row["range_low"], row["range_high"]) == (Decimal("0.5") - half, Decimal("0.5") + half)
        assert (row["decision"], row["control"], row["reference"]) == ("outside", "band", "catalog")
    usd = rows_of(report, "by_currency", game_id="tiny", currency="USD", day=LAST)[0]
    assert (usd["actual_rtp"], usd["z"], usd["decision"]) == (Decimal("0.5"), Decimal("0.000"), "within")
    holm_p = min(1.0, 2 * 2 * (1 - NormalDist().cdf(2.5)))  # two judged rows that day
    assert eur[-1]["holm_p"] == Decimal(repr(holm_p)).quantize(Decimal("1e-6"))
    assert usd["holm_p"] == Decimal(1)


def test_every_catalog_version_without_play_says_no_activity_and_unknown_ones_no_reference(report) -> None:  # type: ignore[no-untyped-def]
    for table in ("by_currency", "by_stake_band", "by_channel"):
        quiet = rows_of(report, table, game_id="quiet")
        assert [(r["day"], r["currency"], r["decision"], r["spins"]) for r in quiet] == [
            (FIRST, "*", "No Activity", 0),
            (LAST, "*", "No Activity", 0),
        ]
    rogue = rows_of(report, "by_currency", game_id="rogue", day=LAST)[0]
    assert (rogue["actual_rtp"], rogue["decision"], rogue["control"], rogue["range_low"]) == (
        Decimal(3),
        "no reference",
        "reference",
        None,
    )


def test_a_window_slides_by_one_day_and_an_emptied_stream_says_no_activity(report) -> None:  # type: ignore[no-untyped-def]
    krw = rows_of(report, "by_currency", game_id="tiny", currency="KRW")
    assert [(r["day"], r["window_start"], r["spins"], r["decision"]) for r in krw] == [
        (FIRST, FIRST - timedelta(days=2), 1, "insufficient volume"),
        (LAST, FIRST - timedelta(days=1), 0, "No Activity"),
    ]
    assert krw[1]["handle_amount"] == 0 and krw[1]["actual_rtp"] is None


def test_stake_bands_take_free_spins_to_their_sessions_stake(report) -> None:  # type: ignore[no-untyped-def]
    bands = {r["stake_band"]: r for r in rows_of(report, "by_stake_band", game_id="tiny", currency="EUR", day=LAST)}
    assert set(bands) == {">= 1", "unattributed"}
    high = bands[">= 1"]
    assert (high["spins"], high["paid_spins"], high["win_amount"], high["actual_rtp"]) == (
        5,
        4,
        Decimal("3"),
        Decimal("0.375"),
    )
    assert (high["z"], high["decision"]) == (Decimal("-5.000"), "outside")
    orphan = bands["unattributed"]
    assert (orphan["spins"], orphan["handle_amount"], orphan["decision"], orphan["control"]) == (
        1,
        Decimal(0),
        "insufficient volume",
        "volume",
    )
    assert orphan["spins_still_needed"] == NEEDED - 1  # no stakes: one recorded spin per effective spin
    usd = rows_of(report, "by_stake_band", game_id="tiny", currency="USD", day=LAST)[0]
    assert usd["stake_band"] == "all stakes"  # USD has no configured bands


def test_channels_below_the_volume_say_how_many_spins_they_still_need(report) -> None:  # type: ignore[no-untyped-def]
    channels = {r["channel"]: r for r in rows_of(report, "by_channel", game_id="tiny", currency="EUR", day=LAST)}
    web, ios = channels["web"], channels["ios"]
    # web: one paid spin (n_eff 1) and the orphan free spin: 2 recorded spins per effective spin
    assert (web["spins"], web["effective_spins"], web["decision"]) == (2, 1, "insufficient volume")
    assert web["spins_still_needed"] == math.ceil(NEEDED * 2 / 1) - 2
    # ios: three paid spins of 2 and a free spin: 4 spins over n_eff 3
    assert ios["actual_rtp"] == (Decimal(1) / Decimal(6)).quantize(Decimal("1e-18"))
    assert ios["spins_still_needed"] == math.ceil(NEEDED * 4 / 3) - 4


def test_summary_lists_outside_streams_since_when_with_the_evidence_line(report) -> None:  # type: ignore[no-untyped-def]
    summary = report.table("summary").rows
    assert [(s["table"], s["currency"], s["segment"], s["outside_since"], s["outside_days"]) for s in summary] == [
        ("by_currency", "EUR", "*", FIRST, 2),
        ("by_stake_band", "EUR", ">= 1", FIRST, 2),
    ]
    assert report.tables[0].name == "summary"
    lines = report_files(report, "csv")["csv/by_currency.csv"].decode().splitlines()
    line = int(summary[0]["evidence"].rsplit(" ", 1)[1])
    evidence = dict(zip(lines[0].split(","), next(csv.reader([lines[line - 1]])), strict=True))
    assert (evidence["game_id"], evidence["currency"], evidence["day"], evidence["decision"]) == (
        "tiny",
        "EUR",
        str(FIRST),
        "outside",
    )
    assert evidence["win_amount"] == "3.5" and evidence["variance_amount"] == "-0.5"


def test_every_summary_link_of_the_printed_report_lands_on_its_row(report) -> None:  # type: ignore[no-untyped-def]
    from spinscope.export.compliance_render import to_html

    page = to_html(report)
    for row in report.table("summary").rows:
        target = f"{row['evidence_table']}-{row['evidence_row']}"
        assert f'href="#{target}"' in page and f'id="{target}"' in page, target


def test_csv_and_xlsx_are_the_same_bytes_every_time(seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    once = export_compliance(seeded, FIRST, LAST, tmp_path / "a", CONFIG, "csv,xlsx")
    again = export_compliance(seeded, str(FIRST), str(LAST), tmp_path / "b", CONFIG, "csv,xlsx")
    assert [f.relative_to(tmp_path / "a") for f in once.files] == [f.relative_to(tmp_path / "b") for f in again.files]
    for a, b in zip(once.files, again.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert len(once.files) == 6  # five CSV tables and the workbook
    name, data, mime = download(once.report, "csv")
    assert (name, mime) == (f"spinscope-rtp-compliance-{FIRST}-{LAST}-csv.zip", "application/zip")
    assert data == download(again.report, "csv")[1]


def test_the_workbook_keeps_exact_figures_and_links_the_summary_to_its_evidence(report) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report_files(report, "xlsx")[f"{report.stem}.xlsx"]))
    assert book.sheetnames == ["summary", "about", "by_currency", "by_stake_band", "by_channel"]
    summary = book["summary"]
    header = [c.value for c in summary[1]]
    link = summary.cell(2, header.index("evidence") + 1).hyperlink
    assert link.location == f"'by_currency'!A{report.table('summary').rows[0]['evidence_row'] + 2}"
    sheet = book["by_currency"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[int(link.location.rsplit("A", 1)[1])]]
    assert row[header.index("decision")] == "outside"
    assert row[header.index("win_amount")] == 3.5


@pytest.fixture(scope="module")
def pdftoppm() -> str:
    """Debian's poppler-utils pdftoppm, installed with apt-get when missing (CI runs as root on Debian)."""
    import os
    import shutil
    import subprocess

    found = shutil.which("pdftoppm")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("pdftoppm is missing and cannot be installed here (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "poppler-utils"], check=True, env=env, timeout=600)
    return shutil.which("pdftoppm") or pytest.fail("poppler-utils installed but pdftoppm not found")


def test_the_pdf_renders_the_summary_first_and_each_evidence_table_on_its_pages(report, pdftoppm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_files(report, "pdf")[f"{report.stem}.pdf"])
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 4  # summary and about, then by_currency, by_stake_band, by_channel from new pages
    first = Image.open(pages[0]).convert("L")
    assert first.width > first.height  # A4 landscape
    dark = sum(1 for p in first.get_flattened_data() if p < 128)
    assert dark > 0.005 * first.width * first.height, "the first page shows text"
    # the outside rows are shaded: the evidence pages hold the highlight colour (#fde0dc)
    evidence = Image.open(pages[1]).convert("RGB")
    assert any(
        abs(r - 0xFD) < 6 and abs(g - 0xE0) < 6 and abs(b - 0xDC) < 6 for r, g, b in evidence.get_flattened_data()
    )
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    summary_page = text.split("\f")[0]
    assert "RTP compliance report 2026-11-20 to 2026-11-21" in summary_page
    assert "by_currency.csv line" in summary_page and "outside" in summary_page
    assert "No Activity" in text and "insufficient volume" in text
