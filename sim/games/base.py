"""The contract every simulated game implements, and the figures it must report.

A game turns random numbers into outcomes; it knows nothing of telemetry, money
formats or currencies. Wins are exact multiples of the paid spin's bet (Fractions),
so the traffic generator can price them in any currency without rounding drift.

A *round* is one paid spin plus the free spins it awards (and any they re-award).
RTP arithmetic follows the telemetry contract: every spin of the round carries its
own win; only the paid spin carries a bet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol


@dataclass(frozen=True)
class SpinOutcome:
    """One spin: its win as a multiple of the round's bet, the feature it triggered, free spins it awards."""

    win_multiplier: Fraction
    feature: str = "none"  # none | free_spins | bonus | jackpot
    free_spins_awarded: int = 0


@dataclass(frozen=True)
class OutcomeTable:
    """Exact distribution of one spin's outcome (paid or free), from enumeration.

    Parallel tuples; probabilities are exact and sum to 1. Used for fast vectorised
    sampling (the demo loader) and as the enumeration's audit trail.
    """

    win_multiplier: tuple[Fraction, ...]
    feature: tuple[str, ...]
    free_spins_awarded: tuple[int, ...]
    probability: tuple[Fraction, ...]


@dataclass(frozen=True)
class Theory:
    """Theoretical figures of one game version, per paid round and unit bet."""

    rtp: Fraction
    std_dev: float  # of the round's total win per unit bet
    hit_frequency: Fraction  # share of paid spins with a win > 0
    method: str  # how each figure was derived, written into the catalog
    variance: Fraction | None = None  # exact variance of the round's total win per unit bet
    free_spins_per_round: Fraction | None = None  # expected free spins a paid spin leads to


class Game(Protocol):
    id: str
    version: str
    name: str

    def spin(self, rng: random.Random, free: bool = False) -> SpinOutcome:
        """Play one spin from the reels (paid, or free when `free`)."""
        ...

    def outcome_table(self, free: bool = False) -> OutcomeTable:
        """The exact outcome distribution of one spin, by full enumeration of reel stops."""
        ...

    def theory(self) -> Theory:
        """Exact RTP, standard deviation and hit frequency, derived from the outcome tables."""
        ...
