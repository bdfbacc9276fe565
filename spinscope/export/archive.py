"""The DuckDB KPI archive: each exported week's tables, kept past the raw data's TTL.

One table per export table, each led by `iso_week` and `week_start`; money and exact ratios are
DECIMAL(38, 18). Writing a week deletes that week's rows and inserts the new ones in one
transaction, so re-exporting replaces and never duplicates. The file is plain DuckDB: any DuckDB
client can read it. Location: argument > SPINSCOPE_ARCHIVE > <out dir>/kpi_archive.duckdb.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from spinscope.errors import UserError
from spinscope.export.formats import to_arrow
from spinscope.export.tables import Column, Kind, Table, WeeklyReport

ARCHIVE_ENV = "SPINSCOPE_ARCHIVE"
ARCHIVE_NAME = "kpi_archive.duckdb"
DUCKDB_TYPES: dict[Kind, str] = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "decimal": "DECIMAL(38, 18)",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "bool": "BOOLEAN",
}
LEAD = (Column("iso_week", "text"), Column("week_start", "date"))
TREND_TABLE = "weekly_totals"


class ArchiveError(UserError, RuntimeError):
    pass


def archive_location(out_dir: str | Path | None, argument: str | Path | None = None) -> Path:
    """argument > $SPINSCOPE_ARCHIVE > <out_dir>/kpi_archive.duckdb."""
    if argument:
        return Path(argument)
    if os.environ.get(ARCHIVE_ENV):
        return Path(os.environ[ARCHIVE_ENV])
    if out_dir is None:
        raise ArchiveError(f"no archive location: pass --archive FILE, set {ARCHIVE_ENV} or give an output folder")
    return Path(out_dir) / ARCHIVE_NAME


def quote(name: str) -> str:
    """The archive's one identifier-escaping helper (DuckDB double quotes)."""
    return '"' + name.replace('"', '""') + '"'


def _connect(path: Path, read_only: bool = False) -> Any:
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise ArchiveError(f"archive {path}: cannot open ({error}); is another export writing it?") from None


def _lead(table: Table) -> tuple[Column, ...]:
    """The week columns a table lacks (the totals table carries its own)."""
    return tuple(c for c in LEAD if c.name not in table.column_names)


def _ensure_table(con: Any, table: Table) -> None:
    columns = (*_lead(table), *table.columns)
    existing = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [table.name],
    ).fetchall()
    wanted = [(c.name, DUCKDB_TYPES[c.kind]) for c in columns]
    if not existing:
        body = ", ".join(f"{quote(n)} {t}{' NOT NULL' if n in ('iso_week', 'week_start') else ''}" for n, t in wanted)
        con.execute(f"CREATE TABLE {quote(table.name)} ({body})")
        return
    if [(n, t.replace(" ", "")) for n, t in existing] != [(n, t.replace(" ", "")) for n, t in wanted]:
        raise ArchiveError(
            f"archive table {table.name!r} has columns {existing}, this spinscope writes {wanted}: "
            "archive to a new file (--archive) or migrate the old one"
        )


def write_week(path: str | Path, report: WeeklyReport) -> dict[str, int]:
    """Replace the week's rows in every archived table (one transaction); rows written per table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path)
    written: dict[str, int] = {}
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            for table in report.archive_tables():
                _ensure_table(con, table)
                week = {"iso_week": (pa.string(), report.iso_week), "week_start": (pa.date32(), report.week_start)}
                incoming = to_arrow(table, {c.name: week[c.name] for c in _lead(table)})
                con.register("incoming", incoming)
                con.execute(f"DELETE FROM {quote(table.name)} WHERE iso_week = ?", [report.iso_week])
                con.execute(f"INSERT INTO {quote(table.name)} BY NAME SELECT * FROM incoming")
                con.unregister("incoming")
                written[table.name] = incoming.num_rows
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return written


def archive_trend(path: str | Path, weeks: int = 12) -> list[dict[str, Any]]:
    """The weekly totals per currency of the last `weeks` archived weeks, oldest first (Decimals exact)."""
    path = Path(path)
    if weeks < 1:
        raise ArchiveError(f"--weeks {weeks}: give at least 1")
    if not path.is_file():
        raise ArchiveError(
            f"no KPI archive at {path}: run `spinscope export weekly` first, or point "
            f"--archive / {ARCHIVE_ENV} at the file"
        )
    con = _connect(path, read_only=True)
    try:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [TREND_TABLE]
        ).fetchone()
        if not found or not found[0]:
            return []
        result = con.execute(
            f"SELECT * FROM {quote(TREND_TABLE)} WHERE week_start IN ("
            f"SELECT DISTINCT week_start FROM {quote(TREND_TABLE)} ORDER BY week_start DESC LIMIT ?) "
            "ORDER BY week_start, currency",
            [weeks],
        )
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        con.close()


def archive_weeks(path: str | Path) -> dict[str, int]:
    """Rows per archived week in the trend table (for checks and the app)."""
    con = _connect(Path(path), read_only=True)
    try:
        rows = con.execute(
            f"SELECT iso_week, count(*) FROM {quote(TREND_TABLE)} GROUP BY iso_week ORDER BY iso_week"
        ).fetchall()
        return {week: int(n) for week, n in rows}
    finally:
        con.close()
