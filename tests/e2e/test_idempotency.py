"""A spin sent twice counts once: repeated requests, and a real exporter retrying after a dropped connection.

Counted in the minute rollups and in spins with merges stopped, where a duplicate that passed the gate
would stay visible (tests/sql/test_dedup.py shows these counts fail without the gate).
"""

from __future__ import annotations

import socket
import threading
from decimal import Decimal

import httpx
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind

from tests.e2e.test_http_receiver import PB, T0, request, spin_span, url
from tests.sql.test_dedup import stop_merges


def test_same_request_twice_counts_each_spin_once(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    stop_merges(store_client)
    debit = Span(trace_id=bytes([1]) * 16, span_id=(99).to_bytes(8, "big"), name="wallet.debit")
    debit.start_time_unix_nano, debit.end_time_unix_nano = T0, T0 + 1_000_000
    body = request([spin_span(1, bet="2.50", win="10"), spin_span(2, bet="1.00", win="0"), debit]).SerializeToString()
    for _ in range(2):
        assert httpx.post(url(live_service), content=body, headers={"Content-Type": PB}).status_code == 200
    assert store_client.query("SELECT count() FROM otel_traces").result_rows[0][0] == 6  # raw spans: as received
    rows = store_client.query("SELECT count(), sum(bet_amount), sum(win_amount) FROM spins").result_rows[0]
    assert (rows[0], str(rows[1]), str(rows[2])) == (2, "3.500000000000000000", "10.000000000000000000")
    rollup = store_client.query("SELECT sum(spins), sum(bet_amount), sum(win_amount) FROM spin_minutely")
    assert rollup.result_rows == [(2, Decimal("3.5"), Decimal("10"))]
    assert store_client.query("SELECT sum(spans) FROM span_minutely").result_rows == [(1,)]


def test_duplicate_inside_one_request_counts_once(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    stop_merges(store_client)
    body = request([spin_span(1), spin_span(1), spin_span(2)]).SerializeToString()
    assert httpx.post(url(live_service), content=body, headers={"Content-Type": PB}).status_code == 200
    assert store_client.query("SELECT count() FROM spins").result_rows[0][0] == 2
    assert store_client.query("SELECT sum(spins) FROM spin_minutely").result_rows == [(2,)]


class DropFirstResponseProxy:
    """A TCP proxy that forwards the first request but closes the connection instead of answering it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._relay, args=(client, self.connections == 1), daemon=True).start()

    def _relay(self, client: socket.socket, drop: bool) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        client.settimeout(0.5)
        try:
            while True:
                try:
                    data = client.recv(65536)
                except TimeoutError:
                    break
                if not data:
                    break
                upstream.sendall(data)
            upstream.settimeout(10)
            response = upstream.recv(65536)  # the server has stored the data and answered
            if not drop:
                client.sendall(response)
        finally:
            upstream.close()
            client.close()

    def close(self) -> None:
        self.listener.close()


def test_exporter_retry_after_dropped_connection_counts_once(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    stop_merges(store_client)
    proxy = DropFirstResponseProxy(live_service.http_port)
    provider = TracerProvider(resource=Resource.create({"service.name": "slot-server"}))
    provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"http://127.0.0.1:{proxy.port}/v1/traces", timeout=5))
    )
    tracer = provider.get_tracer("retry-test")
    attrs = {
        "slot.spin.id": "retry-1",
        "slot.game.id": "g",
        "slot.game.version": "1",
        "slot.bet.amount": "1",
        "slot.win.amount": "3",
        "slot.currency": "EUR",
        "slot.spin.mode": "paid",
    }
    with tracer.start_as_current_span("spin", kind=SpanKind.SERVER, attributes=attrs):
        pass
    provider.shutdown()
    proxy.close()
    assert proxy.connections >= 2, "the exporter should have retried"
    assert store_client.query("SELECT count() FROM otel_traces").result_rows[0][0] == proxy.connections
    assert store_client.query("SELECT count(), sum(win_amount) FROM spins").result_rows[0][0] == 1
    assert store_client.query("SELECT sum(spins), sum(win_amount) FROM spin_minutely").result_rows == [(1, Decimal(3))]
