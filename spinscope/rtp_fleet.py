"""Fleet-wide RTP attribution: which segment's payouts moved RTP, across games, versions and currencies.

Pure. A segment (attribute = value, e.g. cloud.region = eu-west-1) spans many stream cells
(game, version, currency), each with its own theoretical RTP μ and standard deviation σ
(per unit bet). For each cell the excess paid is E = W − μ·B and, under the null, its
variance is σ²·Σb². Money of different currencies is never added: a cell's E and standard
deviation are divided by the cell currency's scale (its average paid bet in the window)
first, so the segment's excess is in *average bets* and its z is

    z_s = Σ E_cell/scale_c / √(Σ σ²·Σb²_cell/scale_c²)

which, for a single cell, is the usual (R̂ − μ)·√n_eff/σ. Leave-one-out: the fleet's z
without the segment, (E_total − E_s)/√(V_total − V_s); the segment *explains* an alert
when the fleet alerts and that z falls below the threshold. Cells with no reference
(no catalog entry) are left out and counted, never judged against a guess.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

Cell = tuple[str, str, str]  # game_id, game_version, currency


@dataclass(frozen=True)
class CellSums:
    spins: int
    bet: Decimal
    win: Decimal
    bet_squared: Decimal


@dataclass(frozen=True)
class SegmentExcess:
    attribute: str
    value: str
    spins: int
    excess_bets: float  # excess paid over theoretical, in average bets of each cell's currency
    z: float | None
    share: float | None  # of the fleet's excess (signed)
    z_without: float | None
    explains_alert: bool


def _moments(cells: Mapping[Cell, CellSums], reference: Mapping[tuple[str, str], tuple[Decimal, Decimal]],
             scale: Mapping[str, Decimal]) -> tuple[float, float, int]:
    excess = 0.0
    variance = 0.0
    spins = 0
    for (game, version, currency), sums in cells.items():
        ref = reference.get((game, version))
        unit = scale.get(currency)
        if ref is None or not unit:
            continue
        mu, sigma = ref
        excess += float(Fraction(sums.win - mu * sums.bet) / Fraction(unit))
        variance += float(Fraction(sigma) ** 2 * Fraction(sums.bet_squared) / Fraction(unit) ** 2)
        spins += sums.spins
    return excess, variance, spins


def currency_scales(cells: Iterable[tuple[Cell, CellSums]]) -> dict[str, Decimal]:
    """Average paid bet per currency (Σb / spins), the unit that makes currencies comparable."""
    bets: dict[str, Decimal] = defaultdict(Decimal)
    spins: dict[str, int] = defaultdict(int)
    for (_, _, currency), sums in cells:
        bets[currency] += sums.bet
        spins[currency] += sums.spins
    return {c: bets[c] / spins[c] for c in bets if spins[c] and bets[c] > 0}


def rank_fleet_segments(segments: Mapping[tuple[str, str], Mapping[Cell, CellSums]],
                        total: Mapping[Cell, CellSums],
                        reference: Mapping[tuple[str, str], tuple[Decimal, Decimal]],
                        threshold: float = 1.959963984540054) -> dict[str, Any]:
    """Rank segments by z in the fleet excess's direction; see the module docstring for the maths."""
    scale = currency_scales(total.items())
    total_excess, total_var, _ = _moments(total, reference, scale)
    total_z = total_excess / math.sqrt(total_var) if total_var > 0 else None
    alerting = total_z is not None and abs(total_z) >= threshold
    rows = []
    for (attribute, value), cells in segments.items():
        excess, variance, spins = _moments(cells, reference, scale)
        z = excess / math.sqrt(variance) if variance > 0 else None
        rest_var = total_var - variance
        z_without = (total_excess - excess) / math.sqrt(rest_var) if rest_var > 1e-12 * max(total_var, 1) else None
        rows.append(SegmentExcess(attribute, value, spins, excess, z,
                                  excess / total_excess if total_excess else None, z_without,
                                  alerting and (z_without is None or abs(z_without) < threshold)))
    # Most surprising first, in either direction: fleet-wide, the total's sign is often set by noise in
    # the most volatile games, while a mis-set game shows as one strongly signed segment.
    rows.sort(key=lambda r: (-abs(r.z) if r.z is not None else math.inf, -abs(r.excess_bets), r.attribute,
                             r.value))
    unreferenced = sorted({f"{g} {v}" for g, v, _ in total if (g, v) not in reference})
    return {"total_excess_bets": total_excess, "total_z": total_z, "threshold": threshold, "alerting": alerting,
            "no_reference": unreferenced, "segments": rows}
