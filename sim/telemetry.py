"""The simulated slot server's OpenTelemetry instrumentation: real SDK providers and exporters.

One provider set (tracer, meter, logger) per simulated instance, because a resource
belongs to a provider: each slot-server process has its own service.instance.id,
service.version and cloud.region, exactly as real processes would. Spans are started
with the planned start time and ended at start + latency, so traffic generated ahead of
the wall clock still carries exact durations. The root span takes its trace and span ids
from the plan (`PlannedIds`), so a live spin and the same spin in demo history share ids.

Holds no traffic logic: `sim.traffic` decides what to send and when.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from urllib.parse import urlparse

from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode

from spinscope.sim.population import Instance
from spinscope.sim.steps import SCOPE_NAME, SCOPE_VERSION, LogEvent, Step, error_message

DURATION_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)
_KINDS = {"internal": SpanKind.INTERNAL, "client": SpanKind.CLIENT}


class PlannedIds(IdGenerator):
    """Ids for the next root span come from the plan; every other id from a seeded Random."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self.trace_id: int | None = None
        self.span_id: int | None = None

    def plan(self, trace_id_hex: str, span_id_hex: str) -> None:
        self.trace_id, self.span_id = int(trace_id_hex, 16), int(span_id_hex, 16)

    def generate_trace_id(self) -> int:
        value, self.trace_id = self.trace_id, None
        return value if value is not None else self._random.getrandbits(128) or 1

    def generate_span_id(self) -> int:
        value, self.span_id = self.span_id, None
        return value if value is not None else self._random.getrandbits(64) or 1


def _exporters(endpoint: str, protocol: str, token: str | None):  # type: ignore[no-untyped-def]
    """OTLP span, metric and log exporters for `endpoint` over HTTP (base URL) or gRPC (host:port)."""
    if protocol == "http":
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        base = endpoint.rstrip("/")
        headers = {"authorization": f"Bearer {token}"} if token else None
        return (
            OTLPSpanExporter(endpoint=f"{base}/v1/traces", headers=headers),
            OTLPMetricExporter(endpoint=f"{base}/v1/metrics", headers=headers),
            OTLPLogExporter(endpoint=f"{base}/v1/logs", headers=headers),
        )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        parsed = urlparse(endpoint if "://" in endpoint else f"http://{endpoint}")
        target = parsed.netloc
        insecure = parsed.scheme != "https"
        headers = (("authorization", f"Bearer {token}"),) if token else None
        return (
            OTLPSpanExporter(endpoint=target, insecure=insecure, headers=headers),
            OTLPMetricExporter(endpoint=target, insecure=insecure, headers=headers),
            OTLPLogExporter(endpoint=target, insecure=insecure, headers=headers),
        )
    raise ValueError(f"protocol {protocol!r}: use 'http' or 'grpc'")


@dataclass
class InstanceTelemetry:
    """The SDK providers and instruments of one simulated slot-server instance."""

    instance: Instance
    ids: PlannedIds
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    logger_provider: LoggerProvider

    def __post_init__(self) -> None:
        self.tracer = self.tracer_provider.get_tracer(SCOPE_NAME, SCOPE_VERSION)
        self.logger = self.logger_provider.get_logger(SCOPE_NAME, SCOPE_VERSION)
        meter = self.meter_provider.get_meter(SCOPE_NAME, SCOPE_VERSION)
        self.spin_duration = meter.create_histogram(
            "slot.spin.duration",
            unit="s",
            description="Latency of a spin as the player sees it",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
        )
        self.spins = meter.create_counter("slot.spins", unit="{spin}", description="Spins served")
        self.wallet_duration = meter.create_histogram(
            "slot.wallet.duration",
            unit="s",
            description="Latency of wallet calls",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
        )

    def emit_spin(
        self,
        attributes: dict[str, str],
        trace_id: str,
        span_id: str,
        start_ns: int,
        duration_ns: int,
        error_type: str,
        steps: list[Step],
        logs: list[LogEvent],
    ) -> None:
        """One spin: the root span with its child steps and logs, and its metric points."""
        self.ids.plan(trace_id, span_id)
        tracer = self.tracer
        span = tracer.start_span("spin", kind=SpanKind.SERVER, attributes=attributes, start_time=start_ns)
        context = trace.set_span_in_context(span)
        for step in steps:
            child = tracer.start_span(
                step.name,
                context=context,
                kind=_KINDS[step.kind],
                attributes=step.attributes,
                start_time=start_ns + step.offset_ns,
            )
            if step.error_type:
                child.set_attribute("error.type", step.error_type)
                child.set_status(Status(StatusCode.ERROR, error_message(step.error_type)))
            child.end(end_time=start_ns + step.offset_ns + step.duration_ns)
            if step.name.startswith("wallet."):
                self.wallet_duration.record(
                    step.duration_ns / 1e9,
                    {
                        "wallet.provider": step.attributes["wallet.provider"],
                        "outcome": "error" if step.error_type else "ok",
                    },
                )
        for event in logs:
            self.logger.emit(
                timestamp=start_ns + event.offset_ns,
                context=context,
                severity_number=SeverityNumber(event.severity_number),
                severity_text=event.severity_text,
                body=event.body,
                attributes=event.attributes,
            )
        if error_type:
            span.set_status(Status(StatusCode.ERROR, error_message(error_type)))
        span.end(end_time=start_ns + duration_ns)
        game = {"slot.game.id": attributes["slot.game.id"], "slot.game.version": attributes["slot.game.version"]}
        self.spin_duration.record(duration_ns / 1e9, {**game, "outcome": "error" if error_type else "ok"})
        self.spins.add(1, {**game, "slot.spin.mode": attributes["slot.spin.mode"]})

    def flush(self, timeout_s: float = 30) -> bool:
        ok = self.tracer_provider.force_flush(int(timeout_s * 1000))
        ok = self.logger_provider.force_flush(int(timeout_s * 1000)) and ok
        return self.meter_provider.force_flush(int(timeout_s * 1000)) and ok

    def shutdown(self) -> None:
        for provider in (self.tracer_provider, self.logger_provider, self.meter_provider):
            provider.shutdown()


def instance_telemetry(
    instance: Instance,
    endpoint: str,
    protocol: str = "http",
    token: str | None = None,
    seed: int = 0,
    export_interval_s: float = 10.0,
) -> InstanceTelemetry:
    """Providers with OTLP exporters for one instance, its resource carrying the contract's attributes."""
    span_exporter, metric_exporter, log_exporter = _exporters(endpoint, protocol, token)
    resource = Resource.create(instance.resource_attributes())
    ids = PlannedIds(seed)
    tracer_provider = TracerProvider(resource=resource, id_generator=ids)
    tracer_provider.add_span_processor(
        BatchSpanProcessor(span_exporter, max_queue_size=65_536, schedule_delay_millis=500, max_export_batch_size=4096)
    )
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(log_exporter, schedule_delay_millis=500))
    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=int(export_interval_s * 1000))
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    return InstanceTelemetry(instance, ids, tracer_provider, meter_provider, logger_provider)
