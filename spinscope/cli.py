"""The `spinscope` command line: argument parsing and one-line errors, nothing else.

Each subcommand resolves its settings (argument > environment > default, see
spinscope.settings), opens what it needs, and reports failures in one line
naming what was wrong and what to do, never with a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from spinscope import __version__, jsonout, textout
from spinscope.settings import SETTINGS, default_store_dsn, resolve
from spinscope.store import Store, StoreError, StoreLocked, open_store

_HELP = {s.name: s.help for s in SETTINGS}


def _store_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help=_HELP["store"] + " Env: SPINSCOPE_STORE.")
    parser.add_argument("--data-dir", help=_HELP["data_dir"] + " Env: SPINSCOPE_DATA_DIR.")
    parser.add_argument("--database", help=_HELP["database"] + " Env: SPINSCOPE_DATABASE.")


def _serve_args(parser: argparse.ArgumentParser) -> None:
    _store_args(parser)
    parser.add_argument("--host", help=_HELP["host"])
    parser.add_argument("--otlp-http-port", type=int, help=_HELP["otlp_http_port"])
    parser.add_argument("--otlp-grpc-port", type=int, help=_HELP["otlp_grpc_port"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spinscope", description="Observability and KPI analytics for slot servers.")
    parser.add_argument("--version", action="version", version=f"spinscope {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="Run the receivers, the API (and the app) on the store.")
    _serve_args(serve)
    serve.add_argument("--no-ui", action="store_true", help="Do not start the Streamlit app.")
    serve.add_argument("--ui-port", type=int, help=_HELP["ui_port"] + " Env: SPINSCOPE_UI_PORT.")
    serve.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")
    serve.add_argument("--demo", action="store_true",
                       help="Load demo history into an empty store, then send live simulated traffic to itself.")
    serve.add_argument("--demo-spins-per-day", type=int, default=300_000,
                       help="Demo history size (default 300,000 spins a day: a week loads in well under a minute).")

    ingest = sub.add_parser("ingest", help="Run the OTLP receivers only (e.g. in front of a ClickHouse server).")
    _serve_args(ingest)
    ingest.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")

    app = sub.add_parser("app", help="The Streamlit app alone, against a ClickHouse server (read-only user).")
    _store_args(app)
    app.add_argument("--host", help=_HELP["host"])
    app.add_argument("--ui-port", type=int, help=_HELP["ui_port"] + " Env: SPINSCOPE_UI_PORT.")
    app.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")

    db = sub.add_parser("db", help="Store administration.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="SUBCOMMAND")
    migrate_help = ("Create or upgrade the schema (idempotent). Upgrades that drop and re-create a view need "
                    "ingest paused (--ingest-paused); others run live.")
    migrate = db_sub.add_parser("migrate", help=migrate_help, description=migrate_help)
    _store_args(migrate)
    migrate.add_argument("--cluster", help=_HELP["cluster"])
    migrate.add_argument("--ingest-paused", action="store_true",
                         help="Confirm the Collector and `spinscope ingest` are stopped: required to apply a "
                              "migration that drops a view (rows inserted before its successor exists would "
                              "be lost) to a database already in use.")
    migrate.add_argument("--print", dest="print_only", action="store_true",
                         help="Print the DDL instead of running it (no store needed).")

    query = db_sub.add_parser("query", help="Run one read-only SQL query on the store and print JSON rows.")
    _store_args(query)
    query.add_argument("sql", help="The query, e.g. \"SELECT count() FROM spins\".")

    kpi = sub.add_parser("kpi", help="KPIs per day or week, per game, version and currency.")
    _store_args(kpi)
    kpi.add_argument("--from", dest="start", help="First day, YYYY-MM-DD (default: 6 days before --to).")
    kpi.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD (default: today, UTC).")
    kpi.add_argument("--grain", choices=["day", "week"], default="day")
    kpi.add_argument("--by", default="game,version", help="Split by game and/or version (default game,version).")
    kpi.add_argument("--json", action="store_true", help="Print JSON (the same as GET /api/v1/kpi).")

    slo = sub.add_parser("slo", help="SLO status, error budgets and burn-rate alerts.")
    slo_sub = slo.add_subparsers(dest="slo_command", required=True, metavar="SUBCOMMAND")
    for name, text in (("status", "Every SLO's SLI, budget and alert state."),
                       ("check", "Exit 1 when any SLO pages or has exhausted its budget (for CI gates and cron).")):
        one = slo_sub.add_parser(name, help=text)
        _store_args(one)
        one.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")
        one.add_argument("--at", help="Evaluate at this UTC time (ISO 8601) instead of now.")
        one.add_argument("--json", action="store_true", help="Print JSON (the same as GET /api/v1/slo).")

    rtp = sub.add_parser("rtp", help="RTP integrity: observed vs theoretical RTP, drift, sample sizes.")
    rtp_sub = rtp.add_subparsers(dest="rtp_command", required=True, metavar="SUBCOMMAND")
    rtp_status = rtp_sub.add_parser("status", help="Each game version: observed vs theoretical RTP, band, z, state.")
    _store_args(rtp_status)
    rtp_status.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")
    rtp_status.add_argument("--start", help="Window start, UTC ISO 8601 (default: 7 days before --end).")
    rtp_status.add_argument("--end", help="Window end, UTC ISO 8601 (default: now).")
    rtp_status.add_argument("--json", action="store_true", help="Print JSON (the same as GET /api/v1/rtp).")
    rtp_plan = rtp_sub.add_parser("plan", help="Spins needed to detect an RTP shift on a game with 80 % power.")
    _store_args(rtp_plan)
    rtp_plan.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")
    rtp_plan.add_argument("--game", required=True, help="Game id, e.g. fortune-tiger.")
    rtp_plan.add_argument("--shift", required=True, help="RTP shift to detect, e.g. 0.01 for one point.")
    rtp_plan.add_argument("--power", type=float, default=0.8)
    rtp_plan.add_argument("--alpha", type=float, default=0.05)
    rtp_plan.add_argument("--json", action="store_true")

    rca = sub.add_parser("rca", help="Rank the attribute values that explain errors, latency or an RTP excess.")
    _store_args(rca)
    rca.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")
    rca.add_argument("--signal", choices=["errors", "latency", "rtp"], required=True)
    rca.add_argument("--start", required=True, help="Selection window start, UTC ISO 8601.")
    rca.add_argument("--end", required=True, help="Selection window end, UTC ISO 8601.")
    rca.add_argument("--baseline-start", help="Baseline window start (default: the good spins of the window).")
    rca.add_argument("--baseline-end", help="Baseline window end.")
    rca.add_argument("--where", action="append", default=[], metavar="KEY=VALUE", help="Drill down (repeatable).")
    rca.add_argument("--threshold-ms", type=int, default=500, help="Latency signal: slower than this is bad.")
    rca.add_argument("--json", action="store_true", help="Print JSON (the same as GET /api/v1/rca).")

    tr = sub.add_parser("traces", help="Spin traces matching attribute values, errored or slowest first.")
    _store_args(tr)
    tr.add_argument("--start", help="UTC ISO 8601 (default: an hour before --end).")
    tr.add_argument("--end", help="UTC ISO 8601 (default: now).")
    tr.add_argument("--where", action="append", default=[], metavar="KEY=VALUE")
    tr.add_argument("--order", choices=["errors", "slowest"], default="errors")
    tr.add_argument("--limit", type=int, default=20)
    tr.add_argument("--json", action="store_true")

    one = sub.add_parser("trace", help="One trace: its spans as a tree with timings, and its logs.")
    _store_args(one)
    one.add_argument("trace_id")
    one.add_argument("--json", action="store_true")

    export = sub.add_parser("export", help="Reports.")
    export_sub = export.add_subparsers(dest="export_command", required=True, metavar="SUBCOMMAND")
    weekly = export_sub.add_parser("weekly", help="The weekly KPI report (xlsx, csv, parquet, html); archive upsert.")
    _store_args(weekly)
    weekly.add_argument("--config", help=_HELP["config"] + " Env: SPINSCOPE_CONFIG.")
    weekly.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: the last complete week, UTC).")
    weekly.add_argument("--out", default="./exports", help="Output folder (default ./exports).")
    weekly.add_argument("--format", default="xlsx,csv,parquet,html", help="Any of xlsx,csv,parquet,html.")
    weekly.add_argument("--archive", help=_HELP["archive"] + " Env: SPINSCOPE_ARCHIVE.")

    archive = sub.add_parser("archive", help="The long-term KPI archive (DuckDB).")
    archive_sub = archive.add_subparsers(dest="archive_command", required=True, metavar="SUBCOMMAND")
    trend = archive_sub.add_parser("trend", help="Weekly KPI trend per currency from the archive.")
    trend.add_argument("--weeks", type=int, default=12)
    trend.add_argument("--out", default="./exports", help="The export folder holding kpi_archive.duckdb.")
    trend.add_argument("--archive", help=_HELP["archive"] + " Env: SPINSCOPE_ARCHIVE.")
    trend.add_argument("--json", action="store_true")

    sim = sub.add_parser("sim", help="Send live simulated slot traffic (real OpenTelemetry SDK) to an OTLP endpoint.")
    sim.add_argument("--endpoint", default="http://127.0.0.1:4318",
                     help="OTLP/HTTP base URL (http://host:4318) or, with --protocol grpc, host:4317.")
    sim.add_argument("--protocol", choices=["http", "grpc"], default="http")
    sim.add_argument("--rate", type=float, default=20.0, help="Spins per second (default 20).")
    sim.add_argument("--duration", type=float, default=60.0, help="Seconds to run (default 60).")
    sim.add_argument("--scenario", help="Fault scenario name (sim/scenarios/*.yaml) or file.")
    sim.add_argument("--seed", type=int, help="Random seed (default: the current time).")
    sim.add_argument("--token", help="Bearer token, when the receiver requires one.")

    demo = sub.add_parser("demo", help="Fill the store with days of simulated history, quickly.")
    _store_args(demo)
    demo.add_argument("--days", type=float, default=7.0)
    demo.add_argument("--spins-per-day", type=int, default=1_430_000, help="Default ~10 million spins a week.")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--scenario", help="Fault scenario name (sim/scenarios/*.yaml) or file.")
    demo.add_argument("--manifest", help="Write the scenario's ground-truth manifest (JSON) here.")

    catalog = sub.add_parser("catalog", help="The game catalog (theoretical RTP and volatility).")
    cat_sub = catalog.add_subparsers(dest="catalog_command", required=True, metavar="SUBCOMMAND")
    build = cat_sub.add_parser("build", help="Write games.yaml from the simulator's game models.")
    build.add_argument("--out", default="config/games.yaml", help="Where to write the catalog.")
    return parser


def _dsn(args: argparse.Namespace) -> str:
    dsn = resolve("store", getattr(args, "store", None))
    if dsn:
        return str(dsn)
    return default_store_dsn(resolve("data_dir", getattr(args, "data_dir", None)))


def _open(args: argparse.Namespace) -> Store:
    return open_store(_dsn(args), resolve("database", getattr(args, "database", None)))


def _render_options(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ingest.migrate import RenderOptions

    return RenderOptions(
        database=resolve("database", getattr(args, "database", None)),
        cluster=resolve("cluster", getattr(args, "cluster", None)),
        raw_ttl_days=resolve("raw_ttl_days"),
        spins_ttl_days=resolve("spins_ttl_days"),
    )


def cmd_migrate(args: argparse.Namespace) -> int:
    from ingest.migrate import migrate, render_all

    opts = _render_options(args)
    if args.print_only:
        print(";\n\n".join(render_all(opts)) + ";")
        return 0
    store = _open(args)
    try:
        applied = migrate(store.client(), opts, ingest_paused=args.ingest_paused)
        print(f"spinscope: schema up to date ({len(applied)} migration(s) applied)")
    finally:
        store.close()
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import json

    store = _open(args)
    try:
        result = store.client().query(args.sql, settings={"readonly": 1})
        for row in result.named_results():
            print(json.dumps(row, default=str))
    finally:
        store.close()
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    return cmd_query(args) if args.db_command == "query" else cmd_migrate(args)


def read_or_ask_server(args: argparse.Namespace, path: str, params: dict[str, str], local) -> Any:  # type: ignore[no-untyped-def]
    """Run `local(client)` on the store; if `serve` holds the embedded store, ask its API instead."""
    try:
        store = _open(args)
    except StoreLocked as exc:
        api = exc.holder.get("api")
        if not api:
            raise
        import httpx

        reply = httpx.get(api + path, params={k: v for k, v in params.items() if v is not None}, timeout=120)
        payload = reply.json()
        if reply.status_code != 200:
            raise StoreError(f"{api}{path}: {payload.get('error', reply.status_code)}") from None
        return payload
    try:
        return jsonout.plain(local(store.client()))
    finally:
        store.close()


def cmd_kpi(args: argparse.Namespace) -> int:
    from spinscope.kpi import kpis, parse_day

    end = parse_day(args.end, "--to") if args.end else datetime.now(UTC).date()
    start = parse_day(args.start, "--from") if args.start else end - timedelta(days=6)
    payload = read_or_ask_server(
        args, "/api/v1/kpi", {"from": start.isoformat(), "to": end.isoformat(), "grain": args.grain, "by": args.by},
        lambda client: {"from": start, "to": end, "grain": args.grain,
                        "rows": kpis(client, start, end, args.grain, args.by)},
    )
    if args.json:
        print(jsonout.dumps(payload, indent=2))
    else:
        columns = ["period_start", "game_id", "game_version", "currency", "spins", "handle_amount", "win_amount",
                   "ggr_amount", "rtp_ratio", "hit_frequency_ratio", "active_players", "latency_p99_ms",
                   "error_rate_ratio"]
        print(textout.table(payload["rows"], columns) if payload["rows"] else "no spins in this window")
    return 0


def cmd_slo(args: argparse.Namespace) -> int:
    from spinscope.api import parse_at
    from spinscope.slo_store import load_config_slos, slo_statuses

    config_dir = resolve("config", args.config)
    specs = load_config_slos(config_dir)  # validate locally first: errors name the file and field
    at = parse_at(args.at)
    payload = read_or_ask_server(
        args, "/api/v1/slo", {"at": args.at},
        lambda client: {"slos": [s.to_json() for s in slo_statuses(client, specs, at)]},
    )
    rows = payload["slos"]
    if args.json:
        print(jsonout.dumps(payload, indent=2))
    else:
        flat = [{"slo": r["slo"], "group": ",".join(f"{k}={v}" for k, v in r["group"].items()) or "-",
                 "target": r["target"], "sli": r["sli"], "budget_left": r["budget"]["remaining_ratio"],
                 "alert": r["alert"]["state"], "fired_by": ",".join(r["alert"]["fired_by"]) or "-",
                 "events": r["events"]["total"]} for r in rows]
        print(textout.table(flat, ["slo", "group", "target", "sli", "budget_left", "alert", "fired_by", "events"]))
    if args.slo_command == "check":
        failing = [r["slo"] + (f" {r['group']}" if r["group"] else "") for r in rows if r["fails_check"]]
        if failing:
            print(f"spinscope: {len(failing)} SLO(s) failing: {'; '.join(failing)}", file=sys.stderr)
            return 1
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from spinscope.ui import serve_app

    dsn = _dsn(args)
    if dsn.startswith("chdb:"):
        raise StoreError("`spinscope app` alone needs a ClickHouse server (--store http://...); on the embedded "
                         "store the app runs inside `spinscope serve`")
    return serve_app(dsn, resolve("host", args.host), resolve("ui_port", args.ui_port), resolve("config", args.config))


def cmd_serve(args: argparse.Namespace) -> int:
    from ingest.migrate import migrate
    from spinscope.server import ServeOptions, serve

    opts = ServeOptions(
        host=resolve("host", args.host),
        otlp_http_port=resolve("otlp_http_port", args.otlp_http_port),
        otlp_grpc_port=resolve("otlp_grpc_port", args.otlp_grpc_port),
        token=resolve("ingest_token"),
        max_body_bytes=resolve("max_body_bytes"),
        queue_max_rows=resolve("queue_max_rows"),
        body_budget_bytes=resolve("body_budget_bytes"),
        batch_max_rows=resolve("batch_max_rows"),
        batch_interval_s=resolve("batch_interval_s"),
        config_dir=resolve("config", args.config),
    )
    store = _open(args)
    try:
        migrate(store.client(), _render_options(args), log=lambda line: print(f"spinscope: {line}"))
    except BaseException:
        store.close()
        raise
    print(f"spinscope: store {store.dsn} (database {store.database})", flush=True)
    background = []
    if getattr(args, "demo", False):
        from sim.demo import serve_demo_job

        endpoint = f"http://{'127.0.0.1' if opts.host in ('0.0.0.0', '::') else opts.host}:{opts.otlp_http_port}"
        background.append(serve_demo_job(store, endpoint, spins_per_day=args.demo_spins_per_day,
                                         token=opts.token, log=lambda line: print(line, flush=True)))
    ui_port = None if getattr(args, "no_ui", False) or args.command == "ingest" else resolve("ui_port", args.ui_port)
    serve(store, opts, background=background, ui_port=ui_port)
    return 0


def _where(items: list[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--where {item!r}: write KEY=VALUE, e.g. --where wallet.provider=walletly")
        pairs[key] = value
    return pairs


def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, [], "")}


def cmd_rtp(args: argparse.Namespace) -> int:
    from decimal import Decimal, InvalidOperation

    from spinscope.api import parse_at

    config_dir = resolve("config", args.config)
    if args.rtp_command == "plan":
        from spinscope.rtp_store import rtp_plan

        try:
            shift = Decimal(args.shift)
        except InvalidOperation:
            raise ValueError(f"--shift {args.shift!r} is not a number; write e.g. 0.01 for one RTP point") from None
        end = datetime.now(UTC)
        payload = read_or_ask_server(args, "", {}, lambda client: rtp_plan(
            client, args.game, shift, args.power, args.alpha, config_dir, end - timedelta(days=7), end))
        if args.json:
            print(jsonout.dumps(payload, indent=2))
        else:
            print(textout.table(payload["plans"], ["game_id", "game_version", "sigma", "shift", "effective_spins",
                                                   "spins_per_effective", "spins", "half_width_95"]))
        return 0
    from spinscope.rtp_store import rtp_status

    end = parse_at(args.end) or datetime.now(UTC)
    start = parse_at(args.start) or end - timedelta(days=7)
    payload = read_or_ask_server(
        args, "/api/v1/rtp", {"start": start.isoformat(), "end": end.isoformat()},
        lambda client: {"start": start, "end": end, "games": rtp_status(client, start, end, config_dir)})
    if args.json:
        print(jsonout.dumps(payload, indent=2))
    else:
        print(textout.table(payload["games"], ["game_id", "game_version", "spins", "n_eff", "observed_rtp",
                                               "theoretical_rtp", "band_low", "band_high", "z", "state", "control",
                                               "drift_began"]) if payload["games"] else "no spins in this window")
    return 0


def cmd_rca(args: argparse.Namespace) -> int:
    from spinscope.api import parse_at
    from spinscope.rca_store import rank

    where = _where(args.where)
    start, end = parse_at(args.start), parse_at(args.end)
    b_start, b_end = parse_at(args.baseline_start), parse_at(args.baseline_end)
    payload = read_or_ask_server(
        args, "/api/v1/rca", _params(signal=args.signal, start=args.start, end=args.end,
                                     baseline_start=args.baseline_start, baseline_end=args.baseline_end,
                                     where=[f"{k}={v}" for k, v in where.items()], threshold_ms=args.threshold_ms),
        lambda client: rank(client, args.signal, start, end, b_start, b_end, where, args.threshold_ms,
                            resolve("config", args.config)))
    if args.json:
        print(jsonout.dumps(payload, indent=2))
        return 0
    columns = (["attribute", "value", "spins", "excess_bets", "z", "share", "explains_alert"] if args.signal == "rtp"
               else ["attribute", "value", "selection_ratio", "baseline_ratio", "gap", "q_value", "share"])
    print(textout.table(payload["rows"][:20], columns) if payload["rows"] else payload.get("message", "nothing found"))
    return 0


def cmd_traces(args: argparse.Namespace) -> int:
    from spinscope.api import parse_at
    from spinscope.rca_store import traces

    end = parse_at(args.end) or datetime.now(UTC)
    start = parse_at(args.start) or end - timedelta(hours=1)
    where = _where(args.where)
    payload = read_or_ask_server(
        args, "/api/v1/traces", _params(start=start.isoformat(), end=end.isoformat(), order=args.order,
                                        limit=args.limit, where=[f"{k}={v}" for k, v in where.items()]),
        lambda client: {"traces": traces(client, start, end, where, args.order, args.limit)})
    if args.json:
        print(jsonout.dumps(payload, indent=2))
    else:
        print(textout.table(payload["traces"], ["trace_id", "started_at", "duration_ms", "status", "error_type",
                                                "game_id", "region", "instance_id"]) if payload["traces"]
              else "no matching traces")
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from spinscope.rca_store import trace

    payload = read_or_ask_server(args, f"/api/v1/traces/{args.trace_id}", {},
                                 lambda client: trace(client, args.trace_id))
    if args.json:
        print(jsonout.dumps(payload, indent=2))
        return 0
    if not payload["spans"]:
        print(payload.get("message", "no such trace"))
        return 1
    children: dict[str, list[dict]] = {}
    for span in payload["spans"]:
        children.setdefault(span["parent_span_id"], []).append(span)
    ids = {s["span_id"] for s in payload["spans"]}

    def show(span: dict, depth: int) -> None:
        flag = " ERROR" if span["status_code"] == "Error" else ""
        attrs = " ".join(f"{k}={v}" for k, v in sorted(span["attributes"].items()))
        print(f"{'  ' * depth}{span['span_name']}  +{span['offset_ms']}ms  {span['duration_ms']}ms{flag}  {attrs}")
        for child in children.get(span["span_id"], []) if span["span_id"] else []:
            show(child, depth + 1)

    for root in [s for s in payload["spans"] if not s["parent_span_id"] or s["parent_span_id"] not in ids]:
        show(root, 0)
    for log in payload["logs"]:
        print(f"log {log['logged_at']} {log['severity']}: {log['body']}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from spinscope.export import EXPORT_ERRORS, export_weekly
    from spinscope.progress import ProgressBar

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    store = _open(args)
    try:
        bar = ProgressBar(f"export {args.week or 'last week'}")
        try:
            result = export_weekly(store.client(), args.week, args.out, formats, resolve("config", args.config),
                                   resolve("archive", args.archive), progress=bar)
        except EXPORT_ERRORS as exc:
            raise ValueError(str(exc)) from None
        finally:
            bar.finish()
    finally:
        store.close()
    summary = result.to_json()
    print(jsonout.dumps(summary, indent=2))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    from spinscope.export import EXPORT_ERRORS, archive_location, archive_trend

    try:
        rows = archive_trend(archive_location(args.out, resolve("archive", args.archive)), args.weeks)
    except EXPORT_ERRORS as exc:
        raise ValueError(str(exc)) from None
    if args.json:
        print(jsonout.dumps(rows, indent=2))
    else:
        columns = list(rows[0]) if rows else []
        print(textout.table(rows, columns) if rows else "the archive holds no weeks yet")
    return 0


def cmd_sim(args: argparse.Namespace) -> int:
    import signal
    import threading
    import time

    from sim.traffic import run_live

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"spinscope: sending ~{args.rate:g} spins/s to {args.endpoint} for {args.duration:g}s (seed {seed})",
          file=sys.stderr)
    result = run_live(args.endpoint, args.rate, args.duration, protocol=args.protocol, scenario=args.scenario,
                      seed=seed, stop=stop, token=args.token)
    print(f"spinscope: sent {result.spins:,} spins ({result.errors:,} failed spins)", file=sys.stderr)
    print(jsonout.dumps(result.manifest, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ingest.migrate import migrate
    from sim.demo import load_history
    from spinscope.progress import ProgressBar

    store = _open(args)
    try:
        migrate(store.client(), _render_options(args), log=lambda line: None)
        bar = ProgressBar("demo history")
        result = load_history(store, days=args.days, spins_per_day=args.spins_per_day, seed=args.seed,
                              scenario=args.scenario, progress=bar)
        bar.finish()
    finally:
        store.close()
    print(f"spinscope: loaded {result.spins:,} spins in {result.seconds:.1f} s "
          f"({result.spins / max(result.seconds, 1e-9):,.0f} spins/s)")
    if args.manifest:
        Path(args.manifest).write_text(jsonout.dumps(result.manifest, indent=2) + "\n")
        print(f"spinscope: wrote the scenario manifest to {args.manifest}")
    return 0


def cmd_catalog_build(args: argparse.Namespace) -> int:
    from sim.catalog import write_catalog

    write_catalog(args.out)
    print(f"spinscope: wrote {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Store errors are reported once, by us, in one line; the driver's own logging would repeat them.
    logging.getLogger("clickhouse_connect").setLevel(logging.CRITICAL)
    handlers = {
        "serve": cmd_serve,
        "ingest": cmd_serve,
        "db": cmd_db,
        "catalog": cmd_catalog_build,
        "kpi": cmd_kpi,
        "slo": cmd_slo,
        "sim": cmd_sim,
        "app": cmd_app,
        "export": cmd_export,
        "archive": cmd_archive,
        "rtp": cmd_rtp,
        "rca": cmd_rca,
        "traces": cmd_traces,
        "trace": cmd_trace,
        "demo": cmd_demo,
    }
    try:
        return handlers[args.command](args)
    except (StoreError, ValueError) as exc:
        print(f"spinscope: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"spinscope: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
