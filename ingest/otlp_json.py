"""OTLP/JSON bodies -> the same protobuf messages an OTLP/protobuf body gives.

OTLP/JSON is proto3's JSON mapping with the deviations the OTLP specification lists:
trace and span ids are hex strings (not base64), enums are integers, 64-bit integers come
as strings or numbers, unknown fields are ignored, keys are lowerCamelCase (the proto field
names are accepted too, as proto3 JSON parsers do). The ids are rewritten to base64 here,
then google.protobuf.json_format does the rest. Every failure becomes DecodeError with the
path of the offending value; nothing else escapes.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import orjson
from google.protobuf import json_format
from google.protobuf.message import Message

from spinscope.ingest.values import DecodeError

_HEX = re.compile(r"[0-9a-fA-F]*")

# Where ids live, as (container keys from the request root, id keys at the leaf). Each
# step lists its lowerCamelCase key and the proto field name; leaves are lists of objects.
_ID_KEYS = (("traceId", "trace_id"), ("spanId", "span_id"), ("parentSpanId", "parent_span_id"))
_METRIC_KINDS = (
    ("gauge",),
    ("sum",),
    ("histogram",),
    ("exponentialHistogram", "exponential_histogram"),
    ("summary",),
)


def _each(items: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(index path, dict) for the dicts of a JSON list; anything else is left to json_format."""
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield f"{path}[{i}]", item


def _member(obj: dict[str, Any], names: tuple[str, ...]) -> tuple[str, Any]:
    for name in names:
        if name in obj:
            return name, obj[name]
    return names[0], None


def _rewrite_ids(obj: dict, path: str) -> None:
    """Hex ids of one span, link, log record or exemplar -> base64, in place."""
    for names in _ID_KEYS:
        for name in names:
            value = obj.get(name)
            if value is None or value == "":
                continue
            if not isinstance(value, str) or len(value) % 2 or not _HEX.fullmatch(value):
                shown = value if isinstance(value, str) and len(value) <= 80 else type(value).__name__
                raise DecodeError(f"{path}.{name}: expected a hex string, got {shown!r}")
            obj[name] = base64.b64encode(bytes.fromhex(value)).decode()


def _rewrite(signal: str, doc: dict) -> None:
    top: tuple[str, ...]
    mid: tuple[str, ...]
    leaf: tuple[str, ...]
    if signal == "traces":
        top, mid, leaf = ("resourceSpans", "resource_spans"), ("scopeSpans", "scope_spans"), ("spans",)
    elif signal == "logs":
        top, mid, leaf = ("resourceLogs", "resource_logs"), ("scopeLogs", "scope_logs"), ("logRecords", "log_records")
    else:
        top, mid, leaf = (("resourceMetrics", "resource_metrics"), ("scopeMetrics", "scope_metrics"), ("metrics",))
    top_name, resources = _member(doc, top)
    for rpath, resource in _each(resources, top_name):
        mid_name, scopes = _member(resource, mid)
        for spath, scope in _each(scopes, f"{rpath}.{mid_name}"):
            leaf_name, records = _member(scope, leaf)
            for path, record in _each(records, f"{spath}.{leaf_name}"):
                if signal == "traces":
                    _rewrite_ids(record, path)
                    for lpath, link in _each(record.get("links"), f"{path}.links"):
                        _rewrite_ids(link, lpath)
                elif signal == "logs":
                    _rewrite_ids(record, path)
                else:
                    _rewrite_metric(record, path)


def _rewrite_metric(metric: dict, path: str) -> None:
    for names in _METRIC_KINDS:
        kind_name, data = _member(metric, names)
        if not isinstance(data, dict):
            continue
        points_name, points = _member(data, ("dataPoints", "data_points"))
        for ppath, point in _each(points, f"{path}.{kind_name}.{points_name}"):
            for epath, exemplar in _each(point.get("exemplars"), f"{ppath}.exemplars"):
                _rewrite_ids(exemplar, epath)


def parse_json(signal: str, body: bytes, message_class: type[Message]) -> Message:
    """An OTLP/JSON export request body -> a message of message_class; DecodeError if malformed."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"OTLP/JSON body is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise DecodeError(f"OTLP/JSON body must be a JSON object, got {type(doc).__name__}")
    _rewrite(signal, doc)
    message = message_class()
    try:
        json_format.ParseDict(doc, message, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise DecodeError(f"OTLP/JSON {signal} request does not match the schema: {exc}") from None
    except RecursionError:
        raise DecodeError(f"OTLP/JSON {signal} request is nested too deeply") from None
    except Exception as exc:  # json_format lets some malformed inputs through as other errors
        raise DecodeError(f"OTLP/JSON {signal} request does not match the schema: {exc!r}") from None
    try:
        # The same limits as a protobuf body (upb's nesting depth), so decoders never meet
        # a message that could not have arrived as protobuf.
        message_class.FromString(message.SerializeToString())
    except Exception:
        raise DecodeError(f"OTLP/JSON {signal} request is nested too deeply") from None
    return message
