"""Fleet-wide RTP attribution: which segment's payouts moved RTP, across games, versions and currencies.

Pure. A segment (attribute = value, e.g. cloud.region = eu-west-1) spans many game versions,
each with its own theoretical RTP μ and standard deviation σ of one round's win per unit
stake. Every spin's win is counted in its own stakes (a free spin in the stake of the paid
spin that won it, queries/rca/rca_rtp_rounds), so a version's excess over theory is

    E = Σ win/stake − μ·paid    (in stakes; one unit = one spin's bet)

and, under the null, its variance is σ²·paid: each round counts once. The segment's z is

    z_s = Σ E_v / √(Σ σ_v²·paid_v)

Why not money (W − μ·B, variance σ²·Σb²)? That is the accounting RTP the status page shows,
but as evidence it weighs spins by stake squared: stakes span 500× and a few high rollers
carry most of Σb², so 750k spins weigh like 100k and their luck outranks a mis-set game.
A mis-set reel strip moves every stake's multiplier alike, so counting rounds equally keeps
all the evidence (docs/research/rtp_rca_anchors.md: "measure each stake level", max-bet play can drown out
min-bet play). Stakes also need no currency conversion.

Leave-one-out: the fleet's z without the segment, (E_total − E_s)/√(V_total − V_s); the
segment *explains* an alert when the fleet alerts and that z falls below the threshold.
Versions with no reference (no catalog σ) are left out and listed, never judged against a guess.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from spinscope.rca.measures import Excess

Version = tuple[str, str]  # game_id, game_version


@dataclass(frozen=True)
class RoundSums:
    spins: int  # settled spins, paid and free
    paid: int  # paid spins with a stake: the rounds
    stakes_won: Decimal  # Σ win / stake over the spins that have a stake
    unstaked: int = 0  # left out: free spins not tied to a paid spin, paid spins that staked nothing


@dataclass(frozen=True)
class SegmentExcess:
    attribute: str
    value: str
    spins: int
    excess_bets: float  # excess paid over theoretical, in stakes (each spin's own bet)
    z: float | None
    share: float | None  # of the fleet's excess (signed)
    z_without: float | None
    explains_alert: bool


def _moments(
    versions: Mapping[Version, RoundSums], reference: Mapping[Version, tuple[Decimal, Decimal]]
) -> tuple[float, float, int]:
    excess = Fraction(0)
    variance = Fraction(0)
    spins = 0
    for version, sums in versions.items():
        ref = reference.get(version)
        if ref is None:
            continue
        mu, sigma = ref
        excess += Fraction(sums.stakes_won) - Fraction(mu) * sums.paid
        variance += Fraction(sigma) ** 2 * sums.paid
        spins += sums.spins
    return float(excess), float(variance), spins


def rank_fleet_segments(
    segments: Mapping[tuple[str, str], Mapping[Version, RoundSums]],
    total: Mapping[Version, RoundSums],
    reference: Mapping[Version, tuple[Decimal, Decimal]],
    threshold: float = 1.959963984540054,
) -> dict[str, Any]:
    """Rank segments by |z| of their excess in stakes; see the module docstring for the maths."""
    total_excess, total_var, _ = _moments(total, reference)
    total_z = total_excess / math.sqrt(total_var) if total_var > 0 else None
    alerting = total_z is not None and abs(total_z) >= threshold
    rows = []
    for (attribute, value), versions in segments.items():
        excess, variance, spins = _moments(versions, reference)
        z = excess / math.sqrt(variance) if variance > 0 else None
        rest_var = total_var - variance
        z_without = (total_excess - excess) / math.sqrt(rest_var) if rest_var > 1e-12 * max(total_var, 1) else None
        rows.append(
            SegmentExcess(
                attribute,
                value,
                spins,
                excess,
                z,
                excess / total_excess if total_excess else None,
                z_without,
                alerting and (z_without is None or abs(z_without) < threshold),
            )
        )
    # Most surprising first, in either direction: fleet-wide, the total's sign is often set by noise in
    # the most volatile games, while a mis-set game shows as one strongly signed segment.
    rows.sort(key=lambda r: (-abs(r.z) if r.z is not None else math.inf, -abs(r.excess_bets), r.attribute, r.value))
    unreferenced = sorted({f"{g} {v}" for g, v in total if (g, v) not in reference})
    return {
        "total_excess_bets": total_excess,
        "total_z": total_z,
        "threshold": threshold,
        "alerting": alerting,
        "no_reference": unreferenced,
        "unstaked": sum(s.unstaked for s in total.values()),
        "segments": rows,
    }


# The dimensions of a cell of queries/rca/rca_rtp_rounds, as the segments' attribute names.
CELL_KEYS = (
    "slot.game.id",
    "slot.game.version",
    "cloud.region",
    "service.instance.id",
    "slot.channel",
    "slot.currency",
)
Cell = tuple[str, ...]  # one value per CELL_KEYS


def cell_moments(
    cells: Mapping[Cell, RoundSums], reference: Mapping[Version, tuple[Decimal, Decimal]]
) -> dict[Cell, Excess]:
    """Each cell's excess in stakes, null variance and spins (cells of unreferenced versions are left out)."""
    out = {}
    for cell, sums in cells.items():
        ref = reference.get((cell[0], cell[1]))
        if ref is None:
            continue
        mu, sigma = ref
        excess = Fraction(sums.stakes_won) - Fraction(mu) * sums.paid
        out[cell] = Excess(float(excess), float(Fraction(sigma) ** 2 * sums.paid), sums.spins)
    return out


def segment_excess(moments: Mapping[Cell, Excess], where: Mapping[str, str]) -> Excess:
    """The excess of the cells matching every attribute = value of `where` (additive: sums of cells)."""
    index = [(CELL_KEYS.index(k), v) for k, v in where.items()]
    chosen = [m for cell, m in moments.items() if all(cell[i] == v for i, v in index)]
    return Excess(sum(m.excess for m in chosen), sum(m.variance for m in chosen), sum(m.spins for m in chosen))
