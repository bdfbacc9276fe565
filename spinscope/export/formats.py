"""Machine formats of a Table: CSV (exact decimal strings) and Arrow/Parquet (decimal128(38, 18) money).

Pure byte producers; writing files is the caller's business. The Arrow schema comes from the
columns' kinds, so an empty table still has its typed columns.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from spinscope.errors import UserError
from spinscope.export.tables import Column, Kind, Table

DECIMAL_TYPE = pa.decimal128(38, 18)
ARROW_TYPES: dict[Kind, pa.DataType] = {
    "text": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "decimal": DECIMAL_TYPE,
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "bool": pa.bool_(),
}
_SCALE = Decimal("1e-18")


class ExportError(UserError, ValueError):
    pass


def exact_text(value: Decimal) -> str:
    """A Decimal as plain positional text without trailing zeros ('1.25', '10', '0.000000000000000001')."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return exact_text(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")  # naive UTC by construction
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(table: Table) -> bytes:
    """RFC 4180 CSV with a header row, '\\n' line ends, UTF-8; empty cells are NULL."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.rows:
        writer.writerow([csv_value(row.get(c)) for c in table.column_names])
    return buffer.getvalue().encode("utf-8")


def _decimal_cell(table: Table, column: Column, value: Any) -> Decimal | None:
    if value is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 80
        try:
            scaled = Decimal(value).quantize(_SCALE)
        except InvalidOperation:
            scaled = None
    if scaled is None or scaled != Decimal(value) or abs(scaled) >= Decimal(10) ** 20:
        raise ExportError(
            f"{table.name}.{column.name}: {value} does not fit decimal(38, 18) "
            "(at most 20 integer and 18 fractional digits); report this figure"
        )
    return scaled


def arrow_schema(columns: tuple[Column, ...], extra: tuple[tuple[str, pa.DataType], ...] = ()) -> pa.Schema:
    return pa.schema(
        [*(pa.field(n, t, nullable=False) for n, t in extra), *(pa.field(c.name, ARROW_TYPES[c.kind]) for c in columns)]
    )


def to_arrow(table: Table, extra: dict[str, tuple[pa.DataType, Any]] | None = None) -> pa.Table:
    """The table as Arrow with typed columns; `extra` prepends constant columns (name: (type, value))."""
    extra = extra or {}
    schema = arrow_schema(table.columns, tuple((n, t) for n, (t, _) in extra.items()))
    arrays = [pa.array([v] * len(table.rows), type=t) for t, v in extra.values()]
    for column in table.columns:
        values = table.values(column.name)
        if column.kind == "decimal":
            values = [_decimal_cell(table, column, v) for v in values]
        elif column.kind == "float":
            values = [None if v is None else float(v) for v in values]
        arrays.append(pa.array(values, type=ARROW_TYPES[column.kind]))
    return pa.Table.from_arrays(arrays, schema=schema)


def to_parquet(table: Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(to_arrow(table), buffer, compression="zstd")
    return buffer.getvalue()
