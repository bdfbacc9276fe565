"""OTLP/JSON parsing, content types, and the OTLP/HTTP response and error bodies."""

from __future__ import annotations

import orjson
import pytest
from google.rpc import status_pb2
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from spinscope.ingest.decode import DecodeError, encode_response, encode_status, parse_request

SPAN_JSON = {
    "resourceSpans": [
        {
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "slot-server"}}]},
            "scopeSpans": [
                {
                    "scope": {"name": "s"},
                    "spans": [
                        {
                            "traceId": "5B8EFFF798038103D269B633813FC60C",
                            "spanId": "eee19b7ec3c1b174",
                            "parentSpanId": "",
                            "name": "spin",
                            "kind": 2,
                            "startTimeUnixNano": "1795520000000000000",
                            "endTimeUnixNano": 1795520000042000000,
                            "attributes": [{"key": "n", "value": {"intValue": "5"}}],
                            "status": {"code": 2},
                            "someFutureField": {"ignored": True},
                        }
                    ],
                }
            ],
        }
    ]
}


def test_otlp_json_ids_are_hex_enums_integers_and_unknown_fields_ignored() -> None:
    req = parse_request("traces", orjson.dumps(SPAN_JSON), "application/json")
    span = req.resource_spans[0].scope_spans[0].spans[0]
    assert span.trace_id.hex() == "5b8efff798038103d269b633813fc60c"
    assert span.span_id.hex() == "eee19b7ec3c1b174"
    assert span.parent_span_id == b""
    assert (span.kind, span.status.code, span.attributes[0].value.int_value) == (2, 2, 5)
    assert span.end_time_unix_nano - span.start_time_unix_nano == 42_000_000


def test_proto_field_names_are_accepted_too() -> None:
    doc = {"resource_spans": [{"scope_spans": [{"spans": [{"trace_id": "01" * 16, "span_id": "02" * 8}]}]}]}
    span = parse_request("traces", orjson.dumps(doc), "application/json").resource_spans[0].scope_spans[0].spans[0]
    assert (span.trace_id, span.span_id) == (b"\x01" * 16, b"\x02" * 8)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "OTLP/JSON body is not valid JSON"),
        (b"[]", "OTLP/JSON body must be a JSON object, got list"),
        (
            orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{}, {"traceId": "xyz0"}]}]}]}),
            "resourceSpans[0].scopeSpans[0].spans[1].traceId: expected a hex string, got 'xyz0'",
        ),
        (
            orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{"links": [{"spanId": 7}]}]}]}]}),
            "resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId: expected a hex string, got 'int'",
        ),
        (
            orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{"name": 5}]}]}]}),
            "OTLP/JSON traces request does not match the schema",
        ),
        (orjson.dumps({"resourceSpans": {"not": "a list"}}), "OTLP/JSON traces request does not match the schema"),
    ],
)
def test_malformed_json_raises_decode_error_naming_the_problem(body: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_request("traces", body, "application/json")


def test_malformed_ids_in_logs_and_metric_exemplars_are_named() -> None:
    logs = {"resourceLogs": [{"scopeLogs": [{"logRecords": [{"spanId": "0g"}]}]}]}
    with pytest.raises(DecodeError, match=r"resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.spanId"):
        parse_request("logs", orjson.dumps(logs), "application/json")
    metrics = {
        "resourceMetrics": [
            {"scopeMetrics": [{"metrics": [{"histogram": {"dataPoints": [{"exemplars": [{"traceId": "abc"}]}]}}]}]}
        ]
    }
    with pytest.raises(DecodeError, match=r"metrics\[0\]\.histogram\.dataPoints\[0\]\.exemplars\[0\]\.traceId"):
        parse_request("metrics", orjson.dumps(metrics), "application/json")


def test_bad_protobuf_unknown_content_type_and_signal_are_decode_errors() -> None:
    with pytest.raises(DecodeError, match="not a valid protobuf ExportTraceServiceRequest"):
        parse_request("traces", b"\xff\xff\xff", "application/x-protobuf")
    with pytest.raises(DecodeError, match="unsupported content type 'text/plain'"):
        parse_request("traces", b"", "text/plain")
    with pytest.raises(DecodeError, match="unknown signal 'profiles'"):
        parse_request("profiles", b"", "application/x-protobuf")


def test_full_success_response_leaves_partial_success_unset() -> None:
    assert encode_response("traces", 0, "", "application/x-protobuf") == b""
    assert encode_response("metrics", 0, "", "application/json") == b"{}"


def test_partial_success_response_carries_count_and_message() -> None:
    body = encode_response("traces", 2, "rejected 2 spans: ...", "application/x-protobuf")
    response = ExportTraceServiceResponse.FromString(body)
    assert response.HasField("partial_success")
    assert (response.partial_success.rejected_spans, response.partial_success.error_message) == (
        2,
        "rejected 2 spans: ...",
    )
    assert orjson.loads(encode_response("logs", 3, "m", "application/json; charset=utf-8")) == {
        "partialSuccess": {"rejectedLogRecords": "3", "errorMessage": "m"}
    }
    warning = ExportLogsServiceResponse.FromString(encode_response("logs", 0, "note", "application/x-protobuf"))
    assert warning.HasField("partial_success") and warning.partial_success.error_message == "note"


def test_status_body_is_google_rpc_status() -> None:
    status = status_pb2.Status.FromString(encode_status("bad body", "application/x-protobuf"))
    assert (status.code, status.message) == (3, "bad body")
    assert orjson.loads(encode_status("slow down", "application/json", code=14)) == {"code": 14, "message": "slow down"}
