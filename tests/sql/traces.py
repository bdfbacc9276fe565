"""Builds whole spin traces (spin span, child spans, logs) and stores them through the real decoders and writer."""

from __future__ import annotations

import random
import time

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from spinscope.ingest.decode import decode_logs, decode_traces
from spinscope.ingest.writer import StoreWriter

NOW_NS = (time.time_ns() // 1_000_000_000 - 3600) * 1_000_000_000


def kv(key: str, value: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=value))


def spin_trace(
    i: int,
    start_ns: int,
    provider: str = "acme-pay",
    failed: bool = False,
    duration_ms: int = 100,
    region: str = "eu-west-1",
    bet: str = "1.00",
    win: str = "0",
    game_version: str = "1.4.2",
    rng: random.Random | None = None,
) -> tuple[list[Span], list[LogRecord]]:
    rng = rng or random.Random(i)
    trace_id, spin_span_id, debit_id = rng.randbytes(16), rng.randbytes(8), rng.randbytes(8)
    end = start_ns + duration_ms * 1_000_000
    spin = Span(
        trace_id=trace_id,
        span_id=spin_span_id,
        name="spin",
        kind=Span.SPAN_KIND_SERVER,
        start_time_unix_nano=start_ns,
        end_time_unix_nano=end,
        attributes=[
            kv("slot.spin.id", f"spin-{i}"),
            kv("slot.game.id", "fortune-tiger"),
            kv("slot.game.version", game_version),
            kv("slot.bet.amount", bet),
            kv("slot.win.amount", win),
            kv("slot.currency", "EUR"),
            kv("slot.spin.mode", "paid"),
            kv("slot.player.id", f"p-{i}"),
            kv("slot.channel", "web"),
        ],
    )
    debit = Span(
        trace_id=trace_id,
        span_id=debit_id,
        parent_span_id=spin_span_id,
        name="wallet.debit",
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=start_ns + 1_000_000,
        end_time_unix_nano=start_ns + 5_000_000,
        attributes=[kv("wallet.provider", provider)],
    )
    logs = []
    if failed:
        spin.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message="wallet timed out"))
        spin.attributes.append(kv("error.type", "wallet_timeout"))
        debit.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR))
        debit.attributes.append(kv("error.type", "wallet_timeout"))
        logs.append(
            LogRecord(
                time_unix_nano=start_ns + 6_000_000,
                severity_number=17,
                severity_text="ERROR",
                body=AnyValue(string_value=f"spin {i} failed: wallet timeout"),
                trace_id=trace_id,
                span_id=spin_span_id,
            )
        )
    return [spin, debit], logs


def store_traces(
    store, traces: list[tuple[list[Span], list[LogRecord]]], region: str = "eu-west-1", instance: str = "i-1"
) -> None:  # type: ignore[no-untyped-def]
    resource = Resource(
        attributes=[kv("service.name", "slot-server"), kv("cloud.region", region), kv("service.instance.id", instance)]
    )
    spans = [s for spans, _ in traces for s in spans]
    logs = [r for _, records in traces for r in records]
    writer = StoreWriter(store)
    decoded = decode_traces(
        ExportTraceServiceRequest(
            resource_spans=[ResourceSpans(resource=resource, scope_spans=[ScopeSpans(spans=spans)])]
        )
    )
    writer("otel_traces", decoded.tables["otel_traces"])
    if logs:
        decoded_logs = decode_logs(
            ExportLogsServiceRequest(
                resource_logs=[ResourceLogs(resource=resource, scope_logs=[ScopeLogs(log_records=logs)])]
            )
        )
        writer("otel_logs", decoded_logs.tables["otel_logs"])
