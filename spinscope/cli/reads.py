"""The read commands `kpi`, `slo`, `rtp`, `rca`, `traces` and `trace`: each prints what its endpoint answers.

Their options are built from the endpoint's declaration (spinscope.endpoints), so a command and
its `GET /api/v1/...` route take the same parameters with the same defaults.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from spinscope import jsonout
from spinscope.cli.options import add_config_arg, add_endpoint_args, add_store_args, ask, print_payload
from spinscope.endpoints import ENDPOINTS


def _read_parser(sub: Any, command: str, endpoint: str, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(command, help=help_text)
    add_store_args(parser)
    add_config_arg(parser)
    add_endpoint_args(parser, ENDPOINTS[endpoint])
    return parser


def register(sub: argparse._SubParsersAction) -> None:
    _read_parser(sub, "kpi", "kpi", "KPIs per day or week, per game, version and currency.").set_defaults(
        handler=lambda args: _print(args, "kpi", "no spins in this window")
    )

    slo = sub.add_parser("slo", help="SLO status, error budgets and burn-rate alerts.")
    slo_sub = slo.add_subparsers(dest="slo_command", required=True, metavar="SUBCOMMAND")
    _read_parser(slo_sub, "status", "slo", "Every SLO's SLI, budget and alert state.").set_defaults(handler=cmd_slo)
    _read_parser(
        slo_sub, "check", "slo", "Exit 1 when any SLO pages or has exhausted its budget (for CI gates and cron)."
    ).set_defaults(handler=cmd_slo)

    rtp = sub.add_parser("rtp", help="RTP integrity: observed vs theoretical RTP, drift, sample sizes.")
    rtp_sub = rtp.add_subparsers(dest="rtp_command", required=True, metavar="SUBCOMMAND")
    _read_parser(
        rtp_sub, "status", "rtp", "Each game version: observed vs theoretical RTP, band, z, state."
    ).set_defaults(handler=lambda args: _print(args, "rtp", "no spins in this window"))
    _read_parser(
        rtp_sub, "plan", "rtp_plan", "Spins needed to detect an RTP shift on a game with 80 % power."
    ).set_defaults(handler=lambda args: _print(args, "rtp_plan", "no catalogued version of this game"))

    _read_parser(
        sub, "rca", "rca", "Rank the attribute values that explain errors, latency or an RTP excess."
    ).set_defaults(handler=cmd_rca)
    _read_parser(
        sub, "traces", "traces", "Spin traces matching attribute values, errored or slowest first."
    ).set_defaults(handler=lambda args: _print(args, "traces", "no matching traces"))
    _read_parser(sub, "audit", "audit", "The audit trail: exports, silences, logins, refused tokens.").set_defaults(
        handler=lambda args: _print(args, "audit", "nothing recorded in this window")
    )
    _read_parser(sub, "trace", "trace", "One trace: its spans as a tree with timings, and its logs.").set_defaults(
        handler=cmd_trace
    )


def _print(args: argparse.Namespace, name: str, empty: str) -> int:
    print_payload(args, ask(args, name), name, empty)
    return 0


def cmd_slo(args: argparse.Namespace) -> int:
    from spinscope import textout

    payload = ask(args, "slo")
    rows = payload["slos"]
    if args.json:
        print(jsonout.dumps(payload, indent=2))
    else:
        flat = [
            {
                "slo": r["slo"],
                "group": ",".join(f"{k}={v}" for k, v in r["group"].items()) or "-",
                "target": r["target"],
                "sli": r["sli"],
                "budget_left": r["budget"]["remaining_ratio"],
                "alert": r["alert"]["state"],
                "fired_by": ",".join(r["alert"]["fired_by"]) or "-",
                "events": r["events"]["total"],
            }
            for r in rows
        ]
        print(textout.table(flat, ["slo", "group", "target", "sli", "budget_left", "alert", "fired_by", "events"]))
    if args.slo_command == "check":
        failing = [r["slo"] + (f" {r['group']}" if r["group"] else "") for r in rows if r["fails_check"]]
        if failing:
            print(f"spinscope: {len(failing)} SLO(s) failing: {'; '.join(failing)}", file=sys.stderr)
            return 1
    return 0


def cmd_rca(args: argparse.Namespace) -> int:
    from spinscope import textout

    payload = ask(args, "rca")
    if args.json:
        print(jsonout.dumps(payload, indent=2))
        return 0
    columns = (
        ["kind", "label", "spins", "excess_bets", "z", "share", "explains_alert"]
        if args.signal == "rtp"
        else ["kind", "label", "selection_ratio", "baseline_ratio", "gap", "q_value", "share"]
    )
    print(textout.table(payload["rows"][:20], columns) if payload["rows"] else payload.get("message", "nothing found"))
    if payload.get("explanation"):
        print(payload["explanation"])
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    payload = ask(args, "trace")
    if args.json:
        print(jsonout.dumps(payload, indent=2))
        return 0
    if not payload["spans"]:
        print(payload.get("message", "no such trace"))
        return 1
    children: dict[str, list[dict[str, Any]]] = {}
    for span in payload["spans"]:
        children.setdefault(span["parent_span_id"], []).append(span)
    ids = {s["span_id"] for s in payload["spans"]}

    def show(span: dict[str, Any], depth: int) -> None:
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
