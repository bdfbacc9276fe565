"""`math verify`: the game-math gate a studio's CI runs on a par sheet (exit 1 when it fails)."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from spinscope.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    from spinscope.gamemath.compare import Thresholds
    from spinscope.gamemath.verify import DEFAULT_CONFIDENCE, DEFAULT_ENUMERATE_LIMIT, DEFAULT_ROUNDS, DEFAULT_SEED

    defaults = Thresholds()
    family = sub.add_parser("math", help="Game math: verify a par sheet's figures (a CI gate).")
    math_sub = family.add_subparsers(dest="math_command", required=True, metavar="SUBCOMMAND")
    verify = math_sub.add_parser(
        "verify",
        help="Exact figures by enumeration, a seeded Monte Carlo, the declared figures judged; exit 1 on failure.",
    )
    verify.add_argument("parsheet", metavar="GAME.yaml", help="The par sheet to verify.")
    verify.add_argument(
        "--rounds", type=int, default=DEFAULT_ROUNDS, help=f"Monte Carlo rounds (default {DEFAULT_ROUNDS:,}; 0: none)."
    )
    verify.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Monte Carlo seed (default {DEFAULT_SEED}).")
    verify.add_argument(
        "--confidence", type=float, default=DEFAULT_CONFIDENCE, help="Interval confidence (default 0.999)."
    )
    verify.add_argument(
        "--enumerate-limit",
        type=int,
        default=DEFAULT_ENUMERATE_LIMIT,
        help=f"Largest reel-stop space enumerated exactly (default {DEFAULT_ENUMERATE_LIMIT:,}).",
    )
    verify.add_argument("--against", metavar="OLD.yaml", help="The previous version's par sheet: report what changed.")
    verify.add_argument("--max-rtp-shift", default=str(defaults.rtp_shift), help="With --against (default 0.001).")
    verify.add_argument(
        "--max-std-dev-change", default=str(defaults.std_dev_change), help="Relative, with --against (default 0.05)."
    )
    verify.add_argument(
        "--max-hit-frequency-shift", default=str(defaults.hit_frequency_shift), help="With --against (default 0.01)."
    )
    output = verify.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON out.")
    output.add_argument("--markdown", action="store_true", help="Markdown out, ready to post as a PR comment.")
    verify.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    from spinscope.gamemath.compare import Thresholds, compare
    from spinscope.gamemath.report import to_json, to_markdown, to_text
    from spinscope.gamemath.verify import verify_parsheet
    from spinscope.sim.games.parsheet import load_parsheet

    options = {"rounds": args.rounds, "seed": args.seed, "confidence": args.confidence}
    options["enumerate_limit"] = args.enumerate_limit
    if args.rounds < 0:
        raise UserError(f"--rounds {args.rounds}: give 0 (no Monte Carlo) or more rounds")
    thresholds = Thresholds(
        _threshold(args.max_rtp_shift, "--max-rtp-shift"),
        _threshold(args.max_std_dev_change, "--max-std-dev-change"),
        _threshold(args.max_hit_frequency_shift, "--max-hit-frequency-shift"),
    )
    result = verify_parsheet(load_parsheet(args.parsheet), **options)
    comparison = None
    if args.against:
        comparison = compare(verify_parsheet(load_parsheet(args.against), **options), result, thresholds)
    render = to_json if args.json else to_markdown if args.markdown else to_text
    print(render(result, comparison), end="" if not args.json else "\n")
    return 0 if result.passed and (comparison is None or comparison.passed) else 1


def _threshold(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UserError(f"{option} {text!r}: not a decimal number; write e.g. 0.001") from None
    if not value.is_finite() or value < 0:
        raise UserError(f"{option} {text!r}: must be a number >= 0")
    return value
