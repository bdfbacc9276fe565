"""Currencies the simulated casino takes, their precision, bet levels, and exact money formatting.

Money is never a float here: amounts are int64 counts of the currency's minor unit
(cent, won, satoshi) and become the contract's decimal strings only at the edge, by
integer division. A paid spin's win is `win_units * bet_minor // units_per_bet`, exact
because every bet level is a whole multiple of `BET_UNIT_MULTIPLE` minor units (the least
common multiple of the games' credits per bet). Holds no telemetry and no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BET_UNIT_MULTIPLE = 20
"""Every bet level is a multiple of this many minor units, so a win of any game is exact."""


@dataclass(frozen=True)
class Currency:
    """A currency: its code, decimal places, and the total-bet levels a player can choose."""

    code: str
    decimals: int
    bet_levels: tuple[int, ...]  # total bet per paid spin, minor units, ascending

    def __post_init__(self) -> None:
        bad = [b for b in self.bet_levels if b <= 0 or b % BET_UNIT_MULTIPLE]
        if bad:
            raise ValueError(f"{self.code}: bet levels {bad} are not positive multiples of {BET_UNIT_MULTIPLE}")

    def format(self, minor: int) -> str:
        """One amount in minor units as the contract's decimal string (e.g. 125 EUR -> "1.25")."""
        return format_minor(minor, self.decimals)


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("EUR", 2, (20, 40, 100, 200, 400, 1_000, 2_000, 10_000)),
        Currency("USD", 2, (20, 40, 100, 200, 400, 1_000, 2_000, 10_000)),
        Currency("KRW", 0, (200, 400, 1_000, 2_000, 5_000, 10_000, 20_000, 100_000)),
        Currency("BTC", 8, (2_000, 4_000, 10_000, 20_000, 40_000, 100_000, 200_000, 1_000_000)),
    )
}


def format_minor(minor: int, decimals: int) -> str:
    """Integer minor units -> decimal string with exactly `decimals` fractional digits."""
    if minor < 0:
        raise ValueError(f"negative amount {minor}: spins never stake or win a negative amount")
    if decimals == 0:
        return str(minor)
    whole, frac = divmod(minor, 10**decimals)
    return f"{whole}.{frac:0{decimals}d}"


def format_column(minor: np.ndarray, decimals: np.ndarray, zero_free: np.ndarray | None = None) -> list[str]:
    """Many amounts at once (minor units and each one's decimals) as decimal strings.

    Amounts repeat a lot (bet levels, common wins), so each distinct (amount, decimals)
    pair is formatted once and the strings are fanned out by index. Where `zero_free` is
    true the amount is written as the contract's bare "0" (a free spin's stake).
    """
    if len(minor) == 0:
        return []
    key = minor.astype(np.int64) * 16 + decimals.astype(np.int64)
    if zero_free is not None:
        key = np.where(zero_free, -1, key)
    unique, inverse = np.unique(key, return_inverse=True)
    texts = np.array(["0" if k < 0 else format_minor(int(k) >> 4, int(k) & 15) for k in unique.tolist()], dtype=object)
    return texts[inverse.ravel()].tolist()
