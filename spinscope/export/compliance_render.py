"""The RTP compliance report's files: CSV and XLSX (byte-deterministic), HTML, and PDF rendered from that HTML.

CSV uses the weekly export's exact writer (formats.to_csv: decimal strings, never floats); the
workbook uses its sheet writer (xlsx: typed cells, `_exact` text twins for figures a double cannot
hold) with fixed document properties, plus internal links from the summary to the evidence rows.
The PDF is the HTML page printed by WeasyPrint (a real layout engine from PyPI: `pip install
weasyprint`, which needs the system's Pango), summary on the first page, each evidence table from a
new page, and the summary's evidence cells linking to the row inside the PDF. CSV and XLSX depend on
the report only; the PDF embeds no clock either, but byte equality is not promised for it.
"""

from __future__ import annotations

import html
import io
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client
from xlsxwriter.workbook import Workbook

from spinscope.configuration import Config
from spinscope.errors import UserError
from spinscope.export import formats as machine
from spinscope.export.compliance import GATHER_STEPS, ComplianceReport, gather_compliance
from spinscope.export.tables import Column, Table
from spinscope.export.xlsx import EXCEL_MIME, Sheets, workbook

FORMATS = ("csv", "xlsx", "pdf", "html")
DEFAULT_FORMATS = ("csv", "xlsx", "pdf")
MAX_DAYS = 366
MIME_TYPES = {"csv": "application/zip", "xlsx": EXCEL_MIME, "pdf": "application/pdf", "html": "text/html"}
STYLE = """
@page { size: A4 landscape; margin: 10mm 8mm 12mm;
        @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 7pt; color: #666; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 7pt; color: #222; }
h1 { font-size: 14pt; margin: 0 0 4pt; } h2 { font-size: 10pt; margin: 10pt 0 4pt; }
section.evidence { page-break-before: always; }
table { border-collapse: collapse; width: 100%; margin: 0 0 8pt; }
section.evidence table { font-size: 6pt; }
th, td { border: 0.5pt solid #bbb; padding: 1.5pt 2pt; vertical-align: top; }
th { background: #eee; text-align: left; font-size: 6pt; }
td.n, td.d { text-align: right; white-space: nowrap; }
table.about th:first-child { width: 15%; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
.outside { background: #fde0dc; font-weight: bold; } .quiet { color: #777; }
.status { font-size: 10pt; margin: 4pt 0 8pt; } .note { color: #555; }
a { color: #1a4f9c; }
"""
NO_OUTSIDE = "No game version was outside its acceptable range in the period."
# The printed report stays readable (and fast to lay out) at any fleet size: it shows every stream
# on the last day and every day of the streams that were outside; the CSV and XLSX hold every row.
PRINTED = (
    "This page shows each table on the period's last day and every day of the streams that were outside their "
    "range (the summary links to them); the CSV and XLSX files of the same report hold every day of every stream."
)


class ComplianceRequestError(UserError, ValueError):
    pass


def parse_formats(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """'csv,pdf' (or a sequence) → the formats in canonical order; None → csv, xlsx, pdf."""
    if text is None:
        return DEFAULT_FORMATS
    parts = [p.strip().lower() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    unknown = sorted(set(parts) - set(FORMATS))
    if unknown or not parts:
        raise ComplianceRequestError(
            f"--format {text!r}: unknown {unknown or 'empty list'}; use any of {','.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in parts)


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ComplianceRequestError(f"{option} {text!r}: not a day; write YYYY-MM-DD, e.g. 2026-11-30") from None


def resolve_period(first: str | date | None, last: str | date | None, today: date) -> tuple[date, date]:
    """--from/--to as days: `to` defaults to yesterday (the last complete UTC day), `from` to 6 days before it."""
    end = last if isinstance(last, date) else parse_day(last, "--to") if last else today - timedelta(days=1)
    start = first if isinstance(first, date) else parse_day(first, "--from") if first else end - timedelta(days=6)
    if start > end:
        raise ComplianceRequestError(f"--from {start} is after --to {end}: give the earlier day first")
    if (end - start).days + 1 > MAX_DAYS:
        raise ComplianceRequestError(f"--from {start} --to {end}: at most {MAX_DAYS} days per report; split it")
    return start, end


# ---------------------------------------------------------------- XLSX


def to_xlsx(report: ComplianceReport) -> bytes:
    """The workbook: a sheet per table in report order, the summary's evidence cells linking to their rows."""
    properties = {
        "title": f"spinscope RTP compliance {report.first_day} to {report.last_day}",
        "subject": "RTP compliance report",
        "created": datetime.combine(report.last_day + timedelta(days=1), time()),
        "comments": f"period={report.first_day}..{report.last_day}",
    }

    def link_evidence(book: Workbook, sheets: Sheets) -> None:
        sheet, positions = sheets["summary"]
        summary = next(table for table in report.tables if table.name == "summary")
        if not summary.rows:
            sheet.write_string(1, 0, NO_OUTSIDE)
        link = book.add_format({"font_color": "blue", "underline": 1})
        for r, row in enumerate(summary.rows, start=1):
            target = f"internal:'{row['evidence_table']}'!A{row['evidence_row'] + 2}"
            sheet.write_url(r, positions["evidence"], target, link, string=row["evidence"])

    return workbook(report.tables, properties, link_evidence)


# ---------------------------------------------------------------- HTML and PDF


def _cell(column: Column, value: Any) -> str:
    """Display text: money and counts exact, ratios as percentages at 4 places (the CSV keeps every digit)."""
    if value is None:
        return ""
    if column.fmt == "percent" and isinstance(value, Decimal):
        return f"{(value * 100).quantize(Decimal('0.0001'), rounding=ROUND_HALF_EVEN)} %"
    if column.name == "variance_points" and isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN))
    if column.kind == "int":
        return f"{value:,}"
    return machine.csv_value(value)


def _table_html(table: Table, rows: list[tuple[int, dict[str, Any]]] | None = None, anchors: bool = False) -> str:
    """`rows` as (index in the table, row) (default: all); anchors `<table>-<index>` let the summary link to a row."""
    head = "".join(f"<th>{html.escape(c.name.replace('_', ' '))}</th>" for c in table.columns)
    rows = list(enumerate(table.rows)) if rows is None else rows
    if not rows:
        text = NO_OUTSIDE if table.name == "summary" or anchors else "no rows"
        empty = f'<tr><td colspan="{len(table.columns)}" class="quiet">{text}</td></tr>'
        return f'<table class="{table.name}"><thead><tr>{head}</tr></thead><tbody>{empty}</tbody></table>'
    body = []
    for index, row in rows:
        decision = row.get("decision", "")
        css = ' class="outside"' if decision == "outside" else ' class="quiet"' if decision == "No Activity" else ""
        anchor = f' id="{table.name}-{index}"' if anchors else ""
        cells = []
        for column in table.columns:
            text = html.escape(_cell(column, row.get(column.name)))
            if column.name == "evidence":
                text = f'<a href="#{row["evidence_table"]}-{row["evidence_row"]}">{text}</a>'
            numeric = column.kind in ("int", "float", "decimal")
            css_class = " class=n" if numeric else " class=d" if column.kind == "date" else ""
            cells.append(f"<td{css_class}>{text}</td>")
        body.append(f"<tr{anchor}{css}>{''.join(cells)}</tr>")
    return f'<table class="{table.name}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _stream(row: dict[str, Any]) -> tuple[str, ...]:
    return (row["game_id"], row["game_version"], row["currency"], row.get("stake_band") or row.get("channel") or "*")


def to_html(report: ComplianceReport) -> str:
    """One self-contained page: summary and settings first, then per table (from a new printed page) every
    stream on the last day and the daily rows of the streams outside their range (see PRINTED)."""
    summary = report.table("summary")
    title = f"RTP compliance report {report.first_day} to {report.last_day}"
    status = (
        f"{len(summary.rows)} stream(s) outside their acceptable range in the period: see the table below."
        if summary.rows
        else NO_OUTSIDE
    )
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="status"><strong>{html.escape(status)}</strong></p>',
        f"<h2>{html.escape(summary.title)}</h2>",
        _table_html(summary),
        f"<h2>{html.escape(report.table('about').title)}</h2>",
        _table_html(report.table("about")),
        f'<p class="note">{html.escape(PRINTED)}</p>',
    ]
    for table in report.tables[2:]:
        last = [(i, r) for i, r in enumerate(table.rows) if r["day"] == report.last_day]
        flagged = {
            (s["game_id"], s["game_version"], s["currency"], s["segment"])
            for s in summary.rows
            if s["evidence_table"] == table.name
        }
        daily = [(i, r) for i, r in enumerate(table.rows) if _stream(r) in flagged]
        parts.append(f'<section class="evidence"><h2>{html.escape(table.title)}: {report.last_day}</h2>')
        parts.append(_table_html(table, last))
        parts.append(f"<h2>{html.escape(table.name)}: every day of the streams outside their range</h2>")
        parts.append(_table_html(table, daily, anchors=True))
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def to_pdf(report: ComplianceReport) -> bytes:
    """The HTML page printed to PDF by WeasyPrint (metadata from the report, no clock)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing from the system
        raise ComplianceRequestError(
            f"PDF needs WeasyPrint and the system's Pango ({exc}); install them "
            "(pip install weasyprint; apt-get install libpango-1.0-0 libpangoft2-1.0-0) or leave pdf out of --format"
        ) from None
    document = weasyprint.HTML(string=to_html(report)).render()
    document.metadata.title = f"RTP compliance report {report.first_day} to {report.last_day}"
    document.metadata.authors = ["spinscope"]
    document.metadata.created = document.metadata.modified = f"{report.last_day + timedelta(days=1)}T00:00:00Z"
    return document.write_pdf()


# ---------------------------------------------------------------- files


def report_files(report: ComplianceReport, fmt: str) -> dict[str, bytes]:
    """File name (relative to the report's folder) → bytes, for one format."""
    if fmt == "csv":
        return {f"csv/{t.name}.csv": machine.to_csv(t) for t in report.tables}
    if fmt == "xlsx":
        return {f"{report.stem}.xlsx": to_xlsx(report)}
    if fmt == "html":
        return {f"{report.stem}.html": to_html(report).encode("utf-8")}
    if fmt == "pdf":
        return {f"{report.stem}.pdf": to_pdf(report)}
    raise ComplianceRequestError(f"format {fmt!r}: use any of {','.join(FORMATS)}")


def download_name(first: date, last: date, fmt: str) -> tuple[str, str]:
    """(file name, MIME type) of one format's download, known before the report is gathered."""
    stem = f"spinscope-rtp-compliance-{first}-{last}"
    if fmt not in FORMATS:
        raise ComplianceRequestError(f"format {fmt!r}: use any of {','.join(FORMATS)}")
    return (f"{stem}-csv.zip" if fmt == "csv" else f"{stem}.{fmt}"), MIME_TYPES[fmt]


def download(report: ComplianceReport, fmt: str) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) as one download; CSV as a zip of its tables dated 1980-01-01 (deterministic)."""
    files = report_files(report, fmt)
    if fmt != "csv":
        name, data = next(iter(files.items()))
        return name, data, MIME_TYPES[fmt]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{report.stem}/{name}", (1980, 1, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return f"{report.stem}-csv.zip", buffer.getvalue(), MIME_TYPES["csv"]


@dataclass
class ComplianceResult:
    report: ComplianceReport
    files: list[Path]

    def to_json(self) -> dict[str, Any]:
        r = self.report
        return {
            "from": r.first_day.isoformat(),
            "to": r.last_day.isoformat(),
            "window_days": r.settings.window_days,
            "environment": r.environment or "*",
            "outside": [
                {k: row[k] for k in ("table", "game_id", "game_version", "currency", "segment", "outside_since")}
                for row in r.table("summary").rows
            ],
            "row_counts": {t.name: len(t.rows) for t in r.tables},
            "files": [str(f) for f in self.files],
        }


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path


def export_compliance(
    client: Client,
    first: str | date | None,
    last: str | date | None,
    out_dir: str | Path,
    config: Config,
    formats: Sequence[str] | str | None = None,
    environment: str = "",
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ComplianceResult:
    """Gather the report for --from..--to and write each format to <out_dir>/rtp-compliance-<from>-<to>/."""
    wanted = parse_formats(formats)
    start, end = resolve_period(first, last, today or datetime.now(UTC).date())
    total = GATHER_STEPS + len(wanted)

    def gathered(done: int, _steps: int) -> None:
        if progress is not None:
            progress(done, total)

    report = gather_compliance(client, start, end, config, environment, progress=gathered)
    folder = Path(out_dir) / f"rtp-compliance-{start}-{end}"
    files = []
    for done, fmt in enumerate(wanted, start=GATHER_STEPS + 1):
        for name, data in report_files(report, fmt).items():
            files.append(_write(folder / name, data))
        if progress is not None:
            progress(done, total)
    return ComplianceResult(report, files)
