"""decode_logs: otel_logs rows exactly as the Collector's ClickHouse exporter writes them."""

from __future__ import annotations

import base64

import orjson
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue, KeyValueList
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

from spinscope.ingest.decode import decode_logs, parse_request
from spinscope.ingest.decode_logs import COLUMNS

T0 = 1_795_520_000_000_000_000


def request(*records: LogRecord) -> ExportLogsServiceRequest:
    return ExportLogsServiceRequest(
        resource_logs=[
            ResourceLogs(
                resource=Resource(
                    attributes=[KeyValue(key="service.name", value=AnyValue(string_value="slot-server"))]
                ),
                schema_url="https://opentelemetry.io/schemas/1.26.0",
                scope_logs=[
                    ScopeLogs(
                        scope=InstrumentationScope(
                            name="wallet", version="3", attributes=[KeyValue(key="lib", value=AnyValue(int_value=1))]
                        ),
                        schema_url="scope-url",
                        log_records=list(records),
                    )
                ],
            )
        ]
    )


def test_a_log_record_decodes_to_the_exporters_row() -> None:
    record = LogRecord(
        time_unix_nano=T0 + 7,
        observed_time_unix_nano=T0 + 9,
        severity_number=17,
        severity_text="ERROR",
        body=AnyValue(kvlist_value=KeyValueList(values=[KeyValue(key="msg", value=AnyValue(string_value="hi"))])),
        attributes=[KeyValue(key="slot.spin.id", value=AnyValue(string_value="s-1"))],
        flags=0x101,
        trace_id=bytes(range(16)),
        span_id=bytes(range(1, 9)),
        event_name="wallet.timeout",
    )
    table = decode_logs(request(record)).tables["otel_logs"]
    assert table == {
        "Timestamp": ["1795520000.000000007"],
        "TraceId": ["000102030405060708090a0b0c0d0e0f"],
        "SpanId": ["0102030405060708"],
        "TraceFlags": [1],
        "SeverityText": ["ERROR"],
        "SeverityNumber": [17],
        "ServiceName": ["slot-server"],
        "Body": ['{"msg":"hi"}'],
        "ResourceSchemaUrl": ["https://opentelemetry.io/schemas/1.26.0"],
        "ResourceAttributes": [{"service.name": "slot-server"}],
        "ScopeSchemaUrl": ["scope-url"],
        "ScopeName": ["wallet"],
        "ScopeVersion": ["3"],
        "ScopeAttributes": [{"lib": "1"}],
        "LogAttributes": [{"slot.spin.id": "s-1"}],
        "EventName": ["wallet.timeout"],
    }
    assert list(table) == list(COLUMNS)


def test_observed_time_stands_in_for_a_missing_time_and_ids_may_be_absent() -> None:
    table = decode_logs(request(LogRecord(observed_time_unix_nano=T0, body=AnyValue(string_value="x")))).tables
    row = {k: v[0] for k, v in table["otel_logs"].items()}
    assert (row["Timestamp"], row["TraceId"], row["SpanId"], row["Body"]) == ("1795520000.000000000", "", "", "x")


def test_log_records_with_malformed_ids_are_rejected_alone() -> None:
    decoded = decode_logs(request(LogRecord(trace_id=b"\x01" * 3), LogRecord(), LogRecord(span_id=b"\x01" * 16)))
    assert (decoded.accepted, decoded.rejected) == (1, 2)
    assert decoded.message == (
        "rejected 2 log records: resource_logs[0].scope_logs[0].log_records[0]: trace_id has 3 bytes, "
        "expected 16 (or none); resource_logs[0].scope_logs[0].log_records[2]: span_id has 16 bytes, "
        "expected 8 (or none)"
    )


def test_json_and_protobuf_bodies_decode_to_the_same_rows() -> None:
    req = request(
        LogRecord(
            time_unix_nano=T0,
            trace_id=bytes(range(16)),
            span_id=bytes(range(8)),
            body=AnyValue(double_value=2.5),
            severity_number=9,
        )
    )
    doc = json_format.MessageToDict(req, use_integers_for_enums=True)
    record = doc["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
    for key in ("traceId", "spanId"):
        record[key] = base64.b64decode(record[key]).hex().upper()  # hex is case-insensitive
    from_json = decode_logs(parse_request("logs", orjson.dumps(doc), "application/json"))
    from_pb = decode_logs(parse_request("logs", req.SerializeToString(), "application/x-protobuf"))
    assert from_json == from_pb
    assert from_pb.tables["otel_logs"]["Body"] == ["2.5"]
