"""Real opentelemetry-sdk OTLP exporters (HTTP and gRPC) over loopback into a running receiver.

The rows that land in otel_traces, otel_logs, otel_metrics_* and spins are
checked field by field against what the test itself sent.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

RESOURCE = {
    "service.name": "slot-server",
    "service.version": "2026.11.3",
    "service.instance.id": "slot-server-7f9c-2",
    "deployment.environment.name": "prod",
    "cloud.region": "eu-west-1",
}


def exporters(transport: str, service):  # type: ignore[no-untyped-def]
    if transport == "http":
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        base = f"http://127.0.0.1:{service.http_port}"
        return (
            OTLPSpanExporter(endpoint=f"{base}/v1/traces"),
            OTLPMetricExporter(endpoint=f"{base}/v1/metrics"),
            OTLPLogExporter(endpoint=f"{base}/v1/logs"),
        )
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    target = f"127.0.0.1:{service.grpc_port}"
    return (
        OTLPSpanExporter(endpoint=target, insecure=True),
        OTLPMetricExporter(endpoint=target, insecure=True),
        OTLPLogExporter(endpoint=target, insecure=True),
    )


def spin_attributes(i: int, bet: str = "1.25", win: str = "0.50") -> dict[str, str]:
    return {
        "slot.spin.id": f"spin-{i}",
        "slot.game.id": "fortune-tiger",
        "slot.game.version": "1.4.2",
        "slot.game.rtp": "0.9650",
        "slot.bet.amount": bet,
        "slot.win.amount": win,
        "slot.currency": "EUR",
        "slot.spin.mode": "paid",
        "slot.feature": "none",
        "slot.player.id": "p-17",
        "slot.session.id": "sess-3",
        "slot.channel": "web",
    }


@pytest.mark.parametrize("transport", ["http", "grpc"])
def test_sdk_spans_metrics_and_logs_land_field_by_field(transport: str, live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    span_exporter, metric_exporter, log_exporter = exporters(transport, live_service)
    resource = Resource.create(RESOURCE)
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
    tracer = tracer_provider.get_tracer("sim.slot", "1.0")
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(log_exporter))
    pylog = logging.getLogger(f"test.{transport}")
    pylog.propagate = False
    pylog.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))
    pylog.setLevel(logging.INFO)
    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=3_600_000)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter = meter_provider.get_meter("sim.slot")
    spins_counter = meter.create_counter("slot.spins", unit="{spin}")
    duration = meter.create_histogram("slot.spin.duration", unit="s")

    sent = {}
    for i in range(5):
        with tracer.start_as_current_span("spin", kind=SpanKind.SERVER, attributes=spin_attributes(i)) as span:
            sent[f"spin-{i}"] = span.get_span_context()
            with tracer.start_as_current_span(
                "wallet.debit", kind=SpanKind.CLIENT, attributes={"wallet.provider": "acme-pay"}
            ):
                pass
            if i == 4:
                span.set_status(Status(StatusCode.ERROR, "wallet timed out"))
                span.set_attribute("error.type", "wallet_timeout")
                pylog.error("spin failed: wallet timed out")
        spins_counter.add(1, {"slot.game.id": "fortune-tiger", "slot.game.version": "1.4.2", "slot.spin.mode": "paid"})
        duration.record(0.120, {"slot.game.id": "fortune-tiger", "slot.game.version": "1.4.2", "outcome": "ok"})

    assert tracer_provider.force_flush(30_000)
    assert logger_provider.force_flush(30_000)
    for provider in (tracer_provider, logger_provider, meter_provider):
        provider.shutdown()  # the metric reader exports once, at shutdown

    spans = store_client.query(
        "SELECT SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion, StatusCode, "
        "StatusMessage, TraceId, SpanId, ParentSpanId, Duration, SpanAttributes FROM otel_traces ORDER BY Timestamp"
    ).named_results()
    spans = list(spans)
    assert len(spans) == 10
    spin_spans = [s for s in spans if s["SpanName"] == "spin"]
    child_spans = [s for s in spans if s["SpanName"] == "wallet.debit"]
    assert {s["SpanKind"] for s in spin_spans} == {"Server"}
    assert {s["SpanKind"] for s in child_spans} == {"Client"}
    first = spin_spans[0]
    context = sent["spin-0"]
    assert first["TraceId"] == format(context.trace_id, "032x")
    assert first["SpanId"] == format(context.span_id, "016x")
    assert first["ParentSpanId"] == ""
    assert first["ServiceName"] == "slot-server"
    assert {k: first["ResourceAttributes"][k] for k in RESOURCE} == RESOURCE
    assert (first["ScopeName"], first["ScopeVersion"]) == ("sim.slot", "1.0")
    assert first["SpanAttributes"] == spin_attributes(0)
    assert first["StatusCode"] == "Unset"
    assert first["Duration"] > 0
    child_of_first = [s for s in child_spans if s["TraceId"] == first["TraceId"]]
    assert child_of_first[0]["ParentSpanId"] == first["SpanId"]
    assert child_of_first[0]["SpanAttributes"] == {"wallet.provider": "acme-pay"}
    failed = next(s for s in spin_spans if s["SpanAttributes"]["slot.spin.id"] == "spin-4")
    assert (failed["StatusCode"], failed["StatusMessage"]) == ("Error", "wallet timed out")

    spins = list(store_client.query("SELECT * FROM spins FINAL ORDER BY spin_id").named_results())
    assert [s["spin_id"] for s in spins] == [f"spin-{i}" for i in range(5)]
    row = spins[0]
    expected = {
        "service_name": "slot-server",
        "service_version": "2026.11.3",
        "environment": "prod",
        "region": "eu-west-1",
        "instance_id": "slot-server-7f9c-2",
        "game_id": "fortune-tiger",
        "game_version": "1.4.2",
        "game_rtp": Decimal("0.9650"),
        "mode": "paid",
        "feature": "none",
        "currency": "EUR",
        "player_id": "p-17",
        "session_id": "sess-3",
        "channel": "web",
        "status": "ok",
        "error_type": "",
        "bet_amount": Decimal("1.25"),
        "win_amount": Decimal("0.50"),
        "money_error": "",
        "trace_id": first["TraceId"],
        "span_id": first["SpanId"],
        "duration_ns": first["Duration"],
    }
    assert {k: row[k] for k in expected} == expected
    assert (spins[4]["status"], spins[4]["error_type"]) == ("error", "wallet_timeout")

    logs = list(
        store_client.query(
            "SELECT Body, SeverityText, SeverityNumber, TraceId, SpanId, ServiceName FROM otel_logs"
        ).named_results()
    )
    assert len(logs) == 1
    assert logs[0]["Body"] == "spin failed: wallet timed out"
    assert (logs[0]["SeverityText"], logs[0]["SeverityNumber"]) == ("ERROR", 17)
    assert logs[0]["TraceId"] == format(sent["spin-4"].trace_id, "032x")
    assert logs[0]["ServiceName"] == "slot-server"

    sums = store_client.query(
        "SELECT MetricName, MetricUnit, Value, IsMonotonic, AggregationTemporality, Attributes FROM otel_metrics_sum"
    ).named_results()
    sums = list(sums)
    assert len(sums) == 1
    assert (sums[0]["MetricName"], sums[0]["MetricUnit"], sums[0]["Value"]) == ("slot.spins", "{spin}", 5.0)
    assert sums[0]["IsMonotonic"] is True
    assert sums[0]["AggregationTemporality"] == 2  # cumulative
    hist = list(
        store_client.query(
            "SELECT MetricName, Count, Sum, Min, Max, length(BucketCounts) = length(ExplicitBounds) + 1 AS shaped "
            "FROM otel_metrics_histogram"
        ).named_results()
    )
    assert len(hist) == 1
    assert (hist[0]["MetricName"], hist[0]["Count"], hist[0]["shaped"]) == ("slot.spin.duration", 5, 1)
    assert hist[0]["Sum"] == pytest.approx(0.6)
    assert (hist[0]["Min"], hist[0]["Max"]) == (0.12, 0.12)
