"""Whatever the bytes, parse_request + decode_* raise DecodeError or nothing, and rows serialise."""

from __future__ import annotations

import base64
import json

import orjson
import pytest
from google.protobuf import json_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.metrics.v1 import metrics_pb2 as m
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from spinscope.ingest.decode import DecodeError, decode_logs, decode_metrics, decode_traces, parse_request

DECODERS = {"traces": decode_traces, "metrics": decode_metrics, "logs": decode_logs}
TYPES = ("application/x-protobuf", "application/json")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _attrs() -> list[KeyValue]:
    return [
        KeyValue(key="slot.spin.id", value=AnyValue(string_value="s-1")),
        KeyValue(key="slot.bet.amount", value=AnyValue(double_value=1.5)),
        KeyValue(key="n", value=AnyValue(int_value=3)),
        KeyValue(key="a", value=AnyValue(array_value=ArrayValue(values=[AnyValue(bool_value=True)]))),
    ]


SEEDS = {
    "traces": ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                scope_spans=[
                    ScopeSpans(
                        spans=[
                            Span(
                                trace_id=b"\x01" * 16,
                                span_id=b"\x02" * 8,
                                name="spin",
                                kind=2,
                                start_time_unix_nano=10,
                                end_time_unix_nano=20,
                                attributes=_attrs(),
                                status=Status(code=1, message="m"),
                                events=[Span.Event(name="e", attributes=_attrs())],
                                links=[Span.Link(trace_id=b"\x03" * 16, span_id=b"\x04" * 8)],
                            ),
                        ]
                    )
                ]
            )
        ]
    ),
    "logs": ExportLogsServiceRequest(
        resource_logs=[
            ResourceLogs(
                scope_logs=[
                    ScopeLogs(
                        log_records=[
                            LogRecord(
                                time_unix_nano=5,
                                trace_id=b"\x01" * 16,
                                span_id=b"\x02" * 8,
                                body=AnyValue(string_value="b"),
                                attributes=_attrs(),
                                severity_number=9,
                            ),
                        ]
                    )
                ]
            )
        ]
    ),
    "metrics": ExportMetricsServiceRequest(
        resource_metrics=[
            m.ResourceMetrics(
                scope_metrics=[
                    m.ScopeMetrics(
                        metrics=[
                            m.Metric(
                                name="g",
                                gauge=m.Gauge(
                                    data_points=[
                                        m.NumberDataPoint(
                                            as_double=1.0,
                                            exemplars=[
                                                m.Exemplar(trace_id=b"\x01" * 16, span_id=b"\x02" * 8, as_int=1)
                                            ],
                                        )
                                    ]
                                ),
                            ),
                            m.Metric(
                                name="h",
                                histogram=m.Histogram(
                                    data_points=[
                                        m.HistogramDataPoint(count=2, bucket_counts=[1, 1], explicit_bounds=[0.5])
                                    ]
                                ),
                            ),
                            m.Metric(
                                name="s",
                                summary=m.Summary(
                                    data_points=[
                                        m.SummaryDataPoint(
                                            quantile_values=[
                                                m.SummaryDataPoint.ValueAtQuantile(quantile=0.5, value=1.0)
                                            ]
                                        )
                                    ]
                                ),
                            ),
                        ]
                    )
                ]
            )
        ]
    ),
}


def _seed_json(signal: str) -> bytes:
    doc = json_format.MessageToDict(SEEDS[signal], use_integers_for_enums=True)
    text = orjson.dumps(doc).decode()
    # base64 ids -> hex as OTLP/JSON wants (the seeds use repeated bytes, easy to spot)
    for byte in range(1, 5):
        for size in (16, 8):
            b64 = base64.b64encode(bytes([byte]) * size).decode()
            text = text.replace(f'"{b64}"', f'"{bytes([byte]).hex() * size}"')
    return text.encode()


def _run(signal: str, body: bytes, content_type: str) -> None:
    try:
        req = parse_request(signal, body, content_type)
    except DecodeError:
        return
    decoded = DECODERS[signal](req)
    orjson.dumps(decoded.tables)
    for columns in decoded.tables.values():
        assert len({len(values) for values in columns.values()}) == 1


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    buf = bytearray(data)
    for kind, pos, value in edits:
        if not buf:
            break
        i = pos % len(buf)
        if kind == 0:
            buf[i] = value
        elif kind == 1:
            del buf[i]
        else:
            buf.insert(i, value)
    return bytes(buf)


EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2**20), st.integers(0, 255)), min_size=1, max_size=8)


@pytest.mark.parametrize("signal", sorted(DECODERS))
@pytest.mark.parametrize("content_type", TYPES)
@FUZZ
@given(body=st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_decode_error(signal: str, content_type: str, body: bytes) -> None:
    _run(signal, body, content_type)


@pytest.mark.parametrize("signal", sorted(DECODERS))
@FUZZ
@given(edits=EDITS)
def test_mutated_protobuf_bodies_raise_only_decode_error(signal: str, edits: list) -> None:
    _run(signal, _mutate(SEEDS[signal].SerializeToString(), edits), "application/x-protobuf")


@pytest.mark.parametrize("signal", sorted(DECODERS))
@FUZZ
@given(edits=EDITS)
def test_mutated_json_bodies_raise_only_decode_error(signal: str, edits: list) -> None:
    _run(signal, _mutate(_seed_json(signal), edits), "application/json")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)


@pytest.mark.parametrize("signal", sorted(DECODERS))
@FUZZ
@given(value=JSON_VALUES, path=st.lists(st.integers(0, 50), max_size=8))
def test_json_with_a_value_replaced_raises_only_decode_error(signal: str, value: object, path: list[int]) -> None:
    doc = orjson.loads(_seed_json(signal))
    node = doc
    for step in path:  # walk somewhere into the document and replace what is there
        if isinstance(node, dict) and node:
            key = sorted(node)[step % len(node)]
            if not isinstance(node[key], dict | list) or not node[key]:
                node[key] = value
                break
            node = node[key]
        elif isinstance(node, list) and node:
            i = step % len(node)
            if not isinstance(node[i], dict | list) or not node[i]:
                node[i] = value
                break
            node = node[i]
    # the standard library writes integers beyond 64 bits and NaN (not JSON: must be rejected)
    _run(signal, json.dumps(doc).encode(), "application/json")


def test_deeply_nested_values_are_a_decode_error_or_decode() -> None:
    deep: dict = {"stringValue": "x"}
    for _ in range(200):
        deep = {"arrayValue": {"values": [deep]}}
    doc = {"resourceSpans": [{"scopeSpans": [{"spans": [{"attributes": [{"key": "k", "value": deep}]}]}]}]}
    _run("traces", json.dumps(doc).encode(), "application/json")
