"""Shaping a ranking into findings: causes, their containers, conjunctions, constants and consequences.

Pure, and the same for every signal (the signal's arithmetic lives in `spinscope.rca.measures`).
A flat ranking of attribute values misleads in four ways (issue 20), each handled here:

- **Constants** (`context`): a value held by nearly every spin of the selection and the
  baseline (or, for RTP, of the stream), or fixed by a `where` filter, explains nothing. It is
  shown as context and never ranked.
- **Nesting** (`within`, parent as `context`): when a value's spins are a subset of another's
  (a version within its game, an instance within its region — learned from the pair's counts,
  never from names), the child carries at least `MOST` of the parent's signal, and the rest of
  the parent (the siblings) is unremarkable, the child is the cause: it takes the parent's rank
  and the parent becomes its context ("in neon-fruits: slot.game.version = 2.2.0"). When the
  siblings share the signal, the parent stays first and the child is listed after it.
- **Conjunctions** (`conjunction`): among the `TOP_K` strongest single values, a pair whose
  spins hold most of each value's signal while each value without the other is unremarkable
  (a game failing in one region only) is a finding of its own, ranked above its two values and
  naming both. Pairs are only formed among the top values, so the cost is bounded by TOP_K².
- **Consequences** (`consequence`): a value under-represented in the bad spins because its
  span was never reached (the failure cut the trace short) is decided by the caller, who knows
  whether the attribute itself went missing; consequences, like every under-represented value
  (`underrepresented`: the siblings a cause pushed down), come after every over-represented one.

Row kinds, in payload order: cause | conjunction (ranked, `rank` 1..n), underrepresented,
consequence, context (`rank` None).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from spinscope.rca.measures import Z_REMARKABLE

Pair = tuple[str, str]
TOP_K = 8  # single values among which nesting and conjunctions are looked for
MOST = 0.5  # a child holding at least this share of its parent's signal can be the cause
NARROWS = 0.2  # each value of a conjunction must leave out at least this share of the other's spins
RANKED = ("cause", "conjunction")


@dataclass(eq=False)
class Finding:
    """One row being shaped: its attribute values, its measure, its payload and what was learned."""

    key: tuple[Pair, ...]
    measure: Any
    row: dict[str, Any]
    significant: bool | None = None
    kind: str = "cause"
    reason: str = ""
    within: list[Pair] = field(default_factory=list)
    rank_key: tuple[float, float] = (0.0, 0.0)
    after: Finding | None = None  # a container that must stay above this row
    share_of_parent: float | None = None
    absorbed: list[Finding] = field(default_factory=list)


def label(key: tuple[Pair, ...]) -> str:
    return " & ".join(f"{a} = {v}" for a, v in key)


def top_singles(findings: list[Finding], model: Any, k: int = TOP_K) -> list[Pair]:
    """The k strongest over-represented, non-constant single values: the pairs' search space."""
    pool = [f for f in findings if model.direction(f.measure) > 0 and not model.constant(f.measure)]
    pool.sort(key=lambda f: model.rank_key(f.measure, f.significant), reverse=True)
    return [f.key[0] for f in pool[:k]]


def _nest(child: Finding, parent: Finding, model: Any) -> tuple[str, float | None]:
    """'child' when it carries most of the parent's signal and the siblings are unremarkable;
    'parent' when the siblings share the signal (remarkable, and the child holds less than MOST);
    '' when neither (both keep their own rank)."""
    whole = model.signal(parent.measure)
    part = model.signal(child.measure)
    share = part / whole if whole and (whole > 0) == (part > 0) else None
    rest = model.rest_z(parent.measure, child.measure)
    remarkable = rest is not None and rest >= Z_REMARKABLE
    if share is not None and share >= MOST and not remarkable:
        return "child", share
    if remarkable and (share is None or share < MOST):
        return "parent", share
    return "", share


def _conjunction(a: Finding, b: Finding, both: Any, model: Any) -> bool:
    """Is the pair the locus: over-represented, holding most of each value's signal, each value alone unremarkable?

    Each value must also narrow the other by at least NARROWS (a pair with a near-constant value,
    a game and the build 93 % of the fleet runs, is the game again, not a new finding), and the
    pair must stand out more than either value.
    """
    if model.direction(both) <= 0 or model.rank_key(both)[0] < 1:
        return False
    if model.rank_key(both) <= max(a.rank_key, b.rank_key):
        return False
    for one in (a, b):
        if model.size(both) > (1 - NARROWS) * model.size(one.measure):
            return False
        whole, part = model.signal(one.measure), model.signal(both)
        if not whole or (whole > 0) != (part > 0) or part / whole < MOST:
            return False
        rest = model.rest_z(one.measure, both)
        if rest is not None and rest >= Z_REMARKABLE:
            return False
    return True


def arrange(
    findings: list[Finding],
    pairs: Mapping[frozenset[Pair], Any],
    model: Any,
    where: Mapping[str, str] | None = None,
    consequence: Callable[[Pair], bool] | None = None,
    k: int = TOP_K,
) -> tuple[list[dict[str, Any]], str]:
    """Order and label the rows; returns (rows, explanation). `pairs` holds the measure of each pair of top values."""
    for f in findings:
        f.rank_key = model.rank_key(f.measure, f.significant)
        if model.constant(f.measure):
            f.kind, f.reason = "context", "held by nearly every spin: explains nothing"
        elif model.direction(f.measure) <= 0:
            cut_short = consequence is not None and consequence(f.key[0])
            f.kind = "consequence" if cut_short else "underrepresented"
            f.reason = (
                "missing from the bad spins: their trace ended before the span that carries it"
                if cut_short
                else "less common among the bad spins"
            )
    by_key = {f.key[0]: f for f in findings}
    top = [by_key[p] for p in top_singles(findings, model, k)]
    conjunctions: list[Finding] = []
    for a, b in combinations(top, 2):
        both = pairs.get(frozenset((a.key[0], b.key[0])))
        if both is None or a.key[0][0] == b.key[0][0]:
            continue
        a_in_b, b_in_a = model.same(both, a.measure), model.same(both, b.measure)
        if a_in_b and b_in_a:
            continue  # the same spins: equivalent values, merged by the caller
        if a_in_b or b_in_a:
            child, parent = (a, b) if a_in_b else (b, a)
            verdict, share = _nest(child, parent, model)
            child.within.append(parent.key[0])
            if verdict == "child":
                child.share_of_parent = share
                parent.absorbed.append(child)
            elif verdict == "parent" and (child.after is None or parent.rank_key > child.after.rank_key):
                child.after = parent
        elif _conjunction(a, b, both, model):
            fields: dict[str, Any] = {
                "attribute": f"{a.key[0][0]} & {b.key[0][0]}",
                "value": f"{a.key[0][1]} & {b.key[0][1]}",
            }
            fields.update(model.describe(both))
            pair = Finding((a.key[0], b.key[0]), both, fields, kind="conjunction")
            pair.rank_key = max(model.rank_key(both), a.rank_key, b.rank_key)
            pair.reason = "the signal sits where both values meet; neither value explains it without the other"
            conjunctions.append(pair)
    # A parent absorbed by several children goes to the one holding most of its signal.
    for parent in findings:
        if parent.kind != "cause" or not parent.absorbed:
            continue
        child = max(parent.absorbed, key=lambda c: c.share_of_parent or 0.0)
        for other in parent.absorbed:
            if other is not child and other.after is None:
                other.after = parent
        parent.kind = "context"
        parent.reason = f"contains {label(child.key)}, which carries its signal; its other members are unremarkable"
        child.rank_key = max(child.rank_key, parent.rank_key)
    ranked = sorted(
        [f for f in findings if f.kind == "cause"] + conjunctions,
        key=lambda f: (f.rank_key, f.kind == "conjunction"),
        reverse=True,
    )
    ranked = _containers_first(ranked)
    rest = [f for kind in ("underrepresented", "consequence", "context") for f in findings if f.kind == kind]
    filters = [
        Finding(((key, value),), None, {"attribute": key, "value": value}, kind="context", reason="set by the filter")
        for key, value in (where or {}).items()
    ]
    absorbed_into: dict[int, list[Finding]] = {}
    for parent in findings:
        if parent.kind == "context" and parent.absorbed:
            absorbed_into.setdefault(id(max(parent.absorbed, key=lambda c: c.share_of_parent or 0.0)), []).append(
                parent
            )
    rows = []
    for i, f in enumerate(ranked + rest + filters):
        row = dict(f.row)
        row["kind"] = f.kind
        row["rank"] = i + 1 if f.kind in RANKED else None
        row["where"] = dict(f.key)
        row["within"] = [f"{a}={v}" for a, v in f.within]
        shown_in = [p.key[0][1] for p in absorbed_into.get(id(f), [])]
        row["label"] = (f"in {', '.join(shown_in)}: " if shown_in else "") + label(f.key)
        row["reason"] = f.reason or ("over-represented" if f.kind == "cause" else "")
        rows.append(row)
    return rows, explain(ranked, findings, where or {})


def _containers_first(ranked: list[Finding]) -> list[Finding]:
    """Move a child below its container when the siblings share the signal (the parent stays first)."""
    out = list(ranked)
    for f in ranked:
        if f.after is not None and f.after in out and out.index(f) < out.index(f.after):
            out.remove(f)
            out.insert(out.index(f.after) + 1, f)
    return out


def explain(ranked: list[Finding], findings: list[Finding], where: Mapping[str, str]) -> str:
    """One sentence (or two) saying which case the top finding is, and what was set aside."""
    if not ranked:
        text = "No attribute value is more common among the bad spins than in the baseline."
    else:
        top = ranked[0]
        if top.kind == "conjunction":
            (a, va), (b, vb) = top.key
            text = (
                f"The signal sits where {a} = {va} meets {b} = {vb}: the pair ranks first because neither "
                "value explains it without the other."
            )
        elif any(top in p.absorbed and p.kind == "context" for p in findings):
            parent = next(p for p in findings if top in p.absorbed and p.kind == "context")
            share = f"{min(top.share_of_parent, 1.0):.0%} of " if top.share_of_parent is not None else ""
            text = (
                f"{label(top.key)} carries {share}the signal of {label(parent.key)}, which contains it and whose other "
                f"members are unremarkable: it ranks first, with {label(parent.key)} as its context."
            )
        elif any(f.after is top for f in findings):
            text = (
                f"{label(top.key)} ranks first: the values it contains share its signal, so it is the cause "
                "rather than any one of them."
            )
        else:
            text = f"{label(top.key)} sets the selection apart the most."
    constants = sum(1 for f in findings if f.kind == "context" and not f.absorbed)
    consequences = sum(1 for f in findings if f.kind == "consequence")
    notes = []
    if constants or where:
        notes.append(
            f"{constants + len(where)} value(s) held by nearly every spin or fixed by the filter are shown as context"
        )
    if consequences:
        notes.append(
            f"{consequences} value(s) missing from the bad spins because their trace ended early are "
            "consequences, not causes"
        )
    return text + (" " + "; ".join(notes) + "." if notes else "")
