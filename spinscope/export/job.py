"""`spinscope export weekly`: gather one ISO week, write the requested formats, upsert the archive.

Files land in <out_dir>/<iso week>/ (spinscope-kpi-<week>.xlsx and .html, csv/<table>.csv,
parquet/<table>.parquet), each written to a temporary name and renamed, so a reader never sees
half a file. The archive defaults to <out_dir>/kpi_archive.duckdb (see archive.archive_location).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.configuration import Config
from spinscope.errors import UserError
from spinscope.export import archive, weekly
from spinscope.export import formats as machine
from spinscope.export.tables import WeeklyReport
from spinscope.export.weeks import last_complete_week, parse_week

FORMATS = ("xlsx", "csv", "parquet", "html")


class ExportRequestError(UserError, ValueError):
    pass


@dataclass
class ExportResult:
    iso_week: str
    week_start: date
    week_end: date
    spins: int
    currencies: tuple[str, ...]
    files: list[Path]
    row_counts: dict[str, int]
    archive_path: Path | None
    archived_rows: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_for_week": self.iso_week,
            "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(),
            "spins": self.spins,
            "currencies": list(self.currencies),
            "files": [str(f) for f in self.files],
            "row_counts": self.row_counts,
            "archive": str(self.archive_path) if self.archive_path else None,
            "archived_rows": self.archived_rows,
        }


def parse_formats(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """'xlsx,csv' (or a sequence) → ('xlsx', 'csv') in the canonical order; None → all formats."""
    if text is None:
        return FORMATS
    parts = [p.strip().lower() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    unknown = sorted(set(parts) - set(FORMATS))
    if unknown or not parts:
        raise ExportRequestError(
            f"--format {text!r}: unknown {unknown or 'empty list'}; use any of {','.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in parts)


def resolve_week(week: str | None, now: datetime | None = None) -> date:
    """The Monday of `week` ('2026-W47'), or of the last complete ISO week."""
    return parse_week(week) if week else last_complete_week(now)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path


def report_bytes(report: WeeklyReport, fmt: str) -> dict[str, bytes]:
    """File name (relative to the week's folder) → bytes, for one format; also what the app downloads."""
    stem = f"spinscope-kpi-{report.iso_week}"
    if fmt == "xlsx":
        from spinscope.export.xlsx import to_xlsx

        return {f"{stem}.xlsx": to_xlsx(report)}
    if fmt == "html":
        from spinscope.export.html import to_html

        return {f"{stem}.html": to_html(report).encode("utf-8")}
    if fmt == "csv":
        return {f"csv/{t.name}.csv": machine.to_csv(t) for t in report.tables}
    if fmt == "parquet":
        return {f"parquet/{t.name}.parquet": machine.to_parquet(t) for t in report.tables}
    raise ExportRequestError(f"format {fmt!r}: use any of {','.join(FORMATS)}")


MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "csv": "application/zip",
    "parquet": "application/zip",
}


def download_bytes(report: WeeklyReport, fmt: str) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) of one format as a single download: csv and parquet as a zip of their
    tables (entries dated 1980-01-01, so the same week gives the same bytes). For the app's KPI page."""
    files = report_bytes(report, fmt)
    stem = f"spinscope-kpi-{report.iso_week}"
    if len(files) == 1 and fmt in ("xlsx", "html"):
        name, data = next(iter(files.items()))
        return name, data, MIME_TYPES[fmt]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_zip:
        for name, data in files.items():
            archive_zip.writestr(
                zipfile.ZipInfo(f"{stem}/{name}", (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED
            )
    return f"{stem}-{fmt}.zip", buffer.getvalue(), MIME_TYPES[fmt]


def export_weekly(
    client: Client,
    week: str | None,
    out_dir: str | Path,
    config: Config,
    formats: Sequence[str] | str | None = FORMATS,
    archive_path: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    archive_enabled: bool = True,
) -> ExportResult:
    """Export ISO week `week` (default: the last complete one) to `out_dir` and upsert the archive."""
    wanted = parse_formats(formats)
    monday = resolve_week(week, now)
    total = weekly.GATHER_STEPS + len(wanted) + int(archive_enabled)
    report = weekly.gather_weekly(client, monday, config, progress, total)
    folder = Path(out_dir) / report.iso_week
    files: list[Path] = []
    done = weekly.GATHER_STEPS
    for fmt in wanted:
        for name, data in report_bytes(report, fmt).items():
            files.append(_write(folder / name, data))
        done += 1
        if progress is not None:
            progress(done, total)
    location, archived = None, {}
    if archive_enabled:
        location = archive.archive_location(out_dir, archive_path)
        archived = archive.write_week(location, report)
        if progress is not None:
            progress(total, total)
    return ExportResult(
        report.iso_week,
        report.week_start,
        report.week_end,
        report.spins,
        report.currencies,
        files,
        {t.name: len(t.rows) for t in report.tables},
        location,
        archived,
    )
