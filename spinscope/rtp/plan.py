"""Sample-size planning: how much play before an RTP test can say something.

Both answers are in *effective* spins (rounds of equal bet); stakes that vary need more
spins, by the factor N / n_eff = E[b²]/E[b]² seen in the stream's history (Kish), and free
spins add rows but no information, so `spins_per_effective` converts to spins as recorded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinscope.jsonout import plain
from spinscope.rtp.normal import normal_isf, z_two_sided
from spinscope.rtp.stats import Parameter, RtpSums, to_parameter


def _positive(value: Parameter, name: str) -> float:
    number = float(to_parameter(value, name))
    if number <= 0:
        raise ValueError(f"{name}={value}: must be positive")
    return number


def spins_to_detect(sigma: Parameter, shift: Parameter, power: float = 0.8, alpha: float = 0.05) -> int:
    """Effective spins for a two-sided level-α z-test to detect a shift δ with this power.

    N = ((z_{1−α/2} + z_{1−β})·σ/δ)², rounded up. σ = 3.62, δ = 1 point, 80 % → 1.03 M.
    """
    if not 0 < power < 1 or not 0 < alpha < 1:
        raise ValueError(f"power={power}, alpha={alpha}: both must lie strictly between 0 and 1")
    sd, delta = _positive(sigma, "sigma"), _positive(shift, "shift")
    z = normal_isf(alpha / 2) + normal_isf(1 - power)
    return math.ceil((z * sd / delta) ** 2)


def spins_for_precision(sigma: Parameter, precision: Parameter, confidence: float = 0.95) -> int:
    """Effective spins for a band of half-width ε at this confidence: N = (z·σ/ε)², rounded up."""
    sd, eps = _positive(sigma, "sigma"), _positive(precision, "precision")
    return math.ceil((z_two_sided(confidence) * sd / eps) ** 2)


def spins_per_effective_spin(sums: RtpSums) -> float:
    """Recorded spins per effective spin in a stream's history: spins / n_eff (1 for equal bets, no free spins)."""
    n_eff = sums.n_eff
    if n_eff <= 0:
        raise ValueError("the history has no stakes: cannot measure how stakes and free spins dilute it")
    return sums.spins / n_eff


@dataclass(frozen=True)
class SamplePlan:
    """Spins needed to detect `shift` at (alpha, power), and the band half-width they give at 95 %."""

    sigma: float
    shift: float
    alpha: float
    power: float
    effective_spins: int
    spins_per_effective: float
    spins: int
    half_width_95: float

    def to_json(self) -> dict[str, Any]:
        return plain(self)


def plan(
    sigma: Parameter, shift: Parameter, power: float = 0.8, alpha: float = 0.05, spins_per_effective: float = 1.0
) -> SamplePlan:
    """The plan for one game: effective spins, recorded spins (× `spins_per_effective`), band width."""
    if spins_per_effective < 1:
        raise ValueError(f"spins_per_effective={spins_per_effective}: n_eff never exceeds the spins, so it is >= 1")
    n = spins_to_detect(sigma, shift, power, alpha)
    sd = _positive(sigma, "sigma")
    return SamplePlan(
        sd,
        _positive(shift, "shift"),
        alpha,
        power,
        n,
        spins_per_effective,
        math.ceil(n * spins_per_effective),
        z_two_sided(0.95) * sd / math.sqrt(n),
    )
