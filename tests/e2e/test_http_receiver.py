"""Raw OTLP/HTTP requests against a running receiver: content types, gzip and every error path."""

from __future__ import annotations

import gzip
import json
import time

import httpx
import pytest
from google.rpc import status_pb2
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

from spinscope.server import ServeOptions, Service

PB = "application/x-protobuf"
# An hour ago, whole second: raw tables keep 30 days (TTL), so test data must be recent.
T0 = (time.time_ns() // 1_000_000_000 - 3600) * 1_000_000_000


def kv(key: str, value: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=value))


def spin_span(i: int, trace_byte: int = 1, bet: str = "1.00", win: str = "0.00") -> Span:
    return Span(
        trace_id=bytes([trace_byte]) * 16,
        span_id=i.to_bytes(8, "big"),
        name="spin",
        kind=Span.SPAN_KIND_SERVER,
        start_time_unix_nano=T0 + i * 1_000_000,
        end_time_unix_nano=T0 + i * 1_000_000 + 50_000_000,
        attributes=[
            kv("slot.spin.id", f"s{i}"),
            kv("slot.game.id", "g"),
            kv("slot.game.version", "1"),
            kv("slot.bet.amount", bet),
            kv("slot.win.amount", win),
            kv("slot.currency", "EUR"),
            kv("slot.spin.mode", "paid"),
        ],
    )


def request(spans: list[Span]) -> ExportTraceServiceRequest:
    return ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=Resource(attributes=[kv("service.name", "slot-server")]),
                scope_spans=[ScopeSpans(spans=spans)],
            )
        ]
    )


def url(service: Service, path: str = "/v1/traces") -> str:
    return f"http://127.0.0.1:{service.http_port}{path}"


def count(client, sql: str) -> int:  # type: ignore[no-untyped-def]
    return int(client.query(sql).result_rows[0][0])


def test_protobuf_request_is_stored_and_answered_in_protobuf(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(
        url(live_service),
        content=request([spin_span(1), spin_span(2)]).SerializeToString(),
        headers={"Content-Type": PB},
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"] == PB
    parsed = ExportTraceServiceResponse.FromString(reply.content)
    assert not parsed.HasField("partial_success")
    assert count(store_client, "SELECT count() FROM otel_traces") == 2
    assert count(store_client, "SELECT count() FROM spins") == 2


def test_json_request_with_hex_ids_and_integer_enums(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    body = {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "s"}}]},
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": "0af7651916cd43dd8448eb211c80319c",
                                "spanId": "b7ad6b7169203331",
                                "name": "spin",
                                "kind": 2,
                                "startTimeUnixNano": str(T0),
                                "endTimeUnixNano": T0 + 5,
                                "status": {"code": 2, "message": "boom"},
                                "attributes": [
                                    {"key": "slot.spin.id", "value": {"stringValue": "j1"}},
                                    {"key": "n", "value": {"intValue": "7"}},
                                ],
                                "unknownField": 1,
                            }
                        ]
                    }
                ],
            }
        ]
    }
    reply = httpx.post(url(live_service), content=json.dumps(body), headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {}
    row = store_client.query(
        "SELECT TraceId, SpanId, SpanKind, StatusCode, StatusMessage, Duration, SpanAttributes FROM otel_traces"
    ).result_rows[0]
    assert row == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
        "Server",
        "Error",
        "boom",
        5,
        {"slot.spin.id": "j1", "n": "7"},
    )


def test_gzip_body_is_accepted(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    body = gzip.compress(request([spin_span(1)]).SerializeToString())
    reply = httpx.post(url(live_service), content=body, headers={"Content-Type": PB, "Content-Encoding": "gzip"})
    assert reply.status_code == 200
    assert count(store_client, "SELECT count() FROM spins") == 1


def status_message(reply: httpx.Response) -> str:
    if reply.headers["content-type"].startswith("application/json"):
        return str(reply.json()["message"])
    return status_pb2.Status.FromString(reply.content).message


def test_malformed_protobuf_is_400_with_status_and_nothing_stored(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(url(live_service), content=b"\x0a\xff\xff\xff", headers={"Content-Type": PB})
    assert reply.status_code == 400
    assert status_message(reply)
    assert count(store_client, "SELECT count() FROM otel_traces") == 0


def test_malformed_json_is_400_naming_the_problem(live_service) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(url(live_service), content=b'{"resourceSpans": [', headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert reply.headers["content-type"] == "application/json"
    assert status_message(reply)


def test_bad_span_id_is_a_partial_success(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    bad = spin_span(2)
    bad.span_id = b"\x01\x02"
    reply = httpx.post(
        url(live_service), content=request([spin_span(1), bad]).SerializeToString(), headers={"Content-Type": PB}
    )
    assert reply.status_code == 200
    parsed = ExportTraceServiceResponse.FromString(reply.content)
    assert parsed.partial_success.rejected_spans == 1
    assert parsed.partial_success.error_message
    assert count(store_client, "SELECT count() FROM otel_traces") == 1


def test_bad_gzip_is_400(live_service) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(url(live_service), content=b"not gzip", headers={"Content-Type": PB, "Content-Encoding": "gzip"})
    assert reply.status_code == 400


def test_unsupported_content_type_is_415(live_service) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(url(live_service), content=b"x", headers={"Content-Type": "text/plain"})
    assert reply.status_code == 415


@pytest.fixture
def small_limit_service(store):  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, max_body_bytes=10_000))
    service.start()
    yield service
    service.stop()


def test_body_over_limit_is_413(small_limit_service) -> None:  # type: ignore[no-untyped-def]
    reply = httpx.post(url(small_limit_service), content=b"\x00" * 20_000, headers={"Content-Type": PB})
    assert reply.status_code == 413


def test_gzip_bomb_is_413_without_inflating_it(small_limit_service) -> None:  # type: ignore[no-untyped-def]
    bomb = gzip.compress(b"\x00" * 1_000_000)  # 1 KB on the wire, 100x the limit once inflated
    assert len(bomb) < 10_000
    reply = httpx.post(url(small_limit_service), content=bomb, headers={"Content-Type": PB, "Content-Encoding": "gzip"})
    assert reply.status_code == 413
    assert "decompressed" in status_message(reply)


@pytest.fixture
def token_service(store):  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, token="s3cret"))
    service.start()
    yield service
    service.stop()


def test_bearer_token_required_when_configured(token_service, store_client) -> None:  # type: ignore[no-untyped-def]
    body = request([spin_span(1)]).SerializeToString()
    assert httpx.post(url(token_service), content=body, headers={"Content-Type": PB}).status_code == 401
    wrong = {"Content-Type": PB, "Authorization": "Bearer nope"}
    assert httpx.post(url(token_service), content=body, headers=wrong).status_code == 401
    right = {"Content-Type": PB, "Authorization": "Bearer s3cret"}
    assert httpx.post(url(token_service), content=body, headers=right).status_code == 200


def test_full_queue_answers_429_with_retry_after_and_drops_nothing_it_accepted(store, store_client) -> None:  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, queue_max_rows=3))
    gate = __import__("threading").Event()
    real_write = service.batcher._write

    def slow_write(table, columns):  # type: ignore[no-untyped-def]
        gate.wait(10)
        real_write(table, columns)

    service.batcher._write = slow_write
    service.start()
    try:
        with httpx.Client() as client:
            import concurrent.futures

            pool = concurrent.futures.ThreadPoolExecutor(2)
            first = pool.submit(
                client.post,
                url(service),
                content=request([spin_span(1), spin_span(2)]).SerializeToString(),
                headers={"Content-Type": PB},
            )
            deadline = time.monotonic() + 5
            while service.batcher.queued_rows == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            second = client.post(
                url(service),
                content=request([spin_span(3), spin_span(4)]).SerializeToString(),
                headers={"Content-Type": PB},
            )
            assert second.status_code == 429
            assert second.headers["retry-after"] == "1"
            gate.set()
            assert first.result(timeout=10).status_code == 200
        metrics = httpx.get(url(service, "/metrics")).text
        assert 'spinscope_requests_total{signal="traces",outcome="overloaded"} 1' in metrics
    finally:
        gate.set()
        service.stop()
    assert count(store_client, "SELECT count() FROM spins") == 2


def test_bodies_past_the_budget_answer_429_before_being_read(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """A slow sender holding the budget makes the next request wait (429), not grow memory."""
    import socket

    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, body_budget_bytes=100))
    service.start()
    try:
        slow_body = request([spin_span(1)]).SerializeToString()
        slow = socket.create_connection(("127.0.0.1", service.http_port), timeout=10)
        slow.sendall(
            f"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: {PB}\r\n"
            f"Content-Length: {len(slow_body)}\r\n\r\n".encode()
            + slow_body[:10]
        )
        deadline = time.monotonic() + 5
        while "spinscope_body_bytes_held 0" in httpx.get(url(service, "/metrics")).text:
            assert time.monotonic() < deadline, "the slow request never charged the budget"
            time.sleep(0.01)
        refused = httpx.post(
            url(service), content=request([spin_span(2)]).SerializeToString(), headers={"Content-Type": PB}
        )
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert "retry after" in status_pb2.Status.FromString(refused.content).message
        slow.sendall(slow_body[10:])
        assert slow.recv(64).startswith(b"HTTP/1.1 200")
        slow.close()
        again = httpx.post(
            url(service), content=request([spin_span(2)]).SerializeToString(), headers={"Content-Type": PB}
        )
        assert again.status_code == 200
        metrics = httpx.get(url(service, "/metrics")).text
        assert "spinscope_body_bytes_held 0" in metrics
        assert 'spinscope_requests_total{signal="traces",outcome="overloaded"} 1' in metrics
    finally:
        service.stop()
    assert count(store_client, "SELECT count() FROM spins") == 2


def test_healthz_and_metrics(live_service) -> None:  # type: ignore[no-untyped-def]
    httpx.post(url(live_service), content=request([spin_span(1)]).SerializeToString(), headers={"Content-Type": PB})
    assert httpx.get(url(live_service, "/healthz")).json()["status"] == "ok"
    text = httpx.get(url(live_service, "/metrics")).text
    assert 'spinscope_received_records_total{signal="traces"} 1' in text
    assert 'spinscope_inserted_rows_total{table="otel_traces"} 1' in text
    assert "spinscope_queue_rows 0" in text
