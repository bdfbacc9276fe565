"""AnyValue -> string as pdata's Value.AsString() renders it, and the column value helpers."""

from __future__ import annotations

import math

import pytest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue, KeyValueList

from spinscope.ingest.values import (
    Decoded,
    any_as_string,
    attributes_map,
    datetime64_text,
    finite_or_text,
    float_as_string,
    floats_column,
    id_hex,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.1, "0.1"),
        (100000.0, "100000"),
        (1.25, "1.25"),
        (-2.5, "-2.5"),
        (0.0, "0"),
        (-0.0, "-0"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e-300, "1e-300"),
        (123456789012345678.0, "123456789012345680"),
        (0.00001, "0.00001"),
        (1e16, "10000000000000000"),
        (math.inf, "json: unsupported value: +Inf"),
        (-math.inf, "json: unsupported value: -Inf"),
        (math.nan, "json: unsupported value: NaN"),
    ],
)
def test_float_as_string_matches_go_float64_as_string(value: float, text: str) -> None:
    assert float_as_string(value) == text


def _array(*values: AnyValue) -> AnyValue:
    return AnyValue(array_value=ArrayValue(values=list(values)))


def _kvlist(**values: AnyValue) -> AnyValue:
    return AnyValue(kvlist_value=KeyValueList(values=[KeyValue(key=k, value=v) for k, v in values.items()]))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (AnyValue(string_value="fortune-tiger"), "fortune-tiger"),
        (AnyValue(string_value=""), ""),
        (AnyValue(bool_value=True), "true"),
        (AnyValue(bool_value=False), "false"),
        (AnyValue(int_value=-42), "-42"),
        (AnyValue(int_value=2**63 - 1), "9223372036854775807"),
        (AnyValue(double_value=1.25), "1.25"),
        (AnyValue(double_value=3.0), "3"),
        (AnyValue(bytes_value=b"\x00\xffspin"), "AP9zcGlu"),
        (AnyValue(), ""),
        (
            _array(
                AnyValue(string_value="a"),
                AnyValue(int_value=1),
                AnyValue(double_value=2.0),
                AnyValue(bool_value=True),
                AnyValue(),
                AnyValue(bytes_value=b"hi"),
            ),
            '["a",1,2,true,null,"aGk="]',
        ),
        (
            _kvlist(z=AnyValue(int_value=1), a=AnyValue(string_value='q"<&>'), m=_array(AnyValue(double_value=0.5))),
            '{"a":"q\\"<&>","m":[0.5],"z":1}',
        ),
        (_array(AnyValue(string_value="line\nsep\u2028")), '["line\\nsep\\u2028"]'),
        (_array(AnyValue(double_value=math.nan)), ""),
        (_array(), "[]"),
        (_kvlist(), "{}"),
    ],
)
def test_any_as_string_matches_pdata(value: AnyValue, text: str) -> None:
    assert any_as_string(value) == text


def test_attributes_map_converts_every_type_and_keeps_the_last_duplicate() -> None:
    kvs = [
        KeyValue(key="s", value=AnyValue(string_value="x")),
        KeyValue(key="i", value=AnyValue(int_value=7)),
        KeyValue(key="d", value=AnyValue(double_value=0.1)),
        KeyValue(key="s", value=AnyValue(string_value="last")),
        KeyValue(key="e"),
    ]
    assert attributes_map(kvs) == {"s": "last", "i": "7", "d": "0.1", "e": ""}


def test_datetime64_text_is_zero_padded_and_clamped() -> None:
    assert datetime64_text(1_763_640_000_000_001_000) == "1763640000.000001000"
    assert datetime64_text(5) == "0000000000.000000005"
    assert datetime64_text(2**64 - 1) == "9223372036.854775807"


def test_non_finite_floats_become_text_clickhouse_reads() -> None:
    assert [finite_or_text(v) for v in (1.5, math.nan, math.inf, -math.inf)] == [1.5, "nan", "inf", "-inf"]
    assert floats_column([0.5, 1.0]) == [0.5, 1.0]
    assert floats_column([0.5, math.inf]) == [0.5, "inf"]


def test_id_hex_empty_zero_and_wrong_length() -> None:
    assert id_hex(b"", 8) == ""
    assert id_hex(bytes(8), 8) == ""
    assert id_hex(b"\x01" * 8, 8) == "0101010101010101"
    assert id_hex(b"\x01" * 7, 8) is None


def test_decoded_rows_counts_every_table() -> None:
    decoded = Decoded(tables={"a": {"x": [1, 2]}, "b": {"y": [3]}, "c": {"z": []}}, accepted=3, rejected=0, message="")
    assert decoded.rows() == 3
