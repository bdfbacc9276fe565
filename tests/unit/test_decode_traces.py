"""decode_traces: otel_traces rows exactly as the Collector's ClickHouse exporter writes them."""

from __future__ import annotations

import base64

import orjson
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from spinscope.ingest.decode import decode_traces, parse_request
from spinscope.ingest.decode_traces import COLUMNS

T0 = 1_795_520_000_000_000_000  # 2026-11-24
TRACE = bytes.fromhex("5b8efff798038103d269b633813fc60c")
SPAN = bytes.fromhex("eee19b7ec3c1b174")
PARENT = bytes.fromhex("eee19b7ec3c1b173")


def kv(key: str, value: str | int | float | bool) -> KeyValue:
    if isinstance(value, bool):
        return KeyValue(key=key, value=AnyValue(bool_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    if isinstance(value, float):
        return KeyValue(key=key, value=AnyValue(double_value=value))
    return KeyValue(key=key, value=AnyValue(string_value=value))


def request(*spans: Span, resource: list[KeyValue] | None = None) -> ExportTraceServiceRequest:
    res = Resource(attributes=resource if resource is not None else [kv("service.name", "slot-server")])
    return ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=res,
                scope_spans=[ScopeSpans(scope=InstrumentationScope(name="slot", version="1.2"), spans=list(spans))],
            )
        ]
    )


def spin_span(**overrides) -> Span:  # type: ignore[no-untyped-def]
    fields = dict(
        trace_id=TRACE,
        span_id=SPAN,
        parent_span_id=PARENT,
        name="spin",
        kind=Span.SPAN_KIND_SERVER,
        start_time_unix_nano=T0 + 1000,
        end_time_unix_nano=T0 + 42_000_1000,
        attributes=[kv("slot.spin.id", "s-1"), kv("slot.bet.amount", "1.25"), kv("slot.win.amount", "0")],
        status=Status(code=Status.STATUS_CODE_ERROR, message="wallet down"),
        trace_state="k=v",
    )
    fields.update(overrides)
    return Span(**fields)


def rows(decoded) -> list[dict]:  # type: ignore[no-untyped-def]
    table = decoded.tables["otel_traces"]
    return [dict(zip(table, values, strict=True)) for values in zip(*table.values(), strict=True)]


def test_a_spin_span_decodes_to_the_exporters_row() -> None:
    decoded = decode_traces(
        request(
            spin_span(
                events=[Span.Event(time_unix_nano=T0 + 5, name="retry", attributes=[kv("attempt", 2)])],
                links=[Span.Link(trace_id=TRACE, span_id=PARENT, trace_state="a=b", attributes=[kv("x", True)])],
            )
        )
    )
    assert rows(decoded) == [
        {
            "Timestamp": "1795520000.000001000",
            "TraceId": "5b8efff798038103d269b633813fc60c",
            "SpanId": "eee19b7ec3c1b174",
            "ParentSpanId": "eee19b7ec3c1b173",
            "TraceState": "k=v",
            "SpanName": "spin",
            "SpanKind": "Server",
            "ServiceName": "slot-server",
            "ResourceAttributes": {"service.name": "slot-server"},
            "ScopeName": "slot",
            "ScopeVersion": "1.2",
            "SpanAttributes": {"slot.spin.id": "s-1", "slot.bet.amount": "1.25", "slot.win.amount": "0"},
            "Duration": 420_000_000,
            "StatusCode": "Error",
            "StatusMessage": "wallet down",
            "Events.Timestamp": ["1795520000.000000005"],
            "Events.Name": ["retry"],
            "Events.Attributes": [{"attempt": "2"}],
            "Links.TraceId": ["5b8efff798038103d269b633813fc60c"],
            "Links.SpanId": ["eee19b7ec3c1b173"],
            "Links.TraceState": ["a=b"],
            "Links.Attributes": [{"x": "true"}],
        }
    ]
    assert (decoded.accepted, decoded.rejected, decoded.message, decoded.money_flagged) == (1, 0, "", 0)
    assert list(decoded.tables["otel_traces"]) == list(COLUMNS)
    orjson.dumps(decoded.tables)


def test_every_kind_and_status_code_has_the_exporters_name() -> None:
    spans = [spin_span(kind=k, status=Status(code=c)) for k, c in zip(range(7), (0, 1, 2, 0, 1, 2, 9), strict=True)]
    table = decode_traces(request(*spans)).tables["otel_traces"]
    assert table["SpanKind"] == ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer", ""]
    assert table["StatusCode"] == ["Unset", "Ok", "Error", "Unset", "Ok", "Error", ""]


def test_missing_and_zero_ids_are_empty_and_negative_duration_is_zero() -> None:
    span = spin_span(
        trace_id=b"",
        span_id=bytes(8),
        parent_span_id=b"",
        start_time_unix_nano=T0 + 10,
        end_time_unix_nano=T0,
        status=None,
    )
    row = rows(decode_traces(request(span, resource=[])))[0]
    assert (row["TraceId"], row["SpanId"], row["ParentSpanId"], row["Duration"]) == ("", "", "", 0)
    assert (row["ServiceName"], row["StatusCode"], row["StatusMessage"]) == ("", "Unset", "")


def test_spans_with_malformed_ids_are_rejected_alone() -> None:
    decoded = decode_traces(
        request(
            spin_span(trace_id=b"\x01" * 5),
            spin_span(attributes=[kv("slot.spin.id", "good")]),
            spin_span(span_id=b"\x02" * 9),
            spin_span(links=[Span.Link(trace_id=TRACE, span_id=b"\x03")]),
        )
    )
    assert [r["SpanAttributes"]["slot.spin.id"] for r in rows(decoded)] == ["good"]
    assert (decoded.accepted, decoded.rejected) == (1, 3)
    assert decoded.message == (
        "rejected 3 spans: resource_spans[0].scope_spans[0].spans[0]: trace_id has 5 bytes, expected 16 "
        "(or none); resource_spans[0].scope_spans[0].spans[2]: span_id has 9 bytes, expected 8 (or none); "
        "resource_spans[0].scope_spans[0].spans[3]: links[0].span_id has 1 bytes, expected 8 (or none)"
    )


def test_money_sent_as_a_double_is_flagged_but_stored() -> None:
    decoded = decode_traces(
        request(
            spin_span(attributes=[kv("slot.spin.id", "a"), kv("slot.bet.amount", 1.25), kv("slot.win.amount", "2")]),
            spin_span(attributes=[kv("slot.spin.id", "b"), kv("slot.bet.amount", 1), kv("slot.win.amount", 0.5)]),
            spin_span(name="wallet.debit", attributes=[kv("slot.bet.amount", 1.25)]),
            spin_span(attributes=[kv("slot.spin.id", "c"), kv("slot.bet.amount", "1.25")]),
        )
    )
    attrs = decoded.tables["otel_traces"]["SpanAttributes"]
    assert attrs[0] == {
        "slot.spin.id": "a",
        "slot.bet.amount": "1.25",
        "slot.win.amount": "2",
        "spinscope.money_error": "slot.bet.amount was sent as a double (1.25); money must be a decimal string",
    }
    assert attrs[1]["spinscope.money_error"] == (
        "slot.win.amount was sent as a double (0.5); money must be a decimal string"
    )
    assert "spinscope.money_error" not in attrs[2]
    assert "spinscope.money_error" not in attrs[3]
    assert decoded.money_flagged == 2


def test_money_in_exponent_notation_passes_the_decoder_as_written_and_a_double_in_it_is_still_a_double() -> None:
    """The receiver stores decimal text exactly as sent (the spins view reads it); only the value's type is its call."""
    decoded = decode_traces(
        request(
            spin_span(
                attributes=[kv("slot.spin.id", "a"), kv("slot.bet.amount", "1.5E+3"), kv("slot.win.amount", "0E-8")]
            ),
            spin_span(attributes=[kv("slot.spin.id", "b"), kv("slot.bet.amount", "15e-1"), kv("slot.win.amount", 25)]),
            spin_span(attributes=[kv("slot.spin.id", "c"), kv("slot.bet.amount", 1e-7), kv("slot.win.amount", "0")]),
        )
    )
    attrs = decoded.tables["otel_traces"]["SpanAttributes"]
    assert attrs[0] == {"slot.spin.id": "a", "slot.bet.amount": "1.5E+3", "slot.win.amount": "0E-8"}
    assert attrs[1] == {"slot.spin.id": "b", "slot.bet.amount": "15e-1", "slot.win.amount": "25"}
    assert attrs[2]["spinscope.money_error"] == (
        "slot.bet.amount was sent as a double (1e-7); money must be a decimal string"
    )
    assert decoded.money_flagged == 1


def test_attribute_types_and_duplicates_match_pdata() -> None:
    span = spin_span(
        attributes=[
            kv("s", "x"),
            kv("i", -3),
            kv("d", 100000.0),
            kv("b", False),
            kv("s", "y"),
            KeyValue(key="bytes", value=AnyValue(bytes_value=b"\x01\x02")),
            KeyValue(key="empty"),
            kv("long", "v" * 300),
            kv("k" * 200, "long key"),
            kv("unicode", "ñ€😀"),
        ]
    )
    span2 = spin_span(attributes=[kv("s", "x"), kv("i", -3)])  # cache hits for repeated values
    table = decode_traces(request(span, span2)).tables["otel_traces"]
    assert table["SpanAttributes"][0] == {
        "s": "y",
        "i": "-3",
        "d": "100000",
        "b": "false",
        "bytes": "AQI=",
        "empty": "",
        "long": "v" * 300,
        "k" * 200: "long key",
        "unicode": "ñ€😀",
    }
    assert table["SpanAttributes"][1] == {"s": "x", "i": "-3"}


def test_passing_the_body_gives_the_same_rows() -> None:
    req = request(spin_span(), spin_span(span_id=b"\x09" * 8))
    body = req.SerializeToString()
    assert decode_traces(req, body=body) == decode_traces(req)


def test_several_resources_and_scopes_keep_their_own_names() -> None:
    req = ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=Resource(attributes=[kv("service.name", f"svc-{r}")]),
                scope_spans=[
                    ScopeSpans(scope=InstrumentationScope(name=f"scope-{r}{s}"), spans=[spin_span(), spin_span()])
                    for s in range(2)
                ],
            )
            for r in range(2)
        ]
    )
    table = decode_traces(req).tables["otel_traces"]
    assert table["ServiceName"] == ["svc-0"] * 4 + ["svc-1"] * 4
    assert table["ScopeName"] == [
        "scope-00",
        "scope-00",
        "scope-01",
        "scope-01",
        "scope-10",
        "scope-10",
        "scope-11",
        "scope-11",
    ]


def test_empty_request_gives_the_table_with_no_rows() -> None:
    decoded = decode_traces(ExportTraceServiceRequest())
    assert decoded.tables == {"otel_traces": {name: [] for name in COLUMNS}}
    assert decoded.rows() == 0


def _otlp_json(req: ExportTraceServiceRequest) -> bytes:
    doc = json_format.MessageToDict(req, use_integers_for_enums=True)
    for rs in doc.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                for holder in [span, *span.get("links", [])]:
                    for key in ("traceId", "spanId", "parentSpanId"):
                        if key in holder:
                            holder[key] = base64.b64decode(holder[key]).hex()
    return orjson.dumps(doc)


def test_json_and_protobuf_bodies_decode_to_the_same_rows() -> None:
    req = request(
        spin_span(
            events=[Span.Event(time_unix_nano=T0, name="e", attributes=[kv("n", 1.5)])],
            links=[Span.Link(trace_id=TRACE, span_id=SPAN)],
        ),
        spin_span(attributes=[kv("slot.bet.amount", 2.0), kv("x", True)]),
        spin_span(trace_id=b"\x01\x02"),
    )
    from_pb = decode_traces(parse_request("traces", req.SerializeToString(), "application/x-protobuf"))
    from_json = decode_traces(parse_request("traces", _otlp_json(req), "application/json; charset=utf-8"))
    assert from_json == from_pb
    assert (from_pb.accepted, from_pb.rejected, from_pb.money_flagged) == (2, 1, 1)
