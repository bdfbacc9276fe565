"""Raw OTLP/gRPC calls: status codes for bad input, auth and backpressure (RetryInfo)."""

from __future__ import annotations

import threading
import time

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from spinscope.server import ServeOptions, Service
from tests.e2e.test_http_receiver import request, spin_span


def stub(service: Service) -> trace_service_pb2_grpc.TraceServiceStub:
    channel = grpc.insecure_channel(f"127.0.0.1:{service.grpc_port}")
    return trace_service_pb2_grpc.TraceServiceStub(channel)


def test_grpc_export_is_stored(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    reply = stub(live_service).Export(request([spin_span(1), spin_span(2)]), timeout=10)
    assert not reply.HasField("partial_success")
    assert store_client.query("SELECT count() FROM spins").result_rows == [(2,)]


def test_grpc_bad_ids_are_partial_success(live_service) -> None:  # type: ignore[no-untyped-def]
    bad = spin_span(2)
    bad.trace_id = b"\x01"
    reply = stub(live_service).Export(request([spin_span(1), bad]), timeout=10)
    assert reply.partial_success.rejected_spans == 1


def test_grpc_malformed_bytes_are_invalid_argument(live_service) -> None:  # type: ignore[no-untyped-def]
    channel = grpc.insecure_channel(f"127.0.0.1:{live_service.grpc_port}")
    raw = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export")
    with pytest.raises(grpc.RpcError) as caught:
        raw(b"\x0a\xff\xff\xff", timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details()


def test_grpc_token_required(store) -> None:  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, token="s3cret"))
    service.start()
    try:
        with pytest.raises(grpc.RpcError) as caught:
            stub(service).Export(ExportTraceServiceRequest(), timeout=10)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        stub(service).Export(ExportTraceServiceRequest(), metadata=[("authorization", "Bearer s3cret")], timeout=10)
    finally:
        service.stop()


def test_grpc_full_queue_is_unavailable_with_retry_info(store) -> None:  # type: ignore[no-untyped-def]
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0, queue_max_rows=3))
    gate = threading.Event()
    real_write = service.batcher._write
    service.batcher._write = lambda table, cols: (gate.wait(10), real_write(table, cols))
    service.start()
    try:
        first = stub(service).Export.future(request([spin_span(1), spin_span(2)]), timeout=20)
        deadline = time.monotonic() + 5
        while service.batcher.queued_rows == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(grpc.RpcError) as caught:
            stub(service).Export(request([spin_span(3), spin_span(4)]), timeout=10)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        details = dict(caught.value.trailing_metadata())["grpc-status-details-bin"]
        rich = status_pb2.Status.FromString(details)
        retry = error_details_pb2.RetryInfo()
        assert rich.details[0].Unpack(retry)
        assert retry.retry_delay.seconds == 1
        gate.set()
        first.result()
    finally:
        gate.set()
        service.stop()
