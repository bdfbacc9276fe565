"""Weekly KPI export (xlsx, csv, parquet, html) and the DuckDB KPI archive.

Flow: weekly.gather_weekly reads the models into typed Tables (tables.py; pure derivations in
derive.py) → writers turn Tables into bytes (formats.py: csv/parquet, xlsx.py, html.py) → job.py
writes the files and archive.py upserts the week into DuckDB. Nothing here writes to the store.
"""

from spinscope.export.archive import ArchiveError, archive_location, archive_trend
from spinscope.export.formats import ExportError
from spinscope.export.job import (
    ExportRequestError,
    ExportResult,
    download_bytes,
    export_weekly,
    parse_formats,
    report_bytes,
)
from spinscope.export.weekly import gather_weekly
from spinscope.export.weeks import WeekError, last_complete_week, parse_week, week_name

# What the CLI turns into one line and a non-zero exit (bad --week/--format, archive trouble, a figure
# that does not fit decimal(38, 18)).
EXPORT_ERRORS = (WeekError, ExportRequestError, ArchiveError, ExportError)

__all__ = [
    "EXPORT_ERRORS",
    "ArchiveError",
    "ExportError",
    "ExportRequestError",
    "ExportResult",
    "WeekError",
    "archive_location",
    "archive_trend",
    "download_bytes",
    "export_weekly",
    "gather_weekly",
    "last_complete_week",
    "parse_formats",
    "parse_week",
    "report_bytes",
    "week_name",
]
