"""Burn-rate alert tables: one published table per SLO period, kept as data (Sloth's AlertWindows).

Sloth's 7d windows, Sloth's google-28d and the SRE Workbook's Table 5-8 (plus its 24h/2h
ticket) for 28/30 days, Datadog's 90-day recommendation for long periods. Each pair states the
budget share it consumes when it fires; `spinscope.slo.math.burn_rate_windows` turns a table
into factors for a period (factor = share × period / long window) and drops pairs whose factor
is <= 1. Nothing here reads files or the store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

Severity = Literal["page", "ticket"]

Pair = tuple[Severity, int, int, Fraction]
"""severity, long window (s), short window (s), share of the period's budget consumed when it fires."""

_H, _D = 3600, 86400


@dataclass(frozen=True)
class AlertTable:
    """A published table of multi-window pairs for one SLO period, kept as data (Sloth's AlertWindows).

    `pairs` state the budget share each pair consumes when it fires, as its source states it;
    the factor follows from the share and the period (factor = share × period / long window).
    """

    name: str
    period_s: int
    source: str
    pairs: tuple[Pair, ...]


_WORKBOOK_PAIRS: Final[tuple[Pair, ...]] = (
    ("page", _H, 300, Fraction(2, 100)),
    ("page", 6 * _H, 30 * 60, Fraction(5, 100)),
    ("ticket", _D, 2 * _H, Fraction(10, 100)),
    ("ticket", 3 * _D, 6 * _H, Fraction(10, 100)),
)

ALERT_TABLES: Final[tuple[AlertTable, ...]] = (
    AlertTable(
        "sloth-7d",
        7 * _D,
        "Sloth examples/windows/7d.yaml: 8 % / 12.5 % / 20 % / 42 % of a 7-day budget",
        (
            ("page", _H, 300, Fraction(8, 100)),
            ("page", 6 * _H, 30 * 60, Fraction(125, 1000)),
            ("ticket", _D, 2 * _H, Fraction(20, 100)),
            ("ticket", 3 * _D, 6 * _H, Fraction(42, 100)),
        ),
    ),
    AlertTable(
        "sloth-google-28d",
        28 * _D,
        "Sloth internal/alert/windows/google-28d.yaml: the SRE Workbook's shares over 28 days",
        _WORKBOOK_PAIRS,
    ),
    AlertTable(
        "workbook-30d",
        30 * _D,
        "SRE Workbook ch. 5 Table 5-8 and its 24h/2h ticket (= Sloth google-30d.yaml): 2 % / 5 % / 10 % / 10 %",
        _WORKBOOK_PAIRS,
    ),
    AlertTable(
        "datadog-90d",
        90 * _D,
        "Datadog's burn-rate alert recommendation for 90-day SLOs: 1 % / 3 % / 5 %",
        (
            ("page", _H, 300, Fraction(1, 100)),
            ("page", 6 * _H, 30 * 60, Fraction(3, 100)),
            ("ticket", _D, 2 * _H, Fraction(5, 100)),
        ),
    ),
)


def alert_table(period_seconds: int, tables: tuple[AlertTable, ...] = ALERT_TABLES) -> AlertTable:
    """The table for an SLO period: a published one at its period, else one between its neighbours.

    Below the shortest table's period its shares hold, above the longest's too. Between two
    tables each pair both list gets the geometric interpolation of their shares in log-period
    (rounded to a millionth), so factors change smoothly with the period instead of jumping
    fourfold where one table hands over to the next (8 % at 7d and 2 % at 28d give 13.44 for
    the 1h pair at every period between).
    """
    if period_seconds <= 0:
        raise ValueError(f"period_seconds must be positive, got {period_seconds}")
    ordered = sorted(tables, key=lambda t: t.period_s)
    for table in ordered:
        if table.period_s == period_seconds:
            return table
    if period_seconds < ordered[0].period_s:
        return ordered[0]
    if period_seconds > ordered[-1].period_s:
        return ordered[-1]
    lo = max((t for t in ordered if t.period_s < period_seconds), key=lambda t: t.period_s)
    hi = min((t for t in ordered if t.period_s > period_seconds), key=lambda t: t.period_s)
    at = math.log(period_seconds / lo.period_s) / math.log(hi.period_s / lo.period_s)
    upper = {(sev, long_s, short_s): share for sev, long_s, short_s, share in hi.pairs}
    pairs = []
    for sev, long_s, short_s, share in lo.pairs:
        other = upper.get((sev, long_s, short_s))
        if other is not None:
            mixed = math.exp((1 - at) * math.log(share) + at * math.log(other))
            pairs.append((sev, long_s, short_s, Fraction(round(mixed * 1_000_000), 1_000_000)))
    return AlertTable(
        f"{lo.name}..{hi.name}", period_seconds, f"between {lo.name} and {hi.name} (shares interpolated)", tuple(pairs)
    )
