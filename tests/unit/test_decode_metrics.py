"""decode_metrics: otel_metrics_* rows exactly as the Collector's ClickHouse exporter writes them."""

from __future__ import annotations

import base64
import math

import orjson
from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.metrics.v1 import metrics_pb2 as m
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

from spinscope.ingest.decode import decode_metrics, parse_request
from spinscope.ingest.decode_metrics import TABLES

T0 = 1_795_520_000_000_000_000
S0 = 1_795_520_000
GAME = [KeyValue(key="slot.game.id", value=AnyValue(string_value="fortune-tiger"))]
EXEMPLAR = m.Exemplar(
    time_unix_nano=T0 + 2_500_000_000,
    as_int=3,
    trace_id=bytes(range(16)),
    span_id=bytes(range(8)),
    filtered_attributes=GAME,
)


def request(*metrics: m.Metric) -> ExportMetricsServiceRequest:
    return ExportMetricsServiceRequest(
        resource_metrics=[
            m.ResourceMetrics(
                resource=Resource(
                    attributes=[KeyValue(key="service.name", value=AnyValue(string_value="slot-server"))]
                ),
                schema_url="r-url",
                scope_metrics=[
                    m.ScopeMetrics(
                        scope=InstrumentationScope(name="meter", version="1", dropped_attributes_count=2),
                        schema_url="s-url",
                        metrics=list(metrics),
                    )
                ],
            )
        ]
    )


COMMON = {
    "ResourceAttributes": {"service.name": "slot-server"},
    "ResourceSchemaUrl": "r-url",
    "ScopeName": "meter",
    "ScopeVersion": "1",
    "ScopeAttributes": {},
    "ScopeDroppedAttrCount": 2,
    "ScopeSchemaUrl": "s-url",
    "ServiceName": "slot-server",
}


def only_row(decoded, table: str) -> dict:  # type: ignore[no-untyped-def]
    columns = decoded.tables[table]
    assert all(len(v) == 1 for v in columns.values()), columns
    assert list(columns) == list(TABLES[table])
    return {k: v[0] for k, v in columns.items()}


def test_sum_point_decodes_to_the_exporters_row() -> None:
    metric = m.Metric(
        name="slot.spins",
        description="spins",
        unit="{spin}",
        sum=m.Sum(
            aggregation_temporality=2,
            is_monotonic=True,
            data_points=[
                m.NumberDataPoint(
                    attributes=GAME,
                    start_time_unix_nano=T0,
                    time_unix_nano=T0 + 1_999_999_999,
                    as_int=41,
                    flags=1,
                    exemplars=[EXEMPLAR],
                )
            ],
        ),
    )
    decoded = decode_metrics(request(metric))
    assert only_row(decoded, "otel_metrics_sum") == {
        **COMMON,
        "MetricName": "slot.spins",
        "MetricDescription": "spins",
        "MetricUnit": "{spin}",
        "Attributes": {"slot.game.id": "fortune-tiger"},
        "StartTimeUnix": S0,
        "TimeUnix": S0 + 1,
        "Value": 41.0,
        "Flags": 1,
        "Exemplars.FilteredAttributes": [{"slot.game.id": "fortune-tiger"}],
        "Exemplars.TimeUnix": [S0 + 2],
        "Exemplars.Value": [3.0],
        "Exemplars.SpanId": ["0001020304050607"],
        "Exemplars.TraceId": ["000102030405060708090a0b0c0d0e0f"],
        "AggregationTemporality": 2,
        "IsMonotonic": True,
    }
    assert (decoded.accepted, decoded.rejected, decoded.rows()) == (1, 0, 1)
    assert all(not any(cols.values()) for name, cols in decoded.tables.items() if name != "otel_metrics_sum")


def test_gauge_value_is_double_or_int_and_non_finite_is_text() -> None:
    metric = m.Metric(
        name="g",
        gauge=m.Gauge(
            data_points=[
                m.NumberDataPoint(time_unix_nano=T0, as_double=0.25),
                m.NumberDataPoint(time_unix_nano=T0, as_int=-2),
                m.NumberDataPoint(time_unix_nano=T0, as_double=math.nan),
                m.NumberDataPoint(time_unix_nano=T0),
            ]
        ),
    )
    table = decode_metrics(request(metric)).tables["otel_metrics_gauge"]
    assert table["Value"] == [0.25, -2.0, "nan", 0.0]
    assert table["StartTimeUnix"] == [0, 0, 0, 0]


def test_histogram_point_decodes_to_the_exporters_row() -> None:
    metric = m.Metric(
        name="slot.spin.duration",
        unit="s",
        histogram=m.Histogram(
            aggregation_temporality=1,
            data_points=[
                m.HistogramDataPoint(
                    start_time_unix_nano=T0,
                    time_unix_nano=T0,
                    count=6,
                    sum=1.5,
                    bucket_counts=[1, 2, 3],
                    explicit_bounds=[0.1, math.inf],
                    min=0.01,
                    flags=0,
                )
            ],
        ),
    )
    row = only_row(decode_metrics(request(metric)), "otel_metrics_histogram")
    assert {k: row[k] for k in list(TABLES["otel_metrics_histogram"])[14:]} == {
        "Count": 6,
        "Sum": 1.5,
        "BucketCounts": [1, 2, 3],
        "ExplicitBounds": [0.1, "inf"],
        "Exemplars.FilteredAttributes": [],
        "Exemplars.TimeUnix": [],
        "Exemplars.Value": [],
        "Exemplars.SpanId": [],
        "Exemplars.TraceId": [],
        "Flags": 0,
        "Min": 0.01,
        "Max": 0.0,
        "AggregationTemporality": 1,
    }


def test_exponential_histogram_point_decodes_to_the_exporters_row() -> None:
    metric = m.Metric(
        name="e",
        exponential_histogram=m.ExponentialHistogram(
            aggregation_temporality=2,
            data_points=[
                m.ExponentialHistogramDataPoint(
                    time_unix_nano=T0,
                    count=9,
                    sum=-1.0,
                    scale=-3,
                    zero_count=4,
                    positive=m.ExponentialHistogramDataPoint.Buckets(offset=-2, bucket_counts=[1, 2]),
                    negative=m.ExponentialHistogramDataPoint.Buckets(offset=5, bucket_counts=[2]),
                    flags=1,
                    min=-4.0,
                    max=8.0,
                )
            ],
        ),
    )
    row = only_row(decode_metrics(request(metric)), "otel_metrics_exponential_histogram")
    assert {k: row[k] for k in list(TABLES["otel_metrics_exponential_histogram"])[14:]} == {
        "Count": 9,
        "Sum": -1.0,
        "Scale": -3,
        "ZeroCount": 4,
        "PositiveOffset": -2,
        "PositiveBucketCounts": [1, 2],
        "NegativeOffset": 5,
        "NegativeBucketCounts": [2],
        "Exemplars.FilteredAttributes": [],
        "Exemplars.TimeUnix": [],
        "Exemplars.Value": [],
        "Exemplars.SpanId": [],
        "Exemplars.TraceId": [],
        "Flags": 1,
        "Min": -4.0,
        "Max": 8.0,
        "AggregationTemporality": 2,
    }


def test_summary_point_decodes_to_the_exporters_row() -> None:
    vaq = m.SummaryDataPoint.ValueAtQuantile
    metric = m.Metric(
        name="s",
        summary=m.Summary(
            data_points=[
                m.SummaryDataPoint(
                    time_unix_nano=T0,
                    count=3,
                    sum=0.75,
                    quantile_values=[vaq(quantile=0.5, value=0.2), vaq(quantile=0.99, value=-math.inf)],
                )
            ]
        ),
    )
    row = only_row(decode_metrics(request(metric)), "otel_metrics_summary")
    assert {k: row[k] for k in list(TABLES["otel_metrics_summary"])[14:]} == {
        "Count": 3,
        "Sum": 0.75,
        "ValueAtQuantiles.Quantile": [0.5, 0.99],
        "ValueAtQuantiles.Value": [0.2, "-inf"],
        "Flags": 0,
    }


def test_points_with_malformed_exemplar_ids_are_rejected_alone() -> None:
    bad = m.Exemplar(as_double=1.0, span_id=b"\x01\x02")
    metric = m.Metric(
        name="g", gauge=m.Gauge(data_points=[m.NumberDataPoint(as_int=1, exemplars=[bad]), m.NumberDataPoint(as_int=2)])
    )
    decoded = decode_metrics(request(metric, m.Metric(name="no data")))
    assert decoded.tables["otel_metrics_gauge"]["Value"] == [2.0]
    assert (decoded.accepted, decoded.rejected) == (1, 1)
    assert decoded.message == (
        "rejected 1 data points: resource_metrics[0].scope_metrics[0].metrics[0].gauge"
        ".data_points[0]: exemplars[0].span_id has 2 bytes, expected 8 (or none)"
    )


def test_json_and_protobuf_bodies_decode_to_the_same_rows() -> None:
    req = request(
        m.Metric(
            name="slot.spins",
            sum=m.Sum(
                aggregation_temporality=2,
                is_monotonic=True,
                data_points=[m.NumberDataPoint(time_unix_nano=T0, as_int=2**62, exemplars=[EXEMPLAR])],
            ),
        )
    )
    doc = json_format.MessageToDict(req, use_integers_for_enums=True)
    exemplar = doc["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["sum"]["dataPoints"][0]["exemplars"][0]
    for key in ("traceId", "spanId"):
        exemplar[key] = base64.b64decode(exemplar[key]).hex()
    from_json = decode_metrics(parse_request("metrics", orjson.dumps(doc), "application/json"))
    from_pb = decode_metrics(parse_request("metrics", req.SerializeToString(), "application/x-protobuf"))
    assert from_json == from_pb
    orjson.dumps(from_pb.tables)
