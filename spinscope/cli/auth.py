"""`spinscope auth token`: mint an API token and print the digest spinscope stores for it.

The token is shown once, to hand to the client (Grafana, a CI job, the Collector); the config
folder's auth.yaml (or SPINSCOPE_<ROLE>_TOKEN_SHA256) keeps only its SHA-256 digest.
"""

from __future__ import annotations

import argparse

from spinscope.auth import ENV_DIGESTS, ROLES, digest, new_token


def register(sub: argparse._SubParsersAction) -> None:
    auth = sub.add_parser("auth", help="Access control: mint API tokens for the viewer, operator and ingest roles.")
    auth_sub = auth.add_subparsers(dest="auth_command", required=True, metavar="SUBCOMMAND")
    token = auth_sub.add_parser("token", help="Print a new random token and the auth.yaml entry holding its digest.")
    token.add_argument("--role", required=True, choices=ROLES, help="What the token may do.")
    token.add_argument("--name", help="Who holds it, as the audit log will name it (default: ROLE-token).")
    token.set_defaults(handler=cmd_token)


def cmd_token(args: argparse.Namespace) -> int:
    secret = new_token()
    name = args.name or f"{args.role}-token"
    print(f"token (give it to the client; it is not stored anywhere): {secret}")
    print("auth.yaml entry (in the config folder, under `tokens:`):")
    print(f"  - {{name: {name}, role: {args.role}, sha256: {digest(secret)}}}")
    print(f"or in the environment: {ENV_DIGESTS[args.role]}={digest(secret)}")
    return 0
