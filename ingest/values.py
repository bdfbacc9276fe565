"""What the OTLP decoders produce, and how OTLP values become ClickHouse column values.

Holds the `Decoded` result and `DecodeError`, and the conversions every decoder shares:
AnyValue to string exactly as the Collector's pdata `Value.AsString()` renders it (the
ClickHouse exporter stores attributes that way, so queries work whichever wrote the row),
ids to lowercase hex, nanosecond timestamps to DateTime64(9) text, non-finite floats to
the text ClickHouse reads for Float64. Pure functions only: no I/O, no protobuf parsing.
"""

from __future__ import annotations

import base64
import decimal
from dataclasses import dataclass
from typing import Any

import orjson


class DecodeError(ValueError):
    """Whole request unusable (malformed body): the message names what was wrong and where."""


@dataclass
class Decoded:
    """Rows decoded from one OTLP export request, column-oriented.

    `tables` maps each table of the signal (always all of them, possibly with no rows) to
    column name -> list of values; all lists of a table have the same length and the
    columns follow the DDL order. Values are str, int, float, bool, list and dict only, so
    `orjson.dumps` serialises them for ClickHouse's JSONCompactColumns format.
    """

    tables: dict[str, dict[str, list]]
    accepted: int
    rejected: int
    message: str
    money_flagged: int = 0

    def rows(self) -> int:
        """Total rows over all tables."""
        total = 0
        for columns in self.tables.values():
            for values in columns.values():
                total += len(values)
                break
        return total


# --- numbers ---------------------------------------------------------------------------

_DECIMAL_CONTEXT = decimal.Context(prec=40)


def float_as_string(f: float) -> str:
    """A double as pdata renders it: ES6 number-to-string (Go's float64AsString).

    Shortest round-trip digits; plain notation unless abs < 1e-6 or abs >= 1e21, where
    it is exponent notation without zero padding ("1e+21", "1.5e-7").
    """
    r = repr(f)
    if "e" not in r:
        if r.endswith(".0"):
            return r[:-2]
        if r[-1] in "fn":  # inf, -inf, nan
            return "json: unsupported value: " + {"inf": "+Inf", "-inf": "-Inf"}.get(r, "NaN")
        return r
    a = -f if f < 0 else f
    if 1e-6 <= a < 1e21:  # Python switched to exponent form earlier than ES6 does
        text = format(decimal.Decimal(r), "f")
        return text[:-2] if text.endswith(".0") else text
    mantissa, _, exponent = r.partition("e")
    sign = exponent[0]
    digits = exponent[1:].lstrip("0") or "0"
    return f"{mantissa}e{sign}{digits}"


def finite_or_text(f: float) -> float | str:
    """A Float64 column value: the float itself, or "nan"/"inf"/"-inf" text (orjson would
    write null for these, which ClickHouse turns into 0)."""
    if f - f == 0.0:
        return f
    return "nan" if f != f else ("inf" if f > 0 else "-inf")


def floats_column(values: Any) -> list[Any]:
    """A repeated double as a list ClickHouse accepts (non-finite members as text)."""
    out = list(values)
    total = sum(out)
    if total - total == 0.0:
        return out
    return [finite_or_text(v) for v in out]


DATETIME64_MAX_NS = 2**63 - 1  # DateTime64(9) ends at 2262-04-11


def datetime64_text(ns: int) -> str:
    """Nanoseconds since the epoch as DateTime64(9) text "SSSSSSSSSS.NNNNNNNNN".

    ClickHouse reads such text as a Unix timestamp only with ten integer digits (fewer
    is taken for a date and fails the whole insert), hence the zero padding; values past
    the type's range would fail it too, so they are clamped to its end.
    """
    s, n = divmod(ns if ns <= DATETIME64_MAX_NS else DATETIME64_MAX_NS, 1_000_000_000)
    return f"{s:010d}.{n:09d}"


# --- AnyValue --------------------------------------------------------------------------


def _json_string(s: str) -> str:
    # Go's encoding/json without HTML escaping (pdata's marshalJSONNoHTMLEscape): orjson
    # escapes the same characters, except that Go also escapes U+2028 and U+2029.
    text = orjson.dumps(s).decode()
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


class _Unsupported(Exception):
    """A NaN or infinity inside an array or map: Go's json.Marshal fails, AsString is ""."""


def _raw_json(value: Any) -> str:
    """An AnyValue as Go's json.Marshal renders pdata's AsRaw() of it."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return _json_string(value.string_value)
    if kind == "int_value":
        return str(value.int_value)
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    if kind == "double_value":
        d = value.double_value
        if d - d != 0.0:
            raise _Unsupported
        return float_as_string(d)
    if kind == "bytes_value":
        return '"' + base64.b64encode(value.bytes_value).decode() + '"'
    if kind == "array_value":
        return "[" + ",".join([_raw_json(v) for v in value.array_value.values]) + "]"
    if kind == "kvlist_value":
        members = {kv.key: kv.value for kv in value.kvlist_value.values}
        return "{" + ",".join(_json_string(k) + ":" + _raw_json(members[k]) for k in sorted(members)) + "}"
    return "null"


def any_as_string(value: Any) -> str:
    """An AnyValue as pdata's Value.AsString(): what the ClickHouse exporter stores."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value
    if kind == "int_value":
        return str(value.int_value)
    if kind == "double_value":
        return float_as_string(value.double_value)
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    if kind == "array_value" or kind == "kvlist_value":
        try:
            return _raw_json(value)
        except (_Unsupported, RecursionError):
            return ""
    return ""


def attributes_map(kvs: Any) -> dict[str, str]:
    """Repeated KeyValue -> {key: AsString(value)}; a repeated key keeps its last value."""
    out = {}
    for kv in kvs:
        v = kv.value
        s = v.string_value
        # A non-empty string_value means the oneof holds a string; anything else converts.
        out[kv.key] = s if s else any_as_string(v)
    return out


# --- ids -------------------------------------------------------------------------------

ZERO_TRACE_ID = bytes(16)
ZERO_SPAN_ID = bytes(8)


def id_problem(what: str, raw: bytes, size: int) -> str:
    """The rejection reason for an id of the wrong length."""
    return f"{what} has {len(raw)} bytes, expected {size} (or none)"


def id_hex(raw: bytes, size: int) -> str | None:
    """An id as the exporter writes it: lowercase hex, "" when empty or all zeros (pdata
    treats the zero id as no id); None when the length is wrong."""
    n = len(raw)
    if n == size:
        return "" if raw == bytes(size) else raw.hex()
    return "" if n == 0 else None


class Rejections:
    """Counts records rejected one by one and keeps the first few reasons for the message."""

    __slots__ = ("count", "reasons")

    KEEP = 5

    def __init__(self) -> None:
        self.count = 0
        self.reasons: list[str] = []

    def add(self, reason: str) -> None:
        self.count += 1
        if len(self.reasons) < self.KEEP:
            self.reasons.append(reason)

    def message(self, noun: str) -> str:
        if not self.count:
            return ""
        more = f"; and {self.count - len(self.reasons)} more" if self.count > len(self.reasons) else ""
        return f"rejected {self.count} {noun}: " + "; ".join(self.reasons) + more
