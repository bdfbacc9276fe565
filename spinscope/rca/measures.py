"""What a set of spins weighs as evidence, per signal: the few operations the RCA's shaping needs.

Pure. `spinscope.rca.structure` decides which findings are causes, containers, conjunctions,
constants or consequences; it does so with the same five questions for every signal, answered
here:

- `rank_key`: how strongly does this set of spins stand out (higher first)?
- `signal`: how much of the signal does it hold (additive: a child's share of its parent)?
- `rest_z`: is the rest of an outer set, without an inner one, itself remarkable (in the inner
  set's direction)? "Do the siblings share the signal?"
- `same`: do two sets hold the same spins (nesting and equivalence are learned from counts)?
- `constant`: does (nearly) every spin hold it, so it can explain nothing?

`CountModel` answers for errors and latency (spins counted in a selection and a baseline);
`ExcessModel` for RTP (excess paid over theory, in stakes, and its null variance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from spinscope.rtp.normal import two_sided_p

# A rest with z at or above this (in the signal's direction) shares the signal: about 1 in 740
# one-sided under the null, so a healthy sibling rarely keeps its container first by chance.
Z_REMARKABLE = 3.0
# A value held by at least this share of the spins of both groups is a constant, not a finding.
CONSTANT_SHARE = 0.99


@dataclass(frozen=True)
class Counts:
    """Spins of a set in the selection (bad spins) and in the baseline."""

    selection: int
    baseline: int


def proportion_z(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pooled two-proportion z of x1/n1 − x2/n2 (0 when both groups are all-or-nothing alike)."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return (x1 / n1 - x2 / n2) / se if se > 0 else 0.0


class CountModel:
    """Errors and latency: a set of spins is (selection count, baseline count) out of (n_sel, n_base)."""

    def __init__(self, n_sel: int, n_base: int, q: float = 0.05) -> None:
        if n_sel <= 0 or n_base <= 0:
            raise ValueError(f"n_sel={n_sel}, n_base={n_base}: both groups need spins")
        self.n_sel, self.n_base = n_sel, n_base

    def shares(self, m: Counts) -> tuple[float, float]:
        return m.selection / self.n_sel, m.baseline / self.n_base

    def score(self, m: Counts) -> float:
        """Gap × explained share: (p_sel − p_base)·(p_sel − p_base)/(1 − p_base), 0 when not over-represented."""
        p_sel, p_base = self.shares(m)
        gap = p_sel - p_base
        explained = min(max(gap / (1 - p_base), 0.0), 1.0) if p_base < 1 else 0.0
        return gap * explained

    def z(self, m: Counts) -> float:
        return proportion_z(m.selection, self.n_sel, m.baseline, self.n_base)

    def rank_key(self, m: Counts, significant: bool | None = None) -> tuple[float, float]:
        """(significant, score): a significant value outranks any insignificant one, as in rank_attributes."""
        sig = significant if significant is not None else self.z(m) >= Z_REMARKABLE
        return (1.0 if sig else 0.0, self.score(m))

    def direction(self, m: Counts) -> float:
        """> 0 when the set is over-represented among the bad spins."""
        p_sel, p_base = self.shares(m)
        return p_sel - p_base

    def signal(self, m: Counts) -> float:
        """Bad spins beyond what the set's baseline share predicts: x_sel − x_base·n_sel/n_base."""
        return m.selection - m.baseline * self.n_sel / self.n_base

    def rest_z(self, outer: Counts, inner: Counts) -> float | None:
        """z of outer∖inner against the spins outside `outer`: is its bad-spin rate raised too?

        Compared with the spins outside the container, not with the baseline as a whole: a
        healthy sibling of a faulty child is under-represented among the bad spins (the child
        takes their share) while its own rate is normal; only a raised rate is a shared signal.
        None when either side is empty.
        """
        a, b = outer.selection - inner.selection, outer.baseline - inner.baseline
        c, d = self.n_sel - outer.selection, self.n_base - outer.baseline
        if a + b <= 0 or c + d <= 0:
            return None
        return proportion_z(a, a + b, c, c + d)

    def same(self, a: Counts, b: Counts) -> bool:
        return a == b

    def size(self, m: Counts) -> int:
        return m.selection + m.baseline

    def constant(self, m: Counts) -> bool:
        p_sel, p_base = self.shares(m)
        return min(p_sel, p_base) >= CONSTANT_SHARE

    def describe(self, m: Counts) -> dict[str, float | int | bool | None]:
        """The row fields rank_attributes gives a single value, for a conjunction."""
        p_sel, p_base = self.shares(m)
        z = self.z(m)
        gap = p_sel - p_base
        return {
            "selection_count": m.selection,
            "baseline_count": m.baseline,
            "selection_ratio": p_sel,
            "baseline_ratio": p_base,
            "gap": gap,
            "z": z,
            "p_value": two_sided_p(z),
            "q_value": None,  # not part of the BH family of single values; judged at |z| >= Z_REMARKABLE
            "significant": z >= Z_REMARKABLE,
            "share": min(max(gap / (1 - p_base), 0.0), 1.0) if p_base < 1 else 0.0,
            "score": self.score(m),
        }


@dataclass(frozen=True)
class Excess:
    """A set of spins for RTP: excess paid over theory in stakes, its null variance, and its spins."""

    excess: float
    variance: float
    spins: int

    @property
    def z(self) -> float | None:
        return self.excess / math.sqrt(self.variance) if self.variance > 0 else None


class ExcessModel:
    """RTP: z = E/√V against each version's theory; the fleet total is the reference for constants."""

    def __init__(self, total: Excess, threshold: float) -> None:
        self.total = total
        self.threshold = threshold

    def rank_key(self, m: Excess, significant: bool | None = None) -> tuple[float, float]:
        return (1.0, abs(m.z) if m.z is not None else -math.inf)

    def direction(self, m: Excess) -> float:
        return 1.0  # either direction is a finding: fleet-wide, a game under- and another over-pays

    def signal(self, m: Excess) -> float:
        return m.excess

    def rest_z(self, outer: Excess, inner: Excess) -> float | None:
        """z of outer∖inner against theory, signed so that positive is the inner set's direction."""
        variance = outer.variance - inner.variance
        if variance <= 1e-9 * max(outer.variance, 1.0):
            return None
        sign = 1.0 if inner.excess >= 0 else -1.0
        return sign * (outer.excess - inner.excess) / math.sqrt(variance)

    def same(self, a: Excess, b: Excess) -> bool:
        return a.spins == b.spins and math.isclose(a.variance, b.variance, rel_tol=1e-12, abs_tol=1e-9)

    def size(self, m: Excess) -> int:
        return m.spins

    def constant(self, m: Excess) -> bool:
        return self.total.spins > 0 and m.spins >= CONSTANT_SHARE * self.total.spins

    def describe(self, m: Excess) -> dict[str, float | int | bool | None]:
        rest = self.total.variance - m.variance
        z_without = (
            (self.total.excess - m.excess) / math.sqrt(rest) if rest > 1e-12 * max(self.total.variance, 1) else None
        )
        total_alerts = self.total.z is not None and abs(self.total.z) >= self.threshold
        return {
            "spins": m.spins,
            "excess_bets": m.excess,
            "z": m.z,
            "share": m.excess / self.total.excess if self.total.excess else None,
            "z_without": z_without,
            "explains_alert": total_alerts and (z_without is None or abs(z_without) < self.threshold),
        }
