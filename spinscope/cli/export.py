"""`export weekly`, `export rtp-compliance` and `archive trend`: the weekly KPI report, the RTP compliance
report, and the DuckDB archive that outlives raw data."""

from __future__ import annotations

import argparse

from spinscope import jsonout, textout
from spinscope.cli.options import HELP, add_config_arg, add_store_args, config_of, open_args
from spinscope.settings import resolve


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="Reports.")
    export_sub = export.add_subparsers(dest="export_command", required=True, metavar="SUBCOMMAND")
    weekly = export_sub.add_parser("weekly", help="The weekly KPI report (xlsx, csv, parquet, html); archive upsert.")
    add_store_args(weekly)
    add_config_arg(weekly)
    weekly.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: the last complete week, UTC).")
    weekly.add_argument("--out", default="./exports", help="Output folder (default ./exports).")
    weekly.add_argument("--format", default="xlsx,csv,parquet,html", help="Any of xlsx,csv,parquet,html.")
    weekly.add_argument("--archive", help=HELP["archive"] + " Env: SPINSCOPE_ARCHIVE.")
    weekly.set_defaults(handler=cmd_export)

    compliance = export_sub.add_parser(
        "rtp-compliance",
        help="Actual vs theoretical RTP per game version, daily over a rolling window (csv, xlsx, pdf, html).",
    )
    add_store_args(compliance)
    add_config_arg(compliance)
    compliance.add_argument("--from", dest="first", help="First day, YYYY-MM-DD (default: 6 days before --to).")
    compliance.add_argument(
        "--to", dest="last", help="Last day, YYYY-MM-DD (default: yesterday, the last complete UTC day)."
    )
    compliance.add_argument("--out", default="./exports", help="Output folder (default ./exports).")
    compliance.add_argument("--format", default="csv,xlsx,pdf", help="Any of csv,xlsx,pdf,html (default csv,xlsx,pdf).")
    compliance.add_argument(
        "--environment", default="", help="Only spins of this deployment environment (default: all)."
    )
    compliance.set_defaults(handler=cmd_compliance)

    archive = sub.add_parser("archive", help="The long-term KPI archive (DuckDB).")
    archive_sub = archive.add_subparsers(dest="archive_command", required=True, metavar="SUBCOMMAND")
    trend = archive_sub.add_parser("trend", help="Weekly KPI trend per currency from the archive.")
    trend.add_argument("--weeks", type=int, default=12)
    trend.add_argument("--out", default="./exports", help="The export folder holding kpi_archive.duckdb.")
    trend.add_argument("--archive", help=HELP["archive"] + " Env: SPINSCOPE_ARCHIVE.")
    trend.add_argument("--json", action="store_true")
    trend.set_defaults(handler=cmd_archive)


def cmd_export(args: argparse.Namespace) -> int:
    from spinscope.export import export_weekly
    from spinscope.progress import ProgressBar

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    config = config_of(args)
    store = open_args(args)
    try:
        bar = ProgressBar(f"export {args.week or 'last week'}")
        try:
            result = export_weekly(
                store.reader(), args.week, args.out, config, formats, resolve("archive", args.archive), progress=bar
            )
        finally:
            bar.finish()
        _audit_export(store, f"weekly {result.iso_week} {','.join(formats)} to {args.out}")
    finally:
        store.close()
    print(jsonout.dumps(result.to_json(), indent=2))
    return 0


def cmd_compliance(args: argparse.Namespace) -> int:
    from spinscope.export.compliance_render import export_compliance, parse_formats
    from spinscope.progress import ProgressBar

    formats = parse_formats(args.format)  # a bad --format is refused before the store is opened
    config = config_of(args)
    store = open_args(args)
    try:
        bar = ProgressBar("rtp-compliance")
        try:
            result = export_compliance(
                store.client(), args.first, args.last, args.out, config, formats, args.environment, progress=bar
            )
        finally:
            bar.finish()
    finally:
        store.close()
    print(jsonout.dumps(result.to_json(), indent=2))
    return 0


def _audit_export(store: object, what: str) -> None:
    """Exports are audited (spinscope.audit): who is the operating-system user, where this host."""
    import getpass
    import socket

    from spinscope.audit import EXPORT, record

    record(store, getpass.getuser(), EXPORT, what, f"cli@{socket.gethostname()}")


def cmd_archive(args: argparse.Namespace) -> int:
    from spinscope.export import archive_location, archive_trend

    rows = archive_trend(archive_location(args.out, resolve("archive", args.archive)), args.weeks)
    if args.json:
        print(jsonout.dumps(rows, indent=2))
    else:
        print(textout.table(rows, list(rows[0])) if rows else "the archive holds no weeks yet")
    return 0
