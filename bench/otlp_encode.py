"""Stored spans back to the OTLP protobuf an exporter sends: for sizing the raw telemetry against the store.

Rows of otel_traces (as `named_results()` gives them) become one ExportTraceServiceRequest grouped
the way an SDK batches them: one ResourceSpans per resource, one ScopeSpans per scope inside it.
Attribute values go back as strings (the table keeps them as text), which is what the simulator
sends for all but a few numeric attributes; ids go back to their 16 and 8 bytes.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

KINDS = {"Unspecified": 0, "Internal": 1, "Server": 2, "Client": 3, "Producer": 4, "Consumer": 5}
STATUS = {"Unset": 0, "Ok": 1, "Error": 2}


def _attrs(mapping: dict[str, str]) -> list[KeyValue]:
    return [KeyValue(key=k, value=AnyValue(string_value=v)) for k, v in mapping.items()]


def _ns(at: Any) -> int:
    """A DateTime64(9) as clickhouse-connect returns it (datetime, microseconds) to Unix nanoseconds."""
    return int(at.timestamp() * 1_000_000) * 1000


def span(row: dict[str, Any]) -> Span:
    start = _ns(row["Timestamp"])
    events = [
        Span.Event(time_unix_nano=_ns(t), name=n, attributes=_attrs(a))
        for t, n, a in zip(row["Events.Timestamp"], row["Events.Name"], row["Events.Attributes"], strict=False)
    ]
    return Span(
        trace_id=bytes.fromhex(row["TraceId"]),
        span_id=bytes.fromhex(row["SpanId"]),
        parent_span_id=bytes.fromhex(row["ParentSpanId"]),
        trace_state=row["TraceState"],
        name=row["SpanName"],
        kind=KINDS.get(row["SpanKind"], 0),
        start_time_unix_nano=start,
        end_time_unix_nano=start + int(row["Duration"]),
        attributes=_attrs(row["SpanAttributes"]),
        events=events,
        status=Status(code=STATUS.get(row["StatusCode"], 0), message=row["StatusMessage"]),
    )


def export_request(rows: list[dict[str, Any]]) -> ExportTraceServiceRequest:
    by_resource: dict[tuple, dict[tuple[str, str], list[Span]]] = {}
    for row in rows:
        resource = tuple(sorted(row["ResourceAttributes"].items()))
        scope = (row["ScopeName"], row["ScopeVersion"])
        by_resource.setdefault(resource, {}).setdefault(scope, []).append(span(row))
    request = ExportTraceServiceRequest()
    for resource, scopes in by_resource.items():
        rs = ResourceSpans()
        rs.resource.attributes.extend(_attrs(dict(resource)))
        for (name, version), spans in scopes.items():
            rs.scope_spans.append(ScopeSpans(scope=InstrumentationScope(name=name, version=version), spans=spans))
        request.resource_spans.append(rs)
    return request
