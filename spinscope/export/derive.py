"""Pure derivations of the weekly tables from model rows: week-over-week headline and top movers.

No I/O and no aggregation across currencies: every comparison is one currency's (or one game
version and currency's) figure this week against the same key's figure the week before.
Decimals stay exact (differences in an 80-digit context; change ratios rounded half-even at
18 places); floats become the Decimal of their shortest repr, at most 18 places.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

# metric, unit, additive (a missing week counts as 0 rather than unknown)
HEADLINE_METRICS: tuple[tuple[str, str, bool], ...] = (
    ("spins", "count", True),
    ("handle_amount", "money", True),
    ("win_amount", "money", True),
    ("ggr_amount", "money", True),
    ("hold_ratio", "percent", False),
    ("rtp_ratio", "percent", False),
    ("hit_frequency_ratio", "percent", False),
    ("active_players", "count", True),
    ("arpu_amount", "money", False),
    ("error_rate_ratio", "percent", False),
    ("latency_p95_ms", "ms", False),
)
MOVER_METRICS: tuple[str, ...] = ("ggr_amount", "handle_amount", "spins", "active_players")
MOVERS_PER_METRIC = 10
UNITS = {metric: unit for metric, unit, _ in HEADLINE_METRICS}
_PLACES = Decimal("1e-18")


def exact(value: Any) -> Decimal | None:
    """`value` as a Decimal: Decimals and ints as they are, floats by their shortest repr, rounded
    half-even to 18 places (a float is an estimate; decimal(38, 18) is the column type everywhere)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        shortest = Decimal(repr(value))
        if shortest.as_tuple().exponent >= -18:  # type: ignore[operator]
            return shortest
        with localcontext() as ctx:
            ctx.prec = 80
            return shortest.quantize(_PLACES, rounding=ROUND_HALF_EVEN).normalize()
    return Decimal(value)


def change(now: Decimal | None, then: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """(now - then, (now - then) / |then|); None where a side is unknown or `then` is 0."""
    if now is None or then is None:
        return None, None
    with localcontext() as ctx:
        ctx.prec = 80
        delta = now - then
        ratio = None if then == 0 else (delta / abs(then)).quantize(_PLACES, rounding=ROUND_HALF_EVEN)
    return delta, ratio


def _figure(row: dict[str, Any] | None, metric: str, additive: bool) -> Decimal | None:
    if row is None:
        return Decimal(0) if additive else None
    return exact(row.get(metric))


def headline(this_week: Iterable[dict[str, Any]], previous_week: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per currency and metric: this week, the previous week, the change and its ratio."""
    now = {r["currency"]: r for r in this_week}
    then = {r["currency"]: r for r in previous_week}
    rows = []
    for currency in sorted(now.keys() | then.keys()):
        for metric, unit, additive in HEADLINE_METRICS:
            a, b = _figure(now.get(currency), metric, additive), _figure(then.get(currency), metric, additive)
            delta, ratio = change(a, b)
            rows.append(
                {
                    "currency": currency,
                    "metric": metric,
                    "unit": unit,
                    "this_week": a,
                    "previous_week": b,
                    "change": delta,
                    "change_ratio": ratio,
                }
            )
    return rows


def top_movers(
    this_week: Iterable[dict[str, Any]], previous_week: Iterable[dict[str, Any]], per_metric: int = MOVERS_PER_METRIC
) -> list[dict[str, Any]]:
    """The game versions (per currency) whose figures moved most, by relative change, per metric.

    Relative change ranks across currencies without converting money; a key new this week (nothing
    the week before) or gone ranks first among its metric's movers. Unchanged keys are left out.
    """

    def key(r: dict[str, Any]) -> tuple[str, str, str]:
        return r["game_id"], r["game_version"], r["currency"]

    now = {key(r): r for r in this_week}
    then = {key(r): r for r in previous_week}
    out = []
    for metric in MOVER_METRICS:
        candidates: list[tuple[bool, Decimal, tuple[str, str, str], Any, Any, Decimal, Decimal | None]] = []
        for k in now.keys() | then.keys():
            a, b = _figure(now.get(k), metric, True), _figure(then.get(k), metric, True)
            delta, ratio = change(a, b)
            if delta is None or delta == 0:
                continue
            candidates.append((ratio is not None, -abs(ratio or Decimal(0)), k, a, b, delta, ratio))
        candidates.sort(key=lambda c: (c[0], c[1], c[2]))
        for rank, (_, _, k, a, b, delta, ratio) in enumerate(candidates[:per_metric], start=1):
            out.append(
                {
                    "metric": metric,
                    "unit": UNITS[metric],
                    "rank": rank,
                    "game_id": k[0],
                    "game_version": k[1],
                    "currency": k[2],
                    "this_week": a,
                    "previous_week": b,
                    "change": delta,
                    "change_ratio": ratio,
                    "direction": "up" if delta > 0 else "down",
                }
            )
    return out
