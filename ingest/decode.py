"""The pure OTLP decoders of the ingest pipeline: request bodies in, ClickHouse columns out.

This is the module receivers use. It holds parsing (protobuf or OTLP/JSON, by content
type), the responses OTLP/HTTP expects (Export*ServiceResponse with partial success, and
google.rpc.Status for error bodies), and re-exports the per-signal decoders that live in
decode_traces, decode_logs and decode_metrics. Nothing here does I/O: transport belongs to
the receivers, storage to the writer.
"""

from __future__ import annotations

import orjson
from google.protobuf import json_format
from google.protobuf.message import Message
from google.rpc import status_pb2
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from spinscope.ingest.decode_logs import decode_logs
from spinscope.ingest.decode_metrics import decode_metrics
from spinscope.ingest.decode_traces import decode_traces
from spinscope.ingest.otlp_json import parse_json
from spinscope.ingest.values import Decoded, DecodeError

__all__ = [
    "DecodeError",
    "Decoded",
    "decode_logs",
    "decode_metrics",
    "decode_traces",
    "encode_response",
    "encode_status",
    "parse_request",
]

PROTOBUF = "application/x-protobuf"
JSON = "application/json"

_REQUESTS: dict[str, type[Message]] = {
    "traces": trace_service_pb2.ExportTraceServiceRequest,
    "metrics": metrics_service_pb2.ExportMetricsServiceRequest,
    "logs": logs_service_pb2.ExportLogsServiceRequest,
}
# signal -> (response class, its partial-success count field)
_RESPONSES: dict[str, tuple[type[Message], str]] = {
    "traces": (trace_service_pb2.ExportTraceServiceResponse, "rejected_spans"),
    "metrics": (metrics_service_pb2.ExportMetricsServiceResponse, "rejected_data_points"),
    "logs": (logs_service_pb2.ExportLogsServiceResponse, "rejected_log_records"),
}


def media_type(content_type: str) -> str:
    """ "application/json; charset=utf-8" -> "application/json"."""
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(content_type: str) -> bool:
    kind = media_type(content_type)
    if kind == JSON:
        return True
    if kind == PROTOBUF:
        return False
    raise DecodeError(f"unsupported content type {content_type!r}: send {PROTOBUF} or {JSON}")


def parse_request(signal: str, body: bytes, content_type: str) -> Message:
    """An OTLP/HTTP request body -> Export{Trace,Metrics,Logs}ServiceRequest.

    Raises DecodeError, and nothing else, for whatever is wrong with the body: bad
    protobuf, bad JSON, wrong types, bad hex ids, unsupported content type or signal.
    """
    message_class = _REQUESTS.get(signal)
    if message_class is None:
        raise DecodeError(f"unknown signal {signal!r}: expected one of {', '.join(_REQUESTS)}")
    if _is_json(content_type):
        return parse_json(signal, body, message_class)
    try:
        return message_class.FromString(body)
    except Exception as exc:  # upb raises DecodeError; be total whatever the bytes
        raise DecodeError(f"body is not a valid protobuf {message_class.__name__} ({len(body)} bytes): {exc}") from None


def encode_response(signal: str, rejected: int, message: str, content_type: str) -> bytes:
    """The Export<Signal>ServiceResponse body; partial_success is set only when rejected > 0 or
    message is non-empty (OTLP: a full success leaves it unset)."""
    response_class, count_field = _RESPONSES[signal]
    response = response_class()
    if rejected or message:
        partial = response.partial_success
        setattr(partial, count_field, rejected)
        partial.error_message = message
        # An all-default partial_success would not be serialised; rejected or message is set.
    if media_type(content_type) == JSON:
        return orjson.dumps(json_format.MessageToDict(response))
    return response.SerializeToString()


def encode_status(message: str, content_type: str, code: int = 3) -> bytes:
    """A google.rpc.Status body for 4xx/5xx responses (code 3 = INVALID_ARGUMENT)."""
    status = status_pb2.Status(code=code, message=message)
    if media_type(content_type) == JSON:
        return orjson.dumps(json_format.MessageToDict(status))
    return status.SerializeToString()
