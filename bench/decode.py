"""Micro-benchmark: OTLP trace decoding throughput, protobuf and JSON, in spans per second.

Builds one ExportTraceServiceRequest of 1,000 `spin` spans carrying the telemetry
contract's attributes (12 per span, 5 resource attributes), then times parse_request +
decode_traces for both content types. The reference in the same run is protobuf's own
ParseFromString of the same body: the ratio says how much the decoder costs on top of
parsing, which does not depend on how fast this machine is.

Run: PYTHONPATH=. python bench/decode.py [--spans 1000] [--seconds 2]
Target: well over 200,000 spans/s for protobuf on one core.
"""

from __future__ import annotations

import argparse
import time

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from ingest.decode import decode_traces, parse_request

START_NS = 1_763_640_000_000_000_000


def _kv(key: str, value: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=value))


def build_request(spans: int = 1000) -> ExportTraceServiceRequest:
    """A request like a slot server's: `spin` spans with the contract's attributes."""
    resource = Resource(
        attributes=[
            _kv("service.name", "slot-server"),
            _kv("service.version", "2026.11.3"),
            _kv("service.instance.id", "slot-server-7f9c-2"),
            _kv("deployment.environment.name", "prod"),
            _kv("cloud.region", "eu-west-1"),
        ]
    )
    out = []
    for i in range(spans):
        start = START_NS + i * 1_000_003
        out.append(
            Span(
                trace_id=(i + 1).to_bytes(16, "big"),
                span_id=(i + 1).to_bytes(8, "big"),
                name="spin",
                kind=Span.SPAN_KIND_SERVER,
                start_time_unix_nano=start,
                end_time_unix_nano=start + 42_000_000 + i,
                attributes=[
                    _kv("slot.spin.id", f"spin-{i:08d}"),
                    _kv("slot.game.id", "fortune-tiger"),
                    _kv("slot.game.version", "1.4.2"),
                    _kv("slot.game.rtp", "0.9650"),
                    _kv("slot.bet.amount", "1.25"),
                    _kv("slot.win.amount", "0" if i % 3 else "3.75"),
                    _kv("slot.currency", "EUR"),
                    _kv("slot.spin.mode", "paid"),
                    _kv("slot.feature", "none"),
                    _kv("slot.player.id", f"player-{i % 97}"),
                    _kv("slot.session.id", f"session-{i % 31}"),
                    _kv("slot.channel", "web"),
                ],
                status=Status(code=Status.STATUS_CODE_OK),
            )
        )
    return ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=resource,
                scope_spans=[ScopeSpans(scope=InstrumentationScope(name="slot-server", version="1.0"),
                                        spans=out)],
            )
        ]
    )


def _rate(fn, spans: int, seconds: float) -> float:
    """Spans per second of fn() (best of repeated rounds within the time budget)."""
    fn()
    best = float("inf")
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return spans / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1000, help="spans per request (default 1000)")
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per measurement")
    args = parser.parse_args()

    req = build_request(args.spans)
    body = req.SerializeToString()
    json_body = json_format.MessageToJson(req).encode()
    # OTLP/JSON carries ids as hex, not proto3 JSON's base64: rewrite them as a client would.
    import orjson

    doc = orjson.loads(json_body)
    for rs in doc["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for sp in ss["spans"]:
                for key in ("traceId", "spanId"):
                    sp[key] = __import__("base64").b64decode(sp[key]).hex()
    json_body = orjson.dumps(doc)

    def parse_only() -> None:
        ExportTraceServiceRequest().ParseFromString(body)

    def protobuf() -> None:
        decode_traces(parse_request("traces", body, "application/x-protobuf"))

    def decode_only_pb() -> None:
        decode_traces(req)

    def json() -> None:
        decode_traces(parse_request("traces", json_body, "application/json"))

    n = args.spans
    ref = _rate(parse_only, n, args.seconds)
    pb = _rate(protobuf, n, args.seconds)
    dec = _rate(decode_only_pb, n, args.seconds)
    js = _rate(json, n, args.seconds)
    print(f"request: {n} spin spans, 12 attributes each; protobuf {len(body):,} bytes, "
          f"JSON {len(json_body):,} bytes")
    print(f"reference  ParseFromString only      {ref:>12,.0f} spans/s")
    print(f"protobuf   parse_request+decode      {pb:>12,.0f} spans/s   ratio to reference {ref / pb:.1f}x")
    print(f"           decode_traces only        {dec:>12,.0f} spans/s")
    print(f"JSON       parse_request+decode      {js:>12,.0f} spans/s   ratio to reference {ref / js:.1f}x")


if __name__ == "__main__":
    main()
