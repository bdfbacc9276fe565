"""False-alarm control across many streams (game × version × ...): Holm for pages, BH for tickets.

Watching hundreds of streams at a per-stream α = 0.05 guarantees alarms on healthy games.
A `drift` (it pages someone) must control the family-wise error rate — Holm's step-down,
uniformly more powerful than Bonferroni under any dependence. A `watch` (a ticket, a row on
the dashboard) may control the false-discovery rate instead — Benjamini–Hochberg, valid for
independent or positively dependent tests, which streams of different games are. Every
decision records the procedure that made it, so the JSON says which guarantee it carries.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from spinscope.jsonout import plain
from spinscope.rtp.stats import RtpSummary

StreamState = Literal["drift", "watch", "ok", "no_reference", "no_data"]
Control = Literal["holm", "bh"]


def _check(p_values: Sequence[float], level: float, name: str) -> None:
    if not 0 < level < 1:
        raise ValueError(f"{name}={level}: choose a level strictly between 0 and 1, e.g. 0.05")
    bad = [p for p in p_values if not 0 <= p <= 1]
    if bad:
        raise ValueError(f"p-values must lie in [0, 1]; got {bad[:3]}")


def holm(p_values: Sequence[float], alpha: float) -> tuple[list[bool], list[float]]:
    """Holm step-down: (reject, adjusted p) in input order; rejects where adjusted p <= α.

    Adjusted p_(i) = max_{j<=i} min(1, (m − j + 1)·p_(j)) over the sorted p-values.
    """
    _check(p_values, alpha, "alpha")
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return [a <= alpha for a in adjusted], adjusted


def benjamini_hochberg(p_values: Sequence[float], q: float) -> tuple[list[bool], list[float]]:
    """Benjamini–Hochberg step-up: (reject, adjusted q-value) in input order; rejects where q-value <= q.

    q-value of p_(i) = min_{j>=i} min(1, m·p_(j)/j): rejecting every q-value <= q is the same as
    rejecting the k smallest with k = max{i : p_(i) <= i·q/m}.
    """
    _check(p_values, q, "q")
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        # p·(m/(rank+1)), not m·p/(rank+1): at rank m−1 the factor is exactly 1, so the largest
        # p-value is its own q-value, as in Holm, with no rounding to push it past the level.
        running = min(running, min(1.0, p_values[i] * (m / (rank + 1))))
        adjusted[i] = running
    return [a <= q for a in adjusted], adjusted


@dataclass(frozen=True)
class StreamTest:
    """One stream's test: its key, two-sided p-value (None: not tested) and why it was not tested."""

    key: Hashable
    p_value: float | None
    z: float | None = None
    untested: Literal["no_reference", "no_data"] | None = None

    @classmethod
    def from_summary(cls, key: Hashable, summary: RtpSummary) -> StreamTest:
        """From a fixed-window `rtp_summary`; no-reference and no-data streams stay untested."""
        if summary.state in ("no_reference", "no_data"):
            return cls(key, None, None, summary.state)
        return cls(key, summary.p_value, summary.z_score)


@dataclass(frozen=True)
class StreamDecision:
    """State of one stream after family-wise (Holm, α) and false-discovery (BH, q) control."""

    key: Hashable
    state: StreamState
    control: Control | None  # the procedure that decided: holm for drift, bh for watch and ok
    p_value: float | None
    holm_adjusted: float | None
    bh_adjusted: float | None
    direction: Literal["over", "under"] | None
    tested: int  # m: streams in the family
    alpha: float
    q: float

    def to_json(self) -> dict[str, Any]:
        return plain(self)


def classify(streams: Iterable[StreamTest], alpha: float = 0.05, q: float = 0.10) -> list[StreamDecision]:
    """drift where Holm rejects at α, else watch where BH rejects at q, else ok; input order kept.

    Untested streams (no reference, no data) are reported as such and not counted in m.
    """
    streams = list(streams)
    tested = [s for s in streams if s.p_value is not None]
    p = [float(s.p_value) for s in tested]  # type: ignore[arg-type]
    holm_reject, holm_adj = holm(p, alpha) if p else ([], [])
    bh_reject, bh_adj = benjamini_hochberg(p, q) if p else ([], [])
    by_id = {id(s): i for i, s in enumerate(tested)}
    decisions = []
    for s in streams:
        if s.p_value is None:
            decisions.append(
                StreamDecision(s.key, s.untested or "no_data", None, None, None, None, None, len(tested), alpha, q)
            )
            continue
        i = by_id[id(s)]
        state: StreamState = "drift" if holm_reject[i] else "watch" if bh_reject[i] else "ok"
        direction: Literal["over", "under"] | None = None if s.z is None or s.z == 0 else "over" if s.z > 0 else "under"
        decisions.append(
            StreamDecision(
                s.key,
                state,
                "holm" if state == "drift" else "bh",
                s.p_value,
                holm_adj[i],
                bh_adj[i],
                direction,
                len(tested),
                alpha,
                q,
            )
        )
    return decisions
