"""Micro-benchmark: OTLP trace decoding throughput, protobuf and JSON, in spans per second.

Builds one ExportTraceServiceRequest of 1,000 `spin` spans carrying the telemetry
contract's attributes (12 per span, 5 resource attributes), then times parse_request +
decode_traces for both content types. The reference in the same run is protobuf's own
ParseFromString of the same body: the ratio says how much the decoder costs on top of
parsing, which does not depend on how fast this machine is.

Each pass decodes fresh requests (new spin ids, players, sessions) after one warm-up
request, so the attribute cache helps only with values that really repeat.

Run: python bench/decode.py [--spans 1000] [--requests 20]
Target: well over 200,000 spans/s for protobuf on one core.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from pathlib import Path

import orjson
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

# Run as a script, bench/ comes first on sys.path and bench/ingest.py would shadow the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spinscope.ingest.decode import decode_traces, parse_request
from spinscope.ingest.decode_traces import clear_caches

START_NS = 1_763_640_000_000_000_000


def _kv(key: str, value: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=value))


def build_request(spans: int = 1000, first: int = 0) -> ExportTraceServiceRequest:
    """A request like a slot server's: `spin` spans with the contract's attributes.

    Spin ids are unique from `first` on; players and sessions come from large pools, so
    like real traffic most of them are new to the decoder's attribute cache.
    """
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
    for i in range(first, first + spans):
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
                    _kv("slot.player.id", f"player-{i * 7919 % 1_000_003}"),
                    _kv("slot.session.id", f"session-{i // 20}"),
                    _kv("slot.channel", "web"),
                ],
                status=Status(code=Status.STATUS_CODE_OK),
            )
        )
    return ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=resource,
                scope_spans=[ScopeSpans(scope=InstrumentationScope(name="slot-server", version="1.0"), spans=out)],
            )
        ]
    )


def to_otlp_json(req: ExportTraceServiceRequest) -> bytes:
    """OTLP/JSON of a trace request: proto3 JSON with hex ids and integer enums, as SDKs send."""
    doc = json_format.MessageToDict(req, use_integers_for_enums=True)
    for rs in doc.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
    return orjson.dumps(doc)


def _rate(fn, items: list, spans: int, rounds: int = 3) -> float:
    """Spans per second of fn over items: the best of `rounds` passes, each over fresh data."""
    best = float("inf")
    for _ in range(rounds):
        clear_caches()
        fn(items[0])  # warm: the game, currency, mode... values every spin repeats
        t0 = time.perf_counter()
        for item in items[1:]:
            fn(item)
        best = min(best, time.perf_counter() - t0)
    return spans * (len(items) - 1) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1000, help="spans per request (default 1000)")
    parser.add_argument("--requests", type=int, default=20, help="distinct requests per pass (default 20)")
    args = parser.parse_args()

    n = args.spans
    requests = [build_request(n, first=k * n) for k in range(args.requests + 1)]
    bodies = [r.SerializeToString() for r in requests]
    json_bodies = [to_otlp_json(r) for r in requests]

    def parse_only(body: bytes) -> None:
        ExportTraceServiceRequest().ParseFromString(body)

    def protobuf(body: bytes) -> None:
        decode_traces(parse_request("traces", body, "application/x-protobuf"))

    def protobuf_body(body: bytes) -> None:
        decode_traces(parse_request("traces", body, "application/x-protobuf"), body=body)

    def json(body: bytes) -> None:
        decode_traces(parse_request("traces", body, "application/json"))

    ref = _rate(parse_only, bodies, n)
    pb = _rate(protobuf, bodies, n)
    pbb = _rate(protobuf_body, bodies, n)
    dec = _rate(decode_traces, requests, n)
    js = _rate(json, json_bodies[: max(3, len(json_bodies) // 5)], n, rounds=1)
    body, json_body = bodies[0], json_bodies[0]
    print(f"request: {n} spin spans, 12 attributes each; protobuf {len(body):,} bytes, JSON {len(json_body):,} bytes")
    print(f"reference  ParseFromString only      {ref:>12,.0f} spans/s")
    print(f"protobuf   parse_request+decode      {pb:>12,.0f} spans/s   ratio to reference {ref / pb:.1f}x")
    print(f"           same, passing body=       {pbb:>12,.0f} spans/s   ratio to reference {ref / pbb:.1f}x")
    print(f"           decode_traces only        {dec:>12,.0f} spans/s")
    print(f"JSON       parse_request+decode      {js:>12,.0f} spans/s   ratio to reference {ref / js:.1f}x")


if __name__ == "__main__":
    main()
