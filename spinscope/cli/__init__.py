"""The `spinscope` command line: one module per command family, and the one place errors become exit codes.

A `UserError` (spinscope.errors) is printed in one line and exits 2; an operating-system error
(a missing file, a port in use) likewise; anything else is a bug: its traceback is printed and
the exit code is 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from spinscope import __version__
from spinscope.cli import alerts, auth, export, math, reads, serve, sim
from spinscope.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spinscope", description="Observability and KPI analytics for slot servers.")
    parser.add_argument("--version", action="version", version=f"spinscope {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for family in (serve, reads, export, sim, math, alerts, auth):
        family.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Store errors are reported once, by us, in one line; the driver's own logging would repeat them.
    logging.getLogger("clickhouse_connect").setLevel(logging.CRITICAL)
    try:
        return int(args.handler(args))
    except UserError as exc:
        print(f"spinscope: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"spinscope: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from spinscope.db import limit_error

        limited = limit_error(exc)
        if limited is None:
            raise
        print(f"spinscope: {limited}", file=sys.stderr)
        return 2
