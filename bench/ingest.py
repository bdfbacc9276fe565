"""Benchmark: OTLP/HTTP protobuf ingest end to end, against a raw bulk insert of the same rows.

Targets (issue #2): >= 100,000 spans/s end to end on the 2-core machine, >= 0.5 of the
raw-insert rate, and serve's peak memory under 2x overload <= 1.5 GiB.

1. Starts `spinscope serve` (embedded store, fresh data directory) as a subprocess.
2. End to end: several concurrent clients POST pre-serialised ExportTraceServiceRequests
   of 1,000 `spin` spans (the spec's attributes) and wait for each 200; the rate is spans
   acknowledged per wall-clock second.
3. Overload: an open-loop sender offers twice the measured rate for a while; counts 200
   and 429/503 answers and reads serve's peak RSS (VmHWM) from /proc.
4. Reference, same run: the same rows, already decoded, bulk-inserted by clickhouse-connect
   (`client.insert`, Native format) into a fresh embedded store with the same schema.

Closed-loop clients bound the insert size: serve's writer inserts what queued while the
previous insert ran, about half the rows in flight (48 clients x 1,000 spans -> ~20k-row
inserts), and each insert has a fixed cost (~85 ms here: a part per table and view), so the
figure grows with the number of clients; the note on issue 2 gives it for 24, 48 and 96.

Before and after a schema change (issue 17: new rollups may cost at most 10 % of end-to-end
ingest): `--baseline REF` runs the end-to-end phase on two stores back to back, `--rounds` times
each, alternating: "before" has this checkout's schema with the ingest-path objects that the git
commit REF does not have taken out again (the materialized views its later migrations create are
dropped, the skip indexes and projections they add to a table are dropped, and a view whose query
a later migration replaced in place, ALTER ... MODIFY QUERY, gets REF's query back); "after" has
all of them. Same code, same requests, same machine minutes; the ratio after/before is the cost
of the new rollups (or of a view's new query). Each run also reports serve's CPU time per 1,000 spans from the
first request until serve is idle again (the merges the inserts set off included): CPU time is not charged for
what other tenants of a shared machine take, and a CPU-bound serve's rate is its inverse.
What a later migration took off the ingest path comes back
in "before" (a view retired with its table, columns dropped from a table REF has: 0130-0135 against
00bb7ea), so the ratio is also the saving of such a change. A later migration that changes the ingest path
otherwise cannot be taken out this way: it is named in the output and stays in both.

`--children N` sends each spin span with N child spans of its trace (wallet.debit, rng.draw, state.save,
wallet.credit, reels.evaluate, as the SDK exports a spin), 1,000 spans a request all the same: the
RCA rollup joins a spin to its children within the insert, so its cost depends on them.

Usage: python bench/ingest.py [--requests 600] [--clients 48] [--overload-seconds 15] [--children 0]
       python bench/ingest.py --baseline c0f7b23 [--rounds 2] [--overload-seconds 0]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# Spans start a few minutes ago: the raw tables keep 30 days (TTL), so older timestamps would be
# rows the engine drops again in TTL merges, and the spins view's duplicate gate reads recent hours.
T0 = (time.time_ns() // 1_000_000_000 - 900) * 1_000_000_000
GAMES = [("fortune-tiger", "1.4.2"), ("dragon-hoard", "2.0.1"), ("lucky-sevens", "1.0.0"), ("mega-vault", "3.1.0")]


def kv(key: str, value: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=value))


CHILD_STEPS = (
    (
        "wallet.debit",
        lambda rng: {"wallet.provider": (p := rng.choice(PROVIDERS)), "server.address": f"api.{p}.example"},
    ),
    ("rng.draw", lambda rng: {}),
    ("state.save", lambda rng: {"db.system.name": "redis"}),
    (
        "wallet.credit",
        lambda rng: {"wallet.provider": (p := rng.choice(PROVIDERS)), "server.address": f"api.{p}.example"},
    ),
    ("reels.evaluate", lambda rng: {}),
)
PROVIDERS = ("walletly", "paynet", "coinbridge")


def build_request(seq: int, spans: int = 1000, children: int = 0) -> bytes:
    """`spans` spans: spin spans, each followed by `children` child spans of its trace (the contract's steps)."""
    rng = random.Random(seq)
    t0 = T0 + (seq % 900) * 1_000_000_000
    out = []
    for i in range(spans // (1 + children)):
        game, version = GAMES[i % len(GAMES)]
        start = t0 + i * 1_000_000
        trace_id, span_id = rng.randbytes(16), rng.randbytes(8)
        out.append(
            Span(
                trace_id=trace_id,
                span_id=span_id,
                name="spin",
                kind=Span.SPAN_KIND_SERVER,
                start_time_unix_nano=start,
                end_time_unix_nano=start + rng.randint(20, 400) * 1_000_000,
                attributes=[
                    kv("slot.spin.id", f"bench-{seq}-{i}"),
                    kv("slot.game.id", game),
                    kv("slot.game.version", version),
                    kv("slot.bet.amount", "1.25"),
                    kv("slot.win.amount", rng.choice(["0", "0", "0.50", "2.50", "12.75"])),
                    kv("slot.currency", "EUR"),
                    kv("slot.spin.mode", "paid"),
                    kv("slot.feature", "none"),
                    kv("slot.player.id", f"p-{rng.randint(1, 50_000)}"),
                    kv("slot.session.id", f"s-{rng.randint(1, 9999)}"),
                    kv("slot.channel", rng.choice(["web", "ios", "android"])),
                ],
            )
        )
        for step, (name, attributes) in enumerate(CHILD_STEPS[:children]):
            out.append(
                Span(
                    trace_id=trace_id,
                    span_id=rng.randbytes(8),
                    parent_span_id=span_id,
                    name=name,
                    kind=Span.SPAN_KIND_CLIENT if name.startswith("wallet") else Span.SPAN_KIND_INTERNAL,
                    start_time_unix_nano=start + step * 1_000_000,
                    end_time_unix_nano=start + (step + 1) * 1_000_000,
                    attributes=[kv(k, v) for k, v in attributes(rng).items()],
                )
            )
    request = ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=Resource(
                    attributes=[
                        kv("service.name", "slot-server"),
                        kv("service.version", "2026.11.3"),
                        kv("service.instance.id", f"slot-server-{seq % 6}"),
                        kv("deployment.environment.name", "prod"),
                        kv("cloud.region", "eu-west-1"),
                    ]
                ),
                scope_spans=[ScopeSpans(spans=out)],
            )
        ]
    )
    return request.SerializeToString()


def post(conn: http.client.HTTPConnection, body: bytes) -> int:
    conn.request("POST", "/v1/traces", body=body, headers={"Content-Type": "application/x-protobuf"})
    reply = conn.getresponse()
    reply.read()
    return reply.status


def rss_mib(pid: int, field: str = "VmHWM") -> float:
    """VmHWM: the peak resident set so far; VmRSS: the resident set now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process `pid` so far, all its threads (the engine's merges run in serve)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_until_idle(pid: int, quiet: float = 0.02, settle_s: int = 3, limit_s: float = 120) -> float:
    """`pid`'s CPU seconds once it has stayed idle (under `quiet` of a core) for `settle_s` seconds in a
    row: after the last acknowledged insert, the merges it set off still run; they are part of its cost."""
    deadline, calm, last = time.monotonic() + limit_s, 0, cpu_seconds(pid)
    while calm < settle_s and time.monotonic() < deadline:
        time.sleep(1)
        now = cpu_seconds(pid)
        calm = calm + 1 if now - last < quiet else 0
        last = now
    return last


def metrics(port: int) -> dict[str, float]:
    """serve's /metrics as {series: value}."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/metrics")
    values = {}
    for line in conn.getresponse().read().decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def writer_figures(port: int) -> tuple[float, int, int]:
    """(seconds inserting, inserts, otel_traces rows inserted) from serve's /metrics."""
    values = metrics(port)
    return (
        values.get("spinscope_insert_seconds_sum", 0.0),
        int(values.get("spinscope_insert_seconds_count", 0)),
        int(values.get('spinscope_inserted_rows_total{table="otel_traces"}', 0)),
    )


def spans_per_body(children: int) -> int:
    return 1000 // (1 + children) * (1 + children)


def end_to_end(port: int, bodies: list[bytes], clients: int, spans_per_body: int) -> float:
    work = list(range(len(bodies)))
    lock = threading.Lock()
    failures: list[int] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not work:
                    break
                index = work.pop()
            while True:
                status = post(conn, bodies[index])
                if status == 200:
                    break
                if status not in (429, 503):
                    failures.append(status)
                    break
                time.sleep(0.05)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"unexpected statuses: {sorted(set(failures))}")
    return len(bodies) * spans_per_body / elapsed


def overload(
    port: int, bodies: list[bytes], rate_spans: float, seconds: float, pid: int, senders: int
) -> dict[str, float]:
    """Offer `rate_spans` spans/s open-loop (a new request on schedule, whatever the answers).

    Each sender has one request in flight, so the queue can only fill (and 429s show) with more
    senders than its bound in requests (400 of 1,000 spans by default). That is necessary, not
    sufficient: with 480 senders here the queue never filled.
    """
    interval = 1000 / rate_spans
    counts = {"ok": 0, "refused": 0, "other": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    next_at = [time.monotonic()]

    def sender(seed: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        rng = random.Random(seed)
        while True:
            with lock:
                now = time.monotonic()
                if now >= stop_at:
                    break
                slot = next_at[0]
                next_at[0] += interval
            if slot > now:
                time.sleep(slot - now)
            body = bodies[rng.randrange(len(bodies))]
            try:
                status = post(conn, body)
            except (ConnectionError, http.client.HTTPException):  # the server closed an idle keep-alive
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = post(conn, body)
            with lock:
                key = "ok" if status == 200 else "refused" if status in (429, 503) else "other"
                counts[key] += 1
        conn.close()

    at_peak = {"rss_mib": 0.0, "queue_rows": 0.0, "body_mib": 0.0}

    def watch() -> None:
        """What serve holds when its resident set is largest: queued rows, bodies not yet decoded."""
        while time.monotonic() < stop_at + 2:
            rss = rss_mib(pid, "VmRSS")
            if rss > at_peak["rss_mib"]:
                try:
                    values = metrics(port)
                except OSError:  # serve too busy to answer within the timeout: try again next sample
                    continue
                at_peak.update(
                    rss_mib=rss,
                    queue_rows=values.get("spinscope_queue_rows", 0),
                    body_mib=values.get("spinscope_body_bytes_held", 0) / 2**20,
                )
            time.sleep(0.2)

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)] + [threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {**counts, "peak_rss_mib": rss_mib(pid), **{f"at_peak_{k}": v for k, v in at_peak.items()}}


def reference_insert(bodies: list[bytes], spins_per_body: int = 1000) -> float:
    """Decode the same requests (not timed), then time clickhouse-connect's bulk insert of the rows."""
    from spinscope.db import open_store
    from spinscope.ingest.batcher import merge_tables
    from spinscope.ingest.decode import decode_traces, parse_request
    from spinscope.schema.migrate import RenderOptions, migrate

    decoded = [decode_traces(parse_request("traces", b, "application/x-protobuf")).tables for b in bodies]
    chunks = [merge_tables(decoded[i : i + 50]) for i in range(0, len(decoded), 50)]
    prepared = []
    for chunk in chunks:
        columns = chunk["otel_traces"]
        # Native inserts take DateTime64 as integer ticks: convert outside the timed part.
        for name in ("Timestamp",):
            columns[name] = [int(v.replace(".", "")) for v in columns[name]]
        columns["Events.Timestamp"] = [[int(v.replace(".", "")) for v in ts] for ts in columns["Events.Timestamp"]]
        prepared.append((list(columns), list(columns.values())))
    with tempfile.TemporaryDirectory() as data_dir:
        store = open_store(f"chdb://{data_dir}")
        client = store.client()
        migrate(client, RenderOptions(), log=lambda *_: None)
        started = time.perf_counter()
        for names, values in prepared:
            client.insert("otel_traces", values, column_names=names, column_oriented=True)
        elapsed = time.perf_counter() - started
        spins = client.query("SELECT count() FROM spins").result_rows[0][0]
        store.close()
    assert spins == len(bodies) * spins_per_body, spins
    spans = sum(len(c["otel_traces"]["Timestamp"]) for c in chunks)
    return spans / elapsed


PREPARE = """
import sys
from spinscope.db import open_store
from spinscope.schema.migrate import RenderOptions, migrate
store = open_store("chdb://" + sys.argv[1])
client = store.client()
migrate(client, RenderOptions(), log=lambda *_: None)
for statement in sys.argv[2:]:
    client.command(statement)
store.close()
"""


def baseline_undo(ref: str, database: str = "spinscope") -> tuple[list[str], list[str]]:
    """Statements that take a migrated store's ingest path back to git commit `ref`'s schema, and the
    later migrations that cannot be taken out (named, they stay in both runs).

    A view REF lacks is dropped; an index or projection REF lacks is dropped; a view REF has whose query a
    later migration replaced in place (ALTER TABLE view MODIFY QUERY) gets REF's query back: the last query
    that REF's migrations gave it (its CREATE MATERIALIZED VIEW or a MODIFY QUERY), rendered as `migrate` does.
    What later migrations removed from REF's ingest path comes back: a view retired with its table (`--
    spinscope: retires VIEW, writing to TABLE`) is created again with REF's DDL, and columns dropped from a
    table REF created are added again with REF's types (these first, so the views' queries find them).
    """
    from spinscope.schema.migrate import RenderOptions, load_migrations, render

    listed = subprocess.run(
        ["git", "ls-tree", "--name-only", ref, "spinscope/schema/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    at_ref = {Path(name).name for name in listed}
    opts = RenderOptions(database=database)
    restore, undo, kept, dropped = [], [], [], set()
    queries_at_ref: dict[str, str] = {}  # view -> its query as REF's migrations leave it
    views_at_ref: dict[str, str] = {}  # view -> its CREATE statement up to (not including) the query
    tables_at_ref: dict[str, str] = {}  # table -> its CREATE TABLE statement (single node)
    for m in load_migrations():
        body = "\n".join(line for line in m.template.splitlines() if not line.lstrip().startswith("--"))
        created = re.search(r"CREATE\s+MATERIALIZED\s+VIEW", body)
        replaced = re.search(r"ALTER\s+TABLE\s+\$db\.(\w+)\s.*?\bMODIFY\s+QUERY\b", body, re.S)
        if f"{m.version:04d}_{m.name}.sql" in at_ref:
            if created or replaced:
                (statement,) = render(m, opts)
                view = m.name if created else replaced[1]
                head, query = re.split(r"^AS\s+|\bMODIFY\s+QUERY\b", statement, maxsplit=1, flags=re.M)
                queries_at_ref[view] = query
                if created:
                    views_at_ref[view] = head
            elif m.is_table:
                tables_at_ref[m.name] = render(m, opts)[0]
            continue
        if not render(m, opts):
            continue  # cluster only: nothing on a single node
        added = re.search(
            r"ALTER\s+TABLE\s+\$db\.(\w+).*?\bADD\s+(INDEX|PROJECTION)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", body, re.S
        )
        dropped_columns = re.search(r"ALTER\s+TABLE\s+\$db\.(\w+?)(?:\$local)?\s.*\bDROP\s+COLUMN\b", body, re.S)
        if m.retires:
            view, table = m.retires
            if view in views_at_ref and table in tables_at_ref:
                restore.append(tables_at_ref[table])
                undo.append(f"{views_at_ref[view]}AS {queries_at_ref[view].strip()}")
        elif re.search(r"^\s*DROP\s+TABLE\b", body, re.M):
            continue  # a table dropped after its view was retired (above)
        elif dropped_columns:
            table = dropped_columns[1]
            for column in re.findall(r"DROP\s+COLUMN\s+(?:IF\s+EXISTS\s+)?(\w+)", body):
                declared = re.search(rf"^\s*{column} (.+?),?$", tables_at_ref.get(table, ""), re.M)
                if declared:
                    restore.append(f"ALTER TABLE {database}.{table} ADD COLUMN IF NOT EXISTS {column} {declared[1]}")
        elif created:
            undo.append(f"DROP VIEW IF EXISTS {database}.{m.name}")
            dropped.add(m.name)
        elif added:
            undo.append(f"ALTER TABLE {database}.{added[1]} DROP {added[2]} IF EXISTS {added[3]}")
        elif replaced and replaced[1] in dropped:
            continue  # a view REF lacks altogether: dropped above
        elif replaced and replaced[1] in queries_at_ref:
            query = queries_at_ref[replaced[1]].strip()
            undo = [u for u in undo if not u.startswith(f"ALTER TABLE {database}.{replaced[1]} MODIFY QUERY")]
            undo.append(f"ALTER TABLE {database}.{replaced[1]} MODIFY QUERY {query}")
        elif re.search(r"CREATE\s+TABLE", body) or not re.search(r"ALTER\s+TABLE", body):
            continue  # a table that no view fills, a backfill: nothing on the ingest path
        elif re.search(r"\bADD\s+COLUMN\b", body) and not re.search(r"\b(MODIFY|DROP|MATERIALIZE)\b", body):
            continue  # columns alone (0155): the view query that fills them is undone; defaults cost no view work
        else:
            kept.append(f"{m.version:04d}_{m.name}")
    return restore + undo, kept


def measure_serve(data_dir: str, bodies: list[bytes], args: argparse.Namespace, overload_bodies: list[bytes]) -> dict:
    """Start serve on `data_dir`, run the end-to-end phase (and the overload one unless disabled)."""
    port, grpc_port = 43180 + os.getpid() % 1000, 44170 + os.getpid() % 1000
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spinscope.cli",
            "serve",
            "--no-ui",
            "--data-dir",
            data_dir,
            "--otlp-http-port",
            str(port),
            "--otlp-grpc-port",
            str(grpc_port),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        post(http.client.HTTPConnection("127.0.0.1", port), build_request(999_999, spans=10))  # warm-up
        before = writer_figures(port)
        cpu_before = cpu_until_idle(serve.pid)
        e2e = end_to_end(port, bodies, args.clients, spans_per_body(args.children))
        sent = args.requests * spans_per_body(args.children)
        wall = sent / e2e
        cpu_ms = (cpu_until_idle(serve.pid) - cpu_before) * 1e6 / sent
        print(
            f"end to end: {e2e:,.0f} spans/s ({args.requests} x {spans_per_body(args.children):,} spans, "
            f"{args.children} child spans a spin, {args.clients} clients); serve CPU {cpu_ms:.1f} ms per "
            "1,000 spans, the merges they set off included",
            flush=True,
        )
        seconds, inserts, rows = (a - b for a, b in zip(writer_figures(port), before, strict=True))
        # Busy near 100 %: the store is the bottleneck; well below: receiving and decoding are.
        print(
            f"  writer: {inserts} inserts of {rows / max(inserts, 1):,.0f} rows on average, "
            f"inserting {seconds / wall:.0%} of the time",
            flush=True,
        )
        over = None
        if args.overload_seconds > 0:
            over = overload(port, overload_bodies, 2 * e2e, args.overload_seconds, serve.pid, args.overload_senders)
            print(
                f"2x overload ({2 * e2e:,.0f} spans/s offered for {args.overload_seconds:.0f}s): "
                f"{over['ok']} accepted, {over['refused']} refused with 429/503, {over['other']} other; "
                f"serve peak RSS {over['peak_rss_mib']:,.0f} MiB",
                flush=True,
            )
            print(
                f"  largest RSS sampled: {over['at_peak_rss_mib']:,.0f} MiB, holding "
                f"{over['at_peak_queue_rows']:,.0f} queued rows and {over['at_peak_body_mib']:,.0f} MiB of bodies "
                f"not yet decoded",
                flush=True,
            )
        return {"e2e": e2e, "cpu_ms": cpu_ms, "overload": over}
    finally:
        serve.terminate()
        serve.wait(60)


def compare(ref: str, bodies: list[bytes], args: argparse.Namespace, overload_bodies: list[bytes]) -> dict:
    """Before (REF's ingest path) and after (this checkout's), alternating, `args.rounds` times each."""
    undo, kept = baseline_undo(ref)
    # each statement's head: what it creates, drops or alters (the DDL and queries themselves are long)
    shown = [re.sub(r"\s+", " ", re.split(r"\sAS\s|\(|(?<=QUERY)\s", u, maxsplit=1)[0]) for u in undo]
    print(f"before = this schema less what {ref} lacks: {shown or 'nothing to take out'}", flush=True)
    if kept:
        print(f"  cannot be taken out (in both runs): {', '.join(kept)}", flush=True)
    rates: dict[str, list[float]] = {"before": [], "after": []}
    cpu: dict[str, list[float]] = {"before": [], "after": []}
    result: dict = {}
    for _ in range(args.rounds):
        for label, statements in (("before", undo), ("after", [])):
            with tempfile.TemporaryDirectory() as data_dir:
                subprocess.run([sys.executable, "-c", PREPARE, data_dir, *statements], cwd=REPO, check=True)
                print(f"[{label}]", end=" ", flush=True)
                result = measure_serve(data_dir, bodies, args, overload_bodies)
                rates[label].append(result["e2e"])
                cpu[label].append(result["cpu_ms"])
    b, a = statistics.median(rates["before"]), statistics.median(rates["after"])
    print(
        f"before {', '.join(f'{r:,.0f}' for r in rates['before'])} spans/s; after "
        f"{', '.join(f'{r:,.0f}' for r in rates['after'])} spans/s; after / before (medians) {a / b:.3f} "
        f"(target >= 0.90: the new rollups cost at most 10 %)",
        flush=True,
    )
    # CPU time is not charged for what other tenants take (steal), and it counts the merges that run on
    # after the last request; the rate a CPU-bound serve reaches is the inverse of its CPU per span.
    cb, ca = statistics.median(cpu["before"]), statistics.median(cpu["after"])
    print(
        f"serve CPU per 1,000 spans, merges included: before {', '.join(f'{c:.1f}' for c in cpu['before'])} ms; "
        f"after {', '.join(f'{c:.1f}' for c in cpu['after'])} ms; before / after (medians) {cb / ca:.3f}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="1,000-span requests in the end-to-end phase")
    parser.add_argument("--clients", type=int, default=48, help="concurrent clients (each waits for its 200)")
    parser.add_argument("--overload-seconds", type=float, default=15)
    parser.add_argument("--overload-senders", type=int, default=480, help="connections offering the overload")
    parser.add_argument("--baseline", default="", help="git commit whose ingest path is 'before' (see above)")
    parser.add_argument("--rounds", type=int, default=2, help="with --baseline: runs of each, alternating")
    parser.add_argument(
        "--children",
        type=int,
        default=0,
        choices=range(len(CHILD_STEPS) + 1),
        help="child spans sent with each spin span in its request (its trace's steps); 0: spin spans only",
    )
    args = parser.parse_args()

    print(f"building {args.requests} requests of {spans_per_body(args.children):,} spans ...", flush=True)
    bodies = [build_request(i, children=args.children) for i in range(args.requests)]
    overload_bodies = [build_request(100_000 + i, children=args.children) for i in range(40)]
    if args.baseline:
        result = compare(args.baseline, bodies, args, overload_bodies)
    else:
        with tempfile.TemporaryDirectory() as data_dir:
            result = measure_serve(data_dir, bodies, args, overload_bodies)
    e2e, over = result["e2e"], result["overload"]
    raw = reference_insert(bodies, 1000 // (1 + args.children))
    print(f"reference raw bulk insert (clickhouse-connect, Native): {raw:,.0f} rows/s")
    print(f"ratio end-to-end / raw insert: {e2e / raw:.2f}  (target >= 0.5)")
    rss = "not measured (--overload-seconds 0)" if over is None else f"{over['peak_rss_mib']:,.0f} MiB"
    print(
        f"target >= 100,000 spans/s: {'met' if e2e >= 100_000 else 'NOT met'}; peak RSS <= 1,536 MiB: "
        f"{rss if over is None else 'met' if over['peak_rss_mib'] <= 1536 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
