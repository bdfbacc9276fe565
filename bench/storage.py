"""Benchmark: storage per spin and insert rate per core, on the embedded engine with the real schema.

The sizing figures of docs/deploy.md come from here. Each spin is a whole trace as the
telemetry contract describes it (docs/spec/spin-telemetry.md): the `spin` root
span with the contract's attributes, and its child steps (wallet.debit on paid spins,
rng.draw, reels.evaluate, feature.evaluate when a feature triggers, wallet.credit on a
win, state.save), about five children a spin; failed spins stop at the failing step and
write an ERROR log record with the trace's ids. Ids are random (trace, span, UUID spin
ids), players and sessions come from large pools, so compression is not flattered.

1. A fresh embedded store (temporary directory), migrated: the very DDL, codecs and
   views (`spins_mv`, the minute rollups) production runs.
2. Spins are built as ExportTraceServiceRequests of --batch spins, serialised, then
   decoded by ingest.decode and written by ingest.writer.StoreWriter, as a receiver does.
   Insert time and process CPU time are taken around the writer calls only (the engine
   runs in this process, so process CPU covers its threads, views included).
3. OPTIMIZE ... FINAL merges every table to its steady-state size; system.parts then gives
   compressed, uncompressed and on-disk bytes per table, divided by the spins stored.

Figures: spins/s per core (spins / CPU-seconds spent inserting them), bytes per spin and
GiB per million spins (on disk: data, marks, primary and skip indexes). The reference
ratio is the compression ratio, uncompressed / compressed, which does not depend on the
machine.

Usage: python bench/storage.py [--spins 200000] [--batch 5000] [--rate 400] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

# Run as a script, bench/ comes first on sys.path and bench/ingest.py would shadow the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spinscope.db import Store, open_store
from spinscope.ingest.decode import decode_logs, decode_traces, parse_request
from spinscope.ingest.writer import StoreWriter
from spinscope.schema.migrate import RenderOptions, migrate

DATABASE = "spinscope"
GAMES = [
    ("fortune-tiger", "1.4.2", "0.9650"),
    ("dragon-hoard", "2.0.1", "0.9600"),
    ("lucky-sevens", "1.0.0", "0.9550"),
    ("mega-vault", "3.1.0", "0.9700"),
    ("jungle-reels", "1.2.0", "0.9620"),
    ("pirate-gold", "4.0.3", "0.9580"),
]
CURRENCIES = [
    ("EUR", ["0.20", "0.50", "1.00", "2.00", "5.00"]),
    ("USD", ["0.25", "1.00", "2.50", "10.00"]),
    ("KRW", ["200", "500", "1000", "5000"]),
]
REGIONS = ["eu-west-1", "us-east-1", "ap-northeast-2"]
CHANNELS = ["web", "ios", "android"]
PROVIDERS = ["acme-pay", "globalwallet"]
ERRORS = [("wallet_timeout", "wallet.debit"), ("rng_unavailable", "rng.draw"), ("state_save_timeout", "state.save")]
# step, kind, start and length as shares of the spin's duration (the simulator's layout)
STEPS = (
    ("wallet.debit", Span.SPAN_KIND_CLIENT, 0.04, 0.22),
    ("rng.draw", Span.SPAN_KIND_INTERNAL, 0.28, 0.04),
    ("reels.evaluate", Span.SPAN_KIND_INTERNAL, 0.33, 0.12),
    ("feature.evaluate", Span.SPAN_KIND_INTERNAL, 0.46, 0.16),
    ("wallet.credit", Span.SPAN_KIND_CLIENT, 0.63, 0.14),
    ("state.save", Span.SPAN_KIND_CLIENT, 0.79, 0.17),
)
TABLES = ["otel_traces", "otel_traces_trace_id_ts", "otel_logs", "spins", "spin_minutely", "span_minutely"]


def kv(key: str, value: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=value))


def spin_trace(rng: random.Random, start_ns: int) -> tuple[list[Span], list[LogRecord]]:
    """One spin: the root span, its child steps and, when it fails, its ERROR log record."""
    game, version, rtp = rng.choice(GAMES)
    currency, bets = rng.choice(CURRENCIES)
    is_free = rng.random() < 0.08
    bet = "0" if is_free else rng.choice(bets)
    won = rng.random() < 0.3
    win = f"{float(rng.choice(bets)) * rng.choice([0.5, 1, 2, 5, 20]):.2f}" if won else "0"
    feature = rng.choices(["none", "free_spins", "bonus"], weights=[94, 5, 1])[0]
    error_type, failing = rng.choice(ERRORS) if rng.random() < 0.01 else ("", "")
    duration_ns = int(rng.lognormvariate(4.3, 0.45) * 1_000_000)  # median ~75 ms
    trace_id, spin_span_id = rng.randbytes(16), rng.randbytes(8)
    provider = rng.choice(PROVIDERS)
    player = rng.randrange(200_000)
    attributes = [
        kv("slot.spin.id", str(uuid.UUID(int=rng.getrandbits(128)))),
        kv("slot.game.id", game),
        kv("slot.game.version", version),
        kv("slot.game.rtp", rtp),
        kv("slot.bet.amount", bet),
        kv("slot.win.amount", win),
        kv("slot.currency", currency),
        kv("slot.spin.mode", "free" if is_free else "paid"),
        kv("slot.feature", feature),
        kv("slot.player.id", f"p-{player:07d}"),
        kv("slot.session.id", f"s-{player:07d}-{rng.randrange(40):02d}"),
        kv("slot.channel", rng.choice(CHANNELS)),
    ]
    spin = Span(
        trace_id=trace_id,
        span_id=spin_span_id,
        name="spin",
        kind=Span.SPAN_KIND_SERVER,
        start_time_unix_nano=start_ns,
        end_time_unix_nano=start_ns + duration_ns,
        attributes=attributes,
    )
    spans = [spin]
    for name, kind, start, length in STEPS:
        if (name == "wallet.debit" and is_free) or (name == "feature.evaluate" and feature == "none"):
            continue
        if name == "wallet.credit" and (not won or error_type):
            continue
        attrs = (
            [kv("wallet.provider", provider), kv("server.address", f"api.{provider}.example")]
            if name.startswith("wallet.")
            else [kv("db.system.name", "postgresql")]
            if name == "state.save"
            else []
        )
        child = Span(
            trace_id=trace_id,
            span_id=rng.randbytes(8),
            parent_span_id=spin_span_id,
            name=name,
            kind=kind,
            start_time_unix_nano=start_ns + int(duration_ns * start),
            end_time_unix_nano=start_ns + int(duration_ns * (start + length)),
            attributes=attrs,
        )
        spans.append(child)
        if name == failing:
            child.attributes.append(kv("error.type", error_type))
            child.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message=error_type.replace("_", " ")))
            break
    logs = []
    if error_type:
        spin.attributes.append(kv("error.type", error_type))
        spin.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message=error_type.replace("_", " ")))
        logs.append(
            LogRecord(
                time_unix_nano=start_ns + duration_ns - 1000,
                severity_number=17,
                severity_text="ERROR",
                body=AnyValue(string_value=f"spin failed: {error_type.replace('_', ' ')}"),
                trace_id=trace_id,
                span_id=spin_span_id,
                attributes=[kv("error.type", error_type)],
            )
        )
    return spans, logs


def build_batch(rng: random.Random, first_ns: int, spins: int, rate: float) -> tuple[bytes, bytes | None, int]:
    """Serialised trace and log requests for `spins` spins, one resource per slot-server instance."""
    by_instance: dict[int, tuple[list[Span], list[LogRecord]]] = {}
    for i in range(spins):
        spans, logs = spin_trace(rng, first_ns + int(i * 1e9 / rate) + rng.randrange(1_000_000))
        bucket = by_instance.setdefault(rng.randrange(12), ([], []))
        bucket[0].extend(spans)
        bucket[1].extend(logs)
    scope = InstrumentationScope(name="slot-server", version="2026.11")
    resources = {
        n: Resource(
            attributes=[
                kv("service.name", "slot-server"),
                kv("service.version", "2026.11.3"),
                kv("service.instance.id", f"slot-server-{n:02d}"),
                kv("deployment.environment.name", "prod"),
                kv("cloud.region", REGIONS[n % len(REGIONS)]),
            ]
        )
        for n in by_instance
    }
    traces = ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(resource=resources[n], scope_spans=[ScopeSpans(scope=scope, spans=spans)])
            for n, (spans, _) in by_instance.items()
        ]
    )
    log_records = [(n, logs) for n, (_, logs) in by_instance.items() if logs]
    logs_body = (
        ExportLogsServiceRequest(
            resource_logs=[
                ResourceLogs(resource=resources[n], scope_logs=[ScopeLogs(scope=scope, log_records=logs)])
                for n, logs in log_records
            ]
        ).SerializeToString()
        if log_records
        else None
    )
    span_count = sum(len(spans) for spans, _ in by_instance.values())
    return traces.SerializeToString(), logs_body, span_count


def table_sizes(store: Store) -> dict[str, dict[str, int]]:
    rows = (
        store.client()
        .query(
            "SELECT table, sum(rows), sum(data_compressed_bytes), sum(data_uncompressed_bytes), sum(bytes_on_disk) "
            "FROM system.parts WHERE database = {db:String} AND active GROUP BY table",
            parameters={"db": DATABASE},
        )
        .result_rows
    )
    return {
        t: {"rows": int(r), "compressed": int(c), "uncompressed": int(u), "on_disk": int(d)} for t, r, c, u, d in rows
    }


def top_columns(store: Store, table: str, limit: int = 8) -> list[tuple[str, int]]:
    rows = (
        store.client()
        .query(
            "SELECT name, data_compressed_bytes FROM system.columns "
            "WHERE database = {db:String} AND table = {t:String} "
            "ORDER BY data_compressed_bytes DESC LIMIT {n:UInt32}",
            parameters={"db": DATABASE, "t": table, "n": limit},
        )
        .result_rows
    )
    return [(str(n), int(b)) for n, b in rows]


def run(spins: int, batch: int, rate: float, seed: int) -> dict:
    rng = random.Random(seed)
    # Inside the raw TTL (30 days) and in the past: rows are neither expired nor in the future.
    start_ns = (time.time_ns() // 1_000_000_000 - 6 * 3600) * 1_000_000_000
    with tempfile.TemporaryDirectory(prefix="spinscope-storage-") as data_dir:
        store = open_store("chdb://" + data_dir, DATABASE)
        try:
            migrate(store.client(), RenderOptions(database=DATABASE), log=lambda *_: None)
            writer = StoreWriter(store)
            insert_wall = insert_cpu = decode_cpu = build_s = 0.0
            spans_total = 0
            done = 0
            while done < spins:
                n = min(batch, spins - done)
                t0 = time.perf_counter()
                traces_body, logs_body, span_count = build_batch(rng, start_ns + int(done * 1e9 / rate), n, rate)
                build_s += time.perf_counter() - t0
                c0 = time.process_time()
                decoded = decode_traces(
                    parse_request("traces", traces_body, "application/x-protobuf"), body=traces_body
                )
                decoded_logs = (
                    decode_logs(parse_request("logs", logs_body, "application/x-protobuf")) if logs_body else None
                )
                decode_cpu += time.process_time() - c0
                w0, c0 = time.perf_counter(), time.process_time()
                writer("otel_traces", decoded.tables["otel_traces"])
                if decoded_logs is not None:
                    writer("otel_logs", decoded_logs.tables["otel_logs"])
                insert_wall += time.perf_counter() - w0
                insert_cpu += time.process_time() - c0
                spans_total += span_count
                done += n
            m0, c0 = time.perf_counter(), time.process_time()
            client = store.client()
            for table in TABLES:
                client.command(f"OPTIMIZE TABLE {DATABASE}.{table} FINAL")
            merge_wall, merge_cpu = time.perf_counter() - m0, time.process_time() - c0
            sizes = table_sizes(store)
            stored = int(client.query("SELECT count() FROM spins FINAL").result_rows[0][0])
            columns = top_columns(store, "otel_traces")
        finally:
            store.close()
    if stored != spins:
        raise SystemExit(f"expected {spins} spins in the spins table, found {stored}")
    total = {k: sum(s[k] for s in sizes.values()) for k in ("compressed", "uncompressed", "on_disk")}
    return {
        "spins": spins,
        "spans": spans_total,
        "spans_per_spin": round(spans_total / spins, 2),
        "batch_spins": batch,
        "cores": os.cpu_count(),
        "build_s": round(build_s, 2),
        "insert_wall_s": round(insert_wall, 2),
        "insert_cpu_s": round(insert_cpu, 2),
        "decode_cpu_s": round(decode_cpu, 2),
        "merge_wall_s": round(merge_wall, 2),
        "merge_cpu_s": round(merge_cpu, 2),
        "insert_spins_per_s": round(spins / insert_wall),
        "insert_spins_per_core_s": round(spins / insert_cpu),
        "decode_and_insert_spins_per_core_s": round(spins / (insert_cpu + decode_cpu)),
        "tables": {t: {**s, "bytes_per_spin": round(s["on_disk"] / spins, 1)} for t, s in sorted(sizes.items())},
        "total": {
            **total,
            "bytes_per_spin": round(total["on_disk"] / spins, 1),
            "compressed_bytes_per_spin": round(total["compressed"] / spins, 1),
            "gib_per_million_spins": round(total["on_disk"] / spins * 1e6 / 2**30, 3),
            "compression_ratio": round(total["uncompressed"] / max(total["compressed"], 1), 2),
        },
        "otel_traces_top_columns": columns,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spins", type=int, default=200_000, help="spins to store (default 200,000)")
    parser.add_argument("--batch", type=int, default=5_000, help="spins per request and insert (default 5,000)")
    parser.add_argument("--rate", type=float, default=400, help="spins per second of simulated traffic (timestamps)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = run(args.spins, args.batch, args.rate, args.seed)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{result['spins']:,} spins, {result['spans']:,} spans ({result['spans_per_spin']} a spin), "
        f"batches of {result['batch_spins']:,} spins, {result['cores']} cores"
    )
    print(
        f"insert: {result['insert_spins_per_s']:,} spins/s wall, {result['insert_spins_per_core_s']:,} spins/s "
        f"per core (CPU {result['insert_cpu_s']} s); with decoding {result['decode_and_insert_spins_per_core_s']:,} "
        f"spins/s per core"
    )
    print(f"{'table':<26}{'rows':>12}{'compressed':>14}{'on disk':>14}{'B/spin':>10}")
    for table, s in result["tables"].items():
        print(f"{table:<26}{s['rows']:>12,}{s['compressed']:>14,}{s['on_disk']:>14,}{s['bytes_per_spin']:>10}")
    t = result["total"]
    print(f"{'total':<26}{'':>12}{t['compressed']:>14,}{t['on_disk']:>14,}{t['bytes_per_spin']:>10}")
    print(
        f"storage: {t['gib_per_million_spins']} GiB per million spins on disk; "
        f"compression ratio {t['compression_ratio']} (reference: uncompressed / compressed)"
    )
    print(
        "otel_traces, largest columns (compressed bytes): "
        + ", ".join(f"{n} {b:,}" for n, b in result["otel_traces_top_columns"])
    )


if __name__ == "__main__":
    main()
