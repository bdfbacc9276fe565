"""Decoded columns go into the real (embedded) ClickHouse tables as JSONCompactColumns, unchanged."""

from __future__ import annotations

import math
import time

import orjson
import pytest
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.metrics.v1 import metrics_pb2 as m
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from spinscope.ingest.decode import Decoded, decode_logs, decode_metrics, decode_traces

# Recent timestamps: the tables' TTL drops rows older than 30 days.
NOW_NS = time.time_ns() // 1000 * 1000
NOW_S = NOW_NS // 1_000_000_000
RESOURCE = Resource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value="slot-server"))])


def kv(key: str, **value: object) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(**value))


def insert(client, decoded: Decoded) -> None:  # type: ignore[no-untyped-def]
    for table, columns in decoded.tables.items():
        if next(iter(columns.values())):
            client.raw_insert(
                table,
                column_names=list(columns),
                insert_block=orjson.dumps(list(columns.values())),
                fmt="JSONCompactColumns",
            )


@pytest.mark.store
def test_trace_rows_are_accepted_and_read_back(store_client) -> None:  # type: ignore[no-untyped-def]
    spin = Span(
        trace_id=bytes(range(16)),
        span_id=bytes(range(8)),
        name="spin",
        kind=2,
        start_time_unix_nano=NOW_NS + 1,
        end_time_unix_nano=NOW_NS + 5_000_001,
        attributes=[
            kv("slot.spin.id", string_value="s-1"),
            kv("slot.bet.amount", double_value=1.25),
            kv("slot.win.amount", string_value="0"),
            kv("note", string_value="ñ\u2028\"'"),
        ],
        status=Status(code=2, message="boom"),
        events=[Span.Event(time_unix_nano=NOW_NS + 7, name="e", attributes=[kv("n", int_value=1)])],
        links=[Span.Link(trace_id=bytes(range(16)), span_id=bytes(range(1, 9)), trace_state="a=b")],
    )
    early = Span(trace_id=b"\x09" * 16, span_id=b"\x09" * 8, name="rng.draw", start_time_unix_nano=5)
    decoded = decode_traces(
        ExportTraceServiceRequest(
            resource_spans=[ResourceSpans(resource=RESOURCE, scope_spans=[ScopeSpans(spans=[spin, early])])]
        )
    )
    insert(store_client, decoded)
    got = store_client.query(
        "SELECT toUnixTimestamp64Nano(Timestamp), TraceId, SpanKind, SpanAttributes['note'], Duration, "
        "StatusCode, toUnixTimestamp64Nano(Events.Timestamp[1]), Events.Attributes[1]['n'], Links.SpanId[1] "
        "FROM otel_traces WHERE SpanName = 'spin'"
    ).result_rows
    assert got == [
        (
            NOW_NS + 1,
            "000102030405060708090a0b0c0d0e0f",
            "Server",
            "ñ\u2028\"'",
            5_000_000,
            "Error",
            NOW_NS + 7,
            "1",
            "0102030405060708",
        )
    ]
    spins = store_client.query("SELECT spin_id, bet_amount, money_error FROM spins").result_rows
    assert spins == [("s-1", None, "slot.bet.amount was sent as a double (1.25); money must be a decimal string")]


@pytest.mark.store
def test_log_rows_are_accepted_and_read_back(store_client) -> None:  # type: ignore[no-untyped-def]
    decoded = decode_logs(
        ExportLogsServiceRequest(
            resource_logs=[
                ResourceLogs(
                    resource=RESOURCE,
                    scope_logs=[
                        ScopeLogs(
                            log_records=[
                                LogRecord(
                                    time_unix_nano=NOW_NS + 3,
                                    severity_number=17,
                                    severity_text="ERROR",
                                    body=AnyValue(string_value="wallet timeout"),
                                    flags=1,
                                    trace_id=bytes(range(16)),
                                    event_name="ev",
                                )
                            ]
                        )
                    ],
                )
            ]
        )
    )
    insert(store_client, decoded)
    got = store_client.query(
        "SELECT toUnixTimestamp64Nano(Timestamp), SeverityNumber, Body, TraceFlags, EventName, "
        "ServiceName FROM otel_logs"
    ).result_rows
    assert got == [(NOW_NS + 3, 17, "wallet timeout", 1, "ev", "slot-server")]


@pytest.mark.store
def test_metric_rows_of_every_type_are_accepted_including_non_finite_floats(store_client) -> None:  # type: ignore[no-untyped-def]
    t = NOW_NS
    ex = m.Exemplar(time_unix_nano=t, as_double=math.inf, trace_id=bytes(range(16)), span_id=bytes(range(8)))
    vaq = m.SummaryDataPoint.ValueAtQuantile
    decoded = decode_metrics(
        ExportMetricsServiceRequest(
            resource_metrics=[
                m.ResourceMetrics(
                    resource=RESOURCE,
                    scope_metrics=[
                        m.ScopeMetrics(
                            metrics=[
                                m.Metric(
                                    name="g",
                                    gauge=m.Gauge(
                                        data_points=[
                                            m.NumberDataPoint(time_unix_nano=t, as_double=math.nan, exemplars=[ex])
                                        ]
                                    ),
                                ),
                                m.Metric(
                                    name="s",
                                    sum=m.Sum(
                                        aggregation_temporality=2,
                                        is_monotonic=True,
                                        data_points=[m.NumberDataPoint(time_unix_nano=t, as_int=7)],
                                    ),
                                ),
                                m.Metric(
                                    name="h",
                                    histogram=m.Histogram(
                                        aggregation_temporality=2,
                                        data_points=[
                                            m.HistogramDataPoint(
                                                time_unix_nano=t,
                                                count=3,
                                                sum=-math.inf,
                                                bucket_counts=[1, 2],
                                                explicit_bounds=[0.5],
                                                min=0.1,
                                                max=0.9,
                                            )
                                        ],
                                    ),
                                ),
                                m.Metric(
                                    name="e",
                                    exponential_histogram=m.ExponentialHistogram(
                                        data_points=[
                                            m.ExponentialHistogramDataPoint(
                                                time_unix_nano=t,
                                                count=1,
                                                scale=2,
                                                zero_count=1,
                                                positive=m.ExponentialHistogramDataPoint.Buckets(
                                                    offset=-1, bucket_counts=[1]
                                                ),
                                            )
                                        ]
                                    ),
                                ),
                                m.Metric(
                                    name="q",
                                    summary=m.Summary(
                                        data_points=[
                                            m.SummaryDataPoint(
                                                time_unix_nano=t,
                                                count=2,
                                                sum=1.0,
                                                quantile_values=[vaq(quantile=0.5, value=math.nan)],
                                            )
                                        ]
                                    ),
                                ),
                            ]
                        )
                    ],
                )
            ]
        )
    )
    insert(store_client, decoded)
    q = store_client.query
    gauge = q(
        "SELECT isNaN(Value), TimeUnix = toDateTime({s:UInt32}), isInfinite(Exemplars.Value[1]), "
        "Exemplars.TraceId[1] FROM otel_metrics_gauge",
        parameters={"s": NOW_S},
    ).result_rows
    assert gauge == [(True, True, True, "000102030405060708090a0b0c0d0e0f")]
    assert q("SELECT Value, IsMonotonic, AggregationTemporality FROM otel_metrics_sum").result_rows == [(7.0, True, 2)]
    assert q("SELECT Count, Sum, BucketCounts, ExplicitBounds, Min, Max FROM otel_metrics_histogram").result_rows == [
        (3, -math.inf, [1, 2], [0.5], 0.1, 0.9)
    ]
    assert q(
        "SELECT Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, NegativeBucketCounts "
        "FROM otel_metrics_exponential_histogram"
    ).result_rows == [(2, 1, -1, [1], [])]
    assert q(
        "SELECT ValueAtQuantiles.Quantile, isNaN(ValueAtQuantiles.Value[1]) FROM otel_metrics_summary"
    ).result_rows == [([0.5], True)]
