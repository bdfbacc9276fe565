"""Money literals through every receiver (OTLP/HTTP protobuf and JSON, OTLP/gRPC): the same exact amounts and
reasons as the Collector's path (tests/sql/test_money.py), plus what only a receiver can see: doubles."""

from __future__ import annotations

import json
from decimal import Decimal

import grpc
import httpx
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

from tests.e2e.test_http_receiver import PB, T0, url
from tests.money_cases import CASES, attributes, expected, stored


def spans() -> list[Span]:
    return [
        Span(
            trace_id=(i + 1).to_bytes(16, "big"),
            span_id=(i + 1).to_bytes(8, "big"),
            name="spin",
            kind=Span.SPAN_KIND_SERVER,
            start_time_unix_nano=T0 + i,
            end_time_unix_nano=T0 + i + 1_000_000,
            attributes=[KeyValue(key=k, value=AnyValue(string_value=v)) for k, v in attributes(name, case).items()],
        )
        for i, (name, case) in enumerate(CASES.items())
    ]


def request(items: list[Span]) -> ExportTraceServiceRequest:
    resource = Resource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value="slot-server"))])
    return ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(resource=resource, scope_spans=[ScopeSpans(spans=items)])]
    )


def otlp_json() -> str:
    """The same spans as OTLP JSON, written out as a producer's JSON exporter does (hex ids, string values)."""
    return json.dumps(
        {
            "resourceSpans": [
                {
                    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "slot-server"}}]},
                    "scopeSpans": [
                        {
                            "spans": [
                                {
                                    "traceId": f"{i + 1:032x}",
                                    "spanId": f"{i + 1:016x}",
                                    "name": "spin",
                                    "kind": 2,
                                    "startTimeUnixNano": str(T0 + i),
                                    "endTimeUnixNano": str(T0 + i + 1_000_000),
                                    "attributes": [
                                        {"key": k, "value": {"stringValue": v}}
                                        for k, v in attributes(name, case).items()
                                    ],
                                }
                                for i, (name, case) in enumerate(CASES.items())
                            ]
                        }
                    ],
                }
            ]
        }
    )


def test_every_notation_through_otlp_http_protobuf(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(url(live_service), content=request(spans()).SerializeToString(), headers={"Content-Type": PB})
    assert reply.status_code == 200, reply.text
    assert stored(store_client) == expected()


def test_every_notation_through_otlp_http_json(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(url(live_service), content=otlp_json(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.text
    assert stored(store_client) == expected()


def test_every_notation_through_otlp_grpc(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    with grpc.insecure_channel(f"127.0.0.1:{live_service.grpc_port}") as channel:
        reply = trace_service_pb2_grpc.TraceServiceStub(channel).Export(request(spans()), timeout=10)
    assert not reply.HasField("partial_success")
    assert stored(store_client) == expected()


def test_doubles_are_refused_and_integers_are_exact(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    """A double in exponent form ("1e-07" as Go prints it) is still a double; an int is an exact amount."""

    def spin(spin_id: str, bet: AnyValue, win: AnyValue) -> Span:
        base = attributes(spin_id, CASES["btc-exponent-upper"])
        attrs = [KeyValue(key=k, value=AnyValue(string_value=v)) for k, v in base.items() if "amount" not in k]
        attrs += [KeyValue(key="slot.bet.amount", value=bet), KeyValue(key="slot.win.amount", value=win)]
        n = len(spin_id)
        return Span(
            trace_id=n.to_bytes(16, "big"), span_id=n.to_bytes(8, "big"), name="spin",
            start_time_unix_nano=T0, end_time_unix_nano=T0 + 1, attributes=attrs,
        )  # fmt: skip

    body = request(
        [
            spin("d", AnyValue(double_value=1e-7), AnyValue(string_value="0")),
            spin("dd", AnyValue(string_value="1"), AnyValue(double_value=1500.0)),
            spin("ddd", AnyValue(int_value=25), AnyValue(int_value=0)),
        ]
    ).SerializeToString()
    assert httpx.post(url(live_service), content=body, headers={"Content-Type": PB}).status_code == 200
    double = "was sent as a double ({}); money must be a decimal string"
    assert stored(store_client) == {
        "d": (None, None, "slot.bet.amount " + double.format("1e-7")),
        "dd": (None, None, "slot.win.amount " + double.format("1500")),
        "ddd": (Decimal("25"), Decimal("0"), ""),
    }
