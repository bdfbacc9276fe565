"""A private, lean view of ExportTraceServiceRequest's wire format for the trace decoder.

Same field numbers as the OTLP messages, but each span's attributes and status stay
encoded bytes: the decoder resolves them through a cache instead of paying a Python
wrapper object per KeyValue (see `decode_traces`). Built from a descriptor when first asked for,
so no generated code is checked in; registered once in the default pool.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from opentelemetry.proto.trace.v1 import trace_pb2

_LEAN_FILE = "spinscope/ingest/lean_trace.proto"
_LEAN_PACKAGE = "spinscope.ingest.lean"


def lean_file() -> descriptor_pb2.FileDescriptorProto:
    f = descriptor_pb2.FieldDescriptorProto
    one, many = f.LABEL_OPTIONAL, f.LABEL_REPEATED
    file = descriptor_pb2.FileDescriptorProto(
        name=_LEAN_FILE,
        package=_LEAN_PACKAGE,
        syntax="proto3",
        dependency=[trace_pb2.DESCRIPTOR.name, *(d.name for d in trace_pb2.DESCRIPTOR.dependencies)],
    )
    lean = f".{_LEAN_PACKAGE}."
    otel = ".opentelemetry.proto."
    Field = tuple[str, int, int, int, str | None]
    messages: dict[str, list[Field]] = {
        "Request": [("resource_spans", 1, f.TYPE_MESSAGE, many, lean + "ResourceSpans")],
        "ResourceSpans": [
            ("resource", 1, f.TYPE_MESSAGE, one, otel + "resource.v1.Resource"),
            ("scope_spans", 2, f.TYPE_MESSAGE, many, lean + "ScopeSpans"),
        ],
        "ScopeSpans": [
            ("scope", 1, f.TYPE_MESSAGE, one, otel + "common.v1.InstrumentationScope"),
            ("spans", 2, f.TYPE_MESSAGE, many, lean + "Span"),
        ],
        "Span": [
            ("trace_id", 1, f.TYPE_BYTES, one, None),
            ("span_id", 2, f.TYPE_BYTES, one, None),
            ("trace_state", 3, f.TYPE_STRING, one, None),
            ("parent_span_id", 4, f.TYPE_BYTES, one, None),
            ("name", 5, f.TYPE_STRING, one, None),
            ("kind", 6, f.TYPE_INT32, one, None),  # an enum on the wire is a varint
            ("start_time_unix_nano", 7, f.TYPE_FIXED64, one, None),
            ("end_time_unix_nano", 8, f.TYPE_FIXED64, one, None),
            ("attributes", 9, f.TYPE_BYTES, many, None),  # each an encoded KeyValue
            ("events", 11, f.TYPE_MESSAGE, many, otel + "trace.v1.Span.Event"),
            ("links", 13, f.TYPE_MESSAGE, many, otel + "trace.v1.Span.Link"),
            ("status", 15, f.TYPE_BYTES, one, None),  # an encoded Status
        ],
    }
    for name, fields in messages.items():
        message = file.message_type.add(name=name)
        for field_name, number, kind, label, type_name in fields:
            field = message.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = type_name
    return file


def lean_request_class() -> Any:
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(_LEAN_FILE)
    except KeyError:
        pool.Add(lean_file())
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(_LEAN_PACKAGE + ".Request"))
