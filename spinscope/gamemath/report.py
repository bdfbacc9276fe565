"""The gate's report in three forms: Markdown for a pull-request comment, plain text, and JSON.

Deterministic: nothing time- or machine-dependent is printed, so the same seed gives the same bytes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from spinscope import jsonout
from spinscope.gamemath.compare import Comparison
from spinscope.gamemath.verify import Verification, format_figure

_LABEL = {"rtp": "RTP", "std_dev": "std dev", "hit_frequency": "hit frequency", "version": "version"}
_PLACES_ORDER = ("rtp", "std_dev", "hit_frequency")
_MARK = {"pass": "✅ pass", "fail": "❌ fail", "exceeds": "❌ exceeds", "advisory fail": "⚠️ advisory fail"}


def document(result: Verification, comparison: Comparison | None) -> dict[str, Any]:
    """The JSON document: the verification, the comparison, and whether the gate passed."""
    exact = result.exact
    return {
        "passed": result.passed and (comparison is None or comparison.passed),
        "exact_figures": None if exact is None else {n: format_figure(exact.figure(n), n) for n in _PLACES_ORDER},
        "verification": result,
        "comparison": comparison,
    }


def to_json(result: Verification, comparison: Comparison | None) -> str:
    return jsonout.dumps(document(result, comparison), indent=2)


def to_markdown(result: Verification, comparison: Comparison | None) -> str:
    passed = result.passed and (comparison is None or comparison.passed)
    out = [f"### {'✅' if passed else '❌'} Game math: {result.name} `{result.id}` {result.version}", ""]
    out.append(f"Par sheet `{result.source}`. {_verdict(result, comparison)}")
    out += ["", "| figure | exact | Monte Carlo (interval) | declared |", "| --- | --- | --- | --- |"]
    declared = {c.figure: c for c in result.checks if c.kind == "declared"}
    for name in ("rtp", "std_dev", "hit_frequency"):
        exact = format_figure(result.exact.figure(name), name) if result.exact else "—"
        out.append(f"| {_LABEL[name]} | {exact} | {_mc(result, name)} | {_cell(declared[name])} |")
    out += ["", _method(result), "", "| check | expected | observed | result |", "| --- | --- | --- | --- |"]
    for check in result.checks:
        if check.status != "not declared":
            label = f"{check.kind} {_LABEL[check.figure]}"
            out.append(f"| {label} | {check.expected} | {check.observed} | {_MARK.get(check.status, check.status)} |")
    if result.exact:
        out += ["", "Top paid-spin wins (exact):", "", "| win (x bet) | probability | 1 in |", "| --- | --- | --- |"]
        out += [f"| {_win(t.win)} | {t.probability} | {_one_in(t.probability)} |" for t in result.exact.top_wins]
    if comparison is not None:
        out += ["", *_comparison_markdown(comparison)]
    return "\n".join(out) + "\n"


def _comparison_markdown(comparison: Comparison) -> list[str]:
    out = [
        f"#### Against `{comparison.old_id}` {comparison.old_version} (`{comparison.old_source}`), {comparison.route}",
        "",
        "| figure | old | new | shift | threshold | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in comparison.changes:
        out.append(
            f"| {_LABEL[c.figure]} | {c.old} | {c.new} | {c.shift} | {c.threshold} | {_MARK.get(c.status, c.status)} |"
        )
    for check in comparison.checks:
        out += ["", f"❌ {check.observed}: {check.expected}."]
    if comparison.top_wins:
        where = "paid-spin wins, exact" if comparison.route == "exact" else "round totals, observed share"
        out += [
            "",
            f"Top wins ({where}; — = not among the top):",
            "",
            "| win (x bet) | old | new |",
            "| --- | --- | --- |",
        ]
        for row in comparison.top_wins:
            out.append(f"| {_win(row.win)} | {_prob(row.old)} | {_prob(row.new)} |")
    return out


def to_text(result: Verification, comparison: Comparison | None) -> str:
    """The Markdown for a terminal or a CI log: headings bare, tables as aligned columns."""
    out: list[str] = []
    table: list[list[str]] = []
    for line in [*to_markdown(result, comparison).splitlines(), ""]:
        if line.startswith("|"):
            if not line.startswith("| ---"):
                table.append([cell.strip() for cell in line.strip("|").split(" | ")])
            continue
        if table:
            widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
            out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table]
            table = []
        out.append(line.lstrip("#").strip().replace("**", "").replace("`", ""))
    return "\n".join(out).rstrip("\n") + "\n"


def _verdict(result: Verification, comparison: Comparison | None) -> str:
    failed = [c for c in result.checks if c.failed] + list(comparison.checks if comparison else ())
    exceeded = [c for c in comparison.changes if c.status == "exceeds"] if comparison else []
    if not failed and not exceeded:
        return "Every declared figure holds" + (" and every change is within its threshold." if comparison else ".")
    parts = [f"{c.kind} {_LABEL[c.figure]} fails" for c in failed]
    parts += [f"{_LABEL[c.figure]} shift {c.shift} exceeds {c.threshold}" for c in exceeded]
    return "**Gate fails:** " + "; ".join(parts) + "."


def _method(result: Verification) -> str:
    if result.exact:
        exact = f"Exact: enumeration of {result.exact.stops:,} reel-stop combinations"
        if result.exact.wheel_weights > 1:
            exact += f" x {result.exact.wheel_weights:,} bonus-wheel weights"
        if result.exact.free_spins_per_round:
            exact += f", free spins per round {format_figure(result.exact.free_spins_per_round, 'rtp')}"
    else:
        exact = f"No enumeration: {result.exact_skipped}"
    mc = result.monte_carlo
    if mc is None:
        return exact + "; no Monte Carlo (--rounds 0)."
    return (
        f"{exact}. Monte Carlo: {mc.rounds:,} rounds ({mc.spins:,} spins) of real reel draws, seed {mc.seed}, "
        f"{mc.confidence * 100:g} % intervals."
    )


def _mc(result: Verification, name: str) -> str:
    mc = result.monte_carlo
    if mc is None:
        return "—"
    i = mc.figure(name)
    return f"{i.estimate:.6f} [{i.low:.6f}, {i.high:.6f}]"


def _cell(check: Any) -> str:
    return "—" if check.status == "not declared" else check.expected


def _win(win: Fraction) -> str:
    return str(win) if win.denominator == 1 else f"{float(win):.4f}".rstrip("0")


def _one_in(p: Fraction) -> str:
    return f"{float(1 / p):,.0f}" if p else "—"


def _prob(p: Fraction | None) -> str:
    return "—" if p is None else f"{float(p):.3g} (1 in {_one_in(p)})"
