"""`spinscope alerts`: list alerts (the `alerts` endpoint), run the evaluator, manage silences."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from spinscope import jsonout
from spinscope.cli.options import (
    add_config_arg,
    add_endpoint_args,
    add_store_args,
    ask,
    config_of,
    open_args,
    print_payload,
)
from spinscope.endpoints import ENDPOINTS
from spinscope.params import parse_time


def register(sub: argparse._SubParsersAction) -> None:
    alerts = sub.add_parser("alerts", help="Alerts: list them, run the evaluator, silence them.")
    alerts_sub = alerts.add_subparsers(dest="alerts_command", required=True, metavar="SUBCOMMAND")

    listing = alerts_sub.add_parser("list", help="Alerts firing, pending or recently resolved (GET /api/v1/alerts).")
    add_store_args(listing)
    add_config_arg(listing)
    add_endpoint_args(listing, ENDPOINTS["alerts"])
    listing.set_defaults(handler=lambda args: _list(args))

    run = alerts_sub.add_parser(
        "run",
        help="Evaluate alert rules every minute and notify (for a server deployment; `serve` does it itself).",
    )
    add_store_args(run)
    add_config_arg(run)
    run.add_argument("--once", action="store_true", help="One round, then exit (cron, tests).")
    run.add_argument("--at", help="With --once: evaluate at this UTC time instead of now (ISO 8601).")
    run.set_defaults(handler=cmd_run)

    silence = alerts_sub.add_parser("silence", help="Stop notifications for matching alerts for a while.")
    silence_sub = silence.add_subparsers(dest="silence_command", required=True, metavar="ACTION")
    add = silence_sub.add_parser("add", help="Create a silence (or a maintenance window).")
    add_store_args(add)
    add.add_argument("--match", action="append", default=[], metavar="LABEL=VALUE", help="Matcher (repeatable).")
    add.add_argument("--start", help="Start, UTC ISO 8601 (default: now).")
    add.add_argument("--duration", default="2h", help="How long, e.g. 30m, 2h, 1d (default 2h).")
    add.add_argument("--author", required=True, help="Who creates it (shown with the silence).")
    add.add_argument("--comment", required=True, help="Why (shown with the silence).")
    add.add_argument("--maintenance", action="store_true", help="Mark it a maintenance window.")
    add.add_argument(
        "--exclude-budget",
        action="store_true",
        help="A maintenance window whose minutes the matching SLOs leave out of their error budgets.",
    )
    add.set_defaults(handler=cmd_silence_add)
    ls = silence_sub.add_parser("list", help="Silences in force or to come, with who created them.")
    add_store_args(ls)
    add_config_arg(ls)
    ls.add_argument("--json", action="store_true", help="Print JSON.")
    ls.set_defaults(handler=cmd_silence_list)
    expire = silence_sub.add_parser("expire", help="End a silence now.")
    add_store_args(expire)
    expire.add_argument("silence_id")
    expire.set_defaults(handler=cmd_silence_expire)


def _list(args: argparse.Namespace) -> int:
    payload = ask(args, "alerts")
    print_payload(args, payload, "alerts", "no alerts")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from spinscope.alerts.evaluator import Evaluator, alert_job
    from spinscope.configuration import LiveConfig

    live = LiveConfig(config_of(args))
    store = open_args(args)
    try:
        if not store.client().command("EXISTS TABLE alert_events"):
            from spinscope.db import StoreError

            raise StoreError(
                f"{store.database} has no alert_events table: run `spinscope db migrate` on this store first"
            )
        if args.once:
            at = parse_time(args.at, "--at") if args.at else datetime.now(UTC)
            from spinscope.alerts import store as alert_store
            from spinscope.alerts.lease import Lease
            from spinscope.alerts.notify import Notifier

            client = store.client()
            lease = Lease(client)
            if not lease.hold():
                holder = lease.other.holder if lease.other else "?"
                print(
                    f"spinscope: another alert evaluator ({holder}) holds the lease of {store.database}: not evaluating"
                )
                return 0
            notifier = Notifier(
                live.get().alerting, recorder=lambda a, r, when: alert_store.record_delivery(client, a, r, when)
            )
            try:
                events = Evaluator(client, live.get, notifier, now=at).run_once(at)
                notifier.drain(timeout=30)
            finally:
                notifier.stop()
                lease.release()
            for event in events:
                print(
                    f"{event.at:%Y-%m-%dT%H:%MZ} {event.state:9} {event.severity:6} {event.alertname} {event.summary}"
                )
            return 0
        import signal

        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        print("spinscope: evaluating alert rules every interval (Ctrl-C to stop)", flush=True)
        alert_job(store, live.get)(stop)
    finally:
        store.close()
    return 0


def _duration(text: str) -> timedelta:
    from spinscope.alerts.config import _DURATION, _UNIT_S
    from spinscope.alerts.silences import SilenceError

    match = _DURATION.match(text.strip())
    if not match:
        raise SilenceError(f"--duration {text!r} is not a duration; write e.g. 30m, 2h or 1d")
    return timedelta(seconds=int(match.group(1)) * _UNIT_S[match.group(2)])


def _write(
    args: argparse.Namespace,
    local: Callable[[Any], Any],
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
) -> Any:
    """Run `local(client)` on the store, or ask the running `serve` that holds the embedded store."""
    from spinscope.db import StoreError, StoreLocked

    try:
        store = open_args(args)
    except StoreLocked as exc:
        api = exc.holder.get("api")
        if not api:
            raise
        import httpx

        from spinscope.settings import resolve

        token = resolve("api_token")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            reply = httpx.request(method, api + path, json=body, headers=headers, timeout=30)
            payload = reply.json()
        except (httpx.HTTPError, ValueError) as err:
            raise StoreError(f"asking the running serve at {api} failed: {err}") from None
        if reply.status_code != 200:
            raise StoreError(f"{api}{path}: {payload.get('error', reply.status_code)}") from None
        return payload
    try:
        return jsonout.plain(local(store.client()))
    finally:
        store.close()


def cmd_silence_add(args: argparse.Namespace) -> int:
    from spinscope.alerts import store as alert_store
    from spinscope.alerts.api import silence_from_json

    start = parse_time(args.start, "--start") if args.start else datetime.now(UTC)
    body = {
        "matchers": dict(parse_matchers_text(args.match)),
        "starts_at": start.isoformat(),
        "ends_at": (start + _duration(args.duration)).isoformat(),
        "created_by": args.author,
        "comment": args.comment,
        "is_maintenance": args.maintenance,
        "excludes_budget": args.exclude_budget,
    }
    fields = silence_from_json(body, datetime.now(UTC))  # checked here first, the same way serve checks it
    made = _write(args, lambda client: alert_store.create_silence(client, **fields), "POST", "/api/v1/silences", body)
    print(f"spinscope: silence {made['silence_id']} until {fields['ends_at']:%Y-%m-%dT%H:%MZ}")
    return 0


def parse_matchers_text(items: list[str]) -> dict[str, str]:
    from spinscope.alerts.silences import parse_matchers

    return parse_matchers(items)


def cmd_silence_list(args: argparse.Namespace) -> int:
    from spinscope import textout

    args.state, args.since = "open", None
    rows = ask(args, "alerts")["silences"]
    if args.json:
        print(jsonout.dumps({"silences": rows}, indent=2))
        return 0
    flat = [{**r, "matchers": ",".join(f"{k}={v}" for k, v in sorted(r["matchers"].items()))} for r in rows]
    columns = [
        "silence_id",
        "matchers",
        "starts_at",
        "ends_at",
        "created_by",
        "comment",
        "is_maintenance",
        "excludes_budget",
    ]
    print(textout.table(flat, columns) if flat else "no silences")
    return 0


def cmd_silence_expire(args: argparse.Namespace) -> int:
    from spinscope.alerts import store as alert_store
    from spinscope.alerts.silences import SilenceError

    def local(client):  # type: ignore[no-untyped-def]
        if not alert_store.expire_silence(client, args.silence_id):
            raise SilenceError(f"no silence {args.silence_id!r}; `spinscope alerts silence list` shows them")
        return {"silence_id": args.silence_id}

    _write(args, local, "DELETE", f"/api/v1/silences/{args.silence_id}")
    print(f"spinscope: silence {args.silence_id} expired")
    return 0
