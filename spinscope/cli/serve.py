"""`serve`, `ingest`, `app` and `db`: the long-running processes and store administration."""

from __future__ import annotations

import argparse
import json
import signal

from spinscope.cli.options import HELP, add_config_arg, add_store_args, open_args, render_options, store_dsn
from spinscope.db import StoreError
from spinscope.settings import resolve


def _listen_args(parser: argparse.ArgumentParser) -> None:
    add_store_args(parser)
    add_config_arg(parser)
    parser.add_argument("--host", help=HELP["host"])
    parser.add_argument("--otlp-http-port", type=int, help=HELP["otlp_http_port"])
    parser.add_argument("--otlp-grpc-port", type=int, help=HELP["otlp_grpc_port"])
    _insecure_arg(parser)


def _insecure_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="Listen beyond loopback even though some surface has no auth configured (anyone reaching it reads GGR).",
    )


def refuse_open_listen(host: str, missing: list[str], insecure: bool, config_dir: object) -> None:
    """Zero-config is for loopback: beyond it, every surface served needs auth unless --insecure."""
    from spinscope.auth import is_loopback
    from spinscope.errors import UserError

    if is_loopback(host) or not missing or insecure:
        return
    raise UserError(
        f"refusing to listen on {host} without auth for {', '.join(missing)}: add tokens to {config_dir}/auth.yaml "
        "(`spinscope auth token --role viewer|operator|ingest` prints the entry; docs/deploy.md, Access control) "
        "and for the app an `oidc:` section with SPINSCOPE_APP_SECRETS, or pass --insecure"
    )


def _missing_auth(config: object, api: bool, ingest: bool, ui: bool) -> list[str]:
    from spinscope.access import AccessPolicy

    authenticator = AccessPolicy(config).authenticator()  # type: ignore[arg-type]
    missing = []
    if api and not authenticator.protects("viewer"):
        missing.append("the JSON API and /metrics (viewer/operator tokens)")
    if ingest and not authenticator.protects("ingest"):
        missing.append("the OTLP receivers (an ingest token)")
    if ui and (config.get().auth.oidc is None or not resolve("app_secrets")):  # type: ignore[attr-defined]
        missing.append("the app (oidc single sign-on)")
    return missing


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="Run the receivers, the API (and the app) on the store.")
    _listen_args(serve)
    serve.add_argument("--no-ui", action="store_true", help="Do not start the Streamlit app.")
    serve.add_argument(
        "--no-alerts",
        action="store_true",
        help="Do not evaluate alert rules (when `spinscope alerts run` does it for this database).",
    )
    serve.add_argument("--ui-port", type=int, help=HELP["ui_port"] + " Env: SPINSCOPE_UI_PORT.")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="Load demo history into an empty store, then send live simulated traffic to itself.",
    )
    serve.add_argument(
        "--demo-spins-per-day",
        type=int,
        default=300_000,
        help="Demo history size (default 300,000 spins a day: a week loads in well under a minute).",
    )
    serve.set_defaults(handler=cmd_serve)

    ingest = sub.add_parser("ingest", help="Run the OTLP receivers only (e.g. in front of a ClickHouse server).")
    _listen_args(ingest)
    ingest.set_defaults(handler=cmd_serve)

    app = sub.add_parser("app", help="The Streamlit app alone, against a ClickHouse server (read-only user).")
    add_store_args(app)
    add_config_arg(app)
    app.add_argument("--host", help=HELP["host"])
    app.add_argument("--ui-port", type=int, help=HELP["ui_port"] + " Env: SPINSCOPE_UI_PORT.")
    _insecure_arg(app)
    app.set_defaults(handler=cmd_app)

    api = sub.add_parser("api", help="The JSON API alone (/api/v1/*, /healthz), e.g. as the read-only user.")
    add_store_args(api)
    add_config_arg(api)
    api.add_argument("--host", help=HELP["host"])
    api.add_argument("--api-port", type=int, help=HELP["api_port"] + " Env: SPINSCOPE_API_PORT.")
    _insecure_arg(api)
    api.set_defaults(handler=cmd_api)

    db = sub.add_parser("db", help="Store administration.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="SUBCOMMAND")
    migrate_help = (
        "Create or upgrade the schema (idempotent). Upgrades that drop and re-create a view need "
        "ingest paused (--ingest-paused); others run live."
    )
    migrate = db_sub.add_parser("migrate", help=migrate_help, description=migrate_help)
    add_store_args(migrate)
    add_config_arg(migrate)
    migrate.add_argument("--cluster", help=HELP["cluster"])
    migrate.add_argument(
        "--ingest-paused",
        action="store_true",
        help="Confirm the Collector and `spinscope ingest` are stopped: required to apply a "
        "migration that drops a view (rows inserted before its successor exists would "
        "be lost) to a database already in use.",
    )
    migrate.add_argument(
        "--print", dest="print_only", action="store_true", help="Print the DDL instead of running it (no store needed)."
    )
    migrate.set_defaults(handler=cmd_migrate)
    check_help = (
        "Compare each minute rollup with its typed table (spins FINAL, child_spans FINAL) per hour; exits 1 when "
        "a rollup counts more than the table holds (duplicates that passed a gate, e.g. a retry across replicas)."
    )
    check = db_sub.add_parser("check-rollups", help=check_help, description=check_help)
    add_store_args(check)
    check.add_argument("--from", dest="start", help="Start, ISO 8601 UTC (default: yesterday 00:00).")
    check.add_argument("--to", dest="end", help="End, exclusive (default: today 00:00, so the hours have settled).")
    check.set_defaults(handler=cmd_check_rollups)
    query = db_sub.add_parser("query", help="Run one read-only SQL query on the store and print JSON rows.")
    add_store_args(query)
    query.add_argument("sql", help='The query, e.g. "SELECT count() FROM spins".')
    query.set_defaults(handler=cmd_query)


def cmd_migrate(args: argparse.Namespace) -> int:
    from spinscope.cli.options import config_of
    from spinscope.schema.migrate import migrate, render_all

    opts = render_options(args)
    if args.print_only:
        print(";\n\n".join(render_all(opts)) + ";")
        return 0
    currencies = config_of(args).currencies  # fail on an invalid config folder before touching the store
    store = open_args(args)
    try:
        applied = migrate(store.client(), opts, ingest_paused=args.ingest_paused, currencies=currencies)
        print(f"spinscope: schema up to date ({len(applied)} migration(s) applied)")
    finally:
        store.close()
    return 0


def cmd_check_rollups(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from spinscope.params import parse_time
    from spinscope.queries.loader import run

    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = parse_time(args.end, "--to") if args.end else today
    start = parse_time(args.start, "--from") if args.start else end - timedelta(days=1)
    store = open_args(args)
    try:
        rows = run(store.client(), "ops/ops_rollup_check", start=start, end=end)
    finally:
        store.close()
    off = [r for r in rows if r["excess"] != 0]
    for row in off:
        print(json.dumps(row, default=str))
    counted = {r["rollup"]: sum(x["stored"] for x in rows if x["rollup"] == r["rollup"]) for r in rows}
    summary = ", ".join(f"{name}: {n:,} stored" for name, n in sorted(counted.items())) or "no data"
    print(
        f"spinscope: {len(off)} hour(s) where a rollup disagrees with its table, {start:%Y-%m-%d %H:%M} to "
        f"{end:%Y-%m-%d %H:%M} UTC ({summary})"
    )
    return 1 if off else 0


def cmd_query(args: argparse.Namespace) -> int:
    store = open_args(args)
    try:
        result = store.reader().query(args.sql)  # read-only, with the read limits
        for row in result.named_results():
            print(json.dumps(row, default=str))
    finally:
        store.close()
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from spinscope.cli.options import config_of
    from spinscope.ui import serve_app

    dsn = store_dsn(args)
    if dsn.startswith("chdb:"):
        raise StoreError(
            "`spinscope app` alone needs a ClickHouse server (--store http://...); on the embedded "
            "store the app runs inside `spinscope serve`"
        )
    from spinscope.configuration import LiveConfig

    live = LiveConfig(config_of(args))  # fail now, in one line, on an invalid config folder
    host = resolve("host", args.host)
    refuse_open_listen(host, _missing_auth(live, False, False, True), args.insecure, live.get().directory)
    return serve_app(dsn, resolve("host", args.host), resolve("ui_port", args.ui_port), resolve("config", args.config))


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    from spinscope.configuration import LiveConfig
    from spinscope.server import build_api_app

    config = LiveConfig.load(resolve("config", args.config))
    host, port = resolve("host", args.host), resolve("api_port", args.api_port)
    refuse_open_listen(host, _missing_auth(config, True, False, False), args.insecure, config.get().directory)
    store = open_args(args)
    try:
        print(f"spinscope: the JSON API on http://{host}:{port} (/api/v1/*, /healthz)", flush=True)
        uvicorn.run(build_api_app(store, config), host=host, port=port, log_level="warning", access_log=False)
    finally:
        store.close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from spinscope.configuration import LiveConfig
    from spinscope.schema.migrate import migrate
    from spinscope.server import ServeOptions, serve

    # Until serve() installs its own handlers (stop cleanly), SIGTERM is Ctrl-C: the store
    # opened below is closed on the way out, and the exit is quiet (130).
    signal.signal(signal.SIGTERM, _interrupt)

    config = LiveConfig.load(resolve("config", args.config))
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
        api=args.command != "ingest",
    )
    ui_port = None if getattr(args, "no_ui", False) or args.command == "ingest" else resolve("ui_port", args.ui_port)
    missing = _missing_auth(config, opts.api, True, ui_port is not None)
    refuse_open_listen(opts.host, missing, args.insecure, config.get().directory)
    store = open_args(args)
    try:
        migrate(
            store.client(),
            render_options(args),
            log=lambda line: print(f"spinscope: {line}"),
            currencies=config.get().currencies,
        )
    except BaseException:
        store.close()
        raise
    print(f"spinscope: store {store.dsn} (database {store.database})", flush=True)
    background = []
    if args.command == "serve" and not getattr(args, "no_alerts", False):
        from spinscope.alerts.evaluator import alert_job

        background.append(alert_job(store, config.get))
    if getattr(args, "demo", False):
        from spinscope.sim.demo import serve_demo_job

        endpoint = f"http://{'127.0.0.1' if opts.host in ('0.0.0.0', '::') else opts.host}:{opts.otlp_http_port}"
        background.append(
            serve_demo_job(
                store,
                endpoint,
                spins_per_day=args.demo_spins_per_day,
                token=opts.token,
                log=lambda line: print(line, flush=True),
            )
        )
    serve(store, opts, config, background=background, ui_port=ui_port)
    return 0
