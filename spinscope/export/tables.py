"""The shape every export format writes: typed columns and rows, built once, written many ways.

A `Table` holds plain Python values of one kind per column (Decimal for exact money and ratios,
int, float, date, naive-UTC datetime, str, bool). Writers (xlsx, csv, parquet, html, the DuckDB
archive) map kinds to their own types; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["text", "int", "float", "decimal", "date", "datetime", "bool"]
# How a number reads: money (exact amount), percent (a ratio shown as %), count, ms, number;
# "@unit" takes the format from the row's `unit` column (the long headline table).
Fmt = Literal["", "money", "percent", "count", "ms", "number", "@unit"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    fmt: Fmt = ""
    help: str = ""


@dataclass
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def values(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]


def _kind(values: list[Any]) -> Kind:
    present = [v for v in values if v is not None]
    kinds: tuple[tuple[Kind, type | tuple[type, ...]], ...] = (
        ("bool", bool),
        ("decimal", Decimal),
        ("int", int),
        ("float", float),
        ("datetime", datetime),
        ("date", date),
    )
    for kind, types in kinds:
        if present and all(isinstance(v, types) for v in present):
            return kind
    return "text"


def _fmt(name: str, kind: Kind) -> Fmt:
    if kind not in ("int", "float", "decimal"):
        return ""
    suffixes: tuple[tuple[str, Fmt], ...] = (("_amount", "money"), ("_ratio", "percent"), ("_ms", "ms"))
    for suffix, fmt in suffixes:
        if name.endswith(suffix):
            return fmt
    return "count" if kind == "int" else "number"


def table_from_rows(name: str, rows: list[dict[str, Any]], title: str = "") -> Table:
    """A Table whose column kinds are read off the values (a model's rows), for the app's downloads.

    Formats follow the column naming convention: `_amount` money, `_ratio` percent, `_ms` ms.
    """
    names = list(rows[0]) if rows else []
    columns = []
    for column in names:
        kind = _kind([row.get(column) for row in rows])
        columns.append(Column(column, kind, _fmt(column, kind)))
    return Table(name, title or name, tuple(columns), list(rows))


@dataclass
class WeeklyReport:
    """Every table of one ISO week's export, in sheet order, and the extra tables only the archive keeps."""

    iso_week: str
    week_start: date
    week_end: date  # the Sunday, inclusive
    previous_week: str
    tables: list[Table]
    spins: int
    currencies: tuple[str, ...]
    archive_only: list[Table] = field(default_factory=list)

    # The export's own tables the archive keeps besides `archive_only` (about is prose, the trend is
    # recomputable from the archive's weekly_totals).
    ARCHIVED = ("headline", "games", "latency_errors", "slo", "top_movers", "daily")

    def archive_tables(self) -> list[Table]:
        return [*self.archive_only, *(t for t in self.tables if t.name in self.ARCHIVED)]

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"the weekly report has no table {name!r}; it has {[t.name for t in self.tables]}")

    @property
    def is_empty(self) -> bool:
        return self.spins == 0
