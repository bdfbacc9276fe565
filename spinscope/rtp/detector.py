"""Sequential RTP drift detection: a two-sided CUSUM over time batches, with ARL-calibrated thresholds.

Batches are windows of a stream (e.g. an hour of one game version): their sums give a
z-score Z_j = (R̂_j − μ0)·√n_eff_j/σ. Two CUSUMs run side by side, S⁺ for over-payment and
S⁻ for under-payment; each only grows on evidence in its direction and never drops below 0.

Two forms:
- `llr` (default): the log-likelihood ratio for a shift of ±δ in RTP units,
  ℓ_j = s_j·Z_j − s_j²/2 with s_j = δ·√n_eff_j/σ. Correct for unequal batches (traffic
  follows the day), and tuned to a shift in RTP points rather than in batch σ, so a quiet
  hour adds little evidence and a busy one a lot. h is in nats.
- `z`: the textbook tabular CUSUM on Z_j with reference value k (Page 1954): the increment is
  Z_j − k. Right when batches are of equal size; it detects shifts of about 2k batch σ.
With k = 0.5 the two coincide when a batch holds n* = (σ/δ)² effective spins (s_j = 1), so
ARL tables for k = 0.5 read in units of n* for the llr form.

States: `drift` when either S ≥ h_drift, `watch` when S ≥ h_watch, else `ok`. The state is of
the latest batch (no reset: while a fault persists S keeps growing; once fixed, S drains back
to 0 and the state returns to ok). Each excursion that reaches `watch` is an `Episode` whose
onset is the batch after S was last 0 — the CUSUM's estimate of when the drift began.

Thresholds come from a false-alarm budget through Siegmund's ARL approximation
(`cusum_arl`, `choose_h`). For the llr form `thresholds_for_budget` uses the continuous-time
limit (no overshoot correction), which gives the fewest false alarms of any batching, so the
budget holds however the stream is cut into batches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from spinscope.jsonout import plain
from spinscope.rtp.stats import Parameter, RtpSums, _reference, to_parameter

Form = Literal["llr", "z"]
DetectorState = Literal["ok", "watch", "drift", "no_reference", "no_data"]
Side = Literal["over", "under"]
SIDES: tuple[Side, ...] = ("over", "under")

SIEGMUND_CORRECTION = 1.166  # b = h + 1.166: Siegmund's overshoot correction for unit-variance steps

# Defaults when the stream's traffic is unknown: in-control ARL in units of n* = (σ/δ)² effective
# spins (continuous-time, two-sided): h_watch ≈ 4.01, h_drift ≈ 7.61. For a stream seeing ~5 n* a
# week (a σ ≈ 7.5 game at 3.5 M spins with varied stakes) that is ~0.25 % false drifts and ~10 %
# false watches a week. Busier or low-σ streams see more n* a week: give them
# `thresholds_for_budget`, which is what the quality targets were measured with.
DEFAULT_SHIFT = Decimal("0.02")
DEFAULT_WATCH_ARL0 = 50.0
DEFAULT_DRIFT_ARL0 = 2_000.0


def cusum_arl(
    k: float, h: float, shift: float, two_sided: bool = True, correction: float = SIEGMUND_CORRECTION
) -> float:
    """Average run length (in batches) of a tabular CUSUM on unit-variance z's with mean `shift`.

    Siegmund: ARL ≈ (e^{−2Δb} + 2Δb − 1)/(2Δ²), Δ = shift − k, b = h + correction (b² when Δ = 0).
    Two-sided combines the upper and lower schemes: 1/ARL = 1/ARL⁺ + 1/ARL⁻. k = 0.5, h = 4 / 5
    give 169 / 469 in control (textbook tables: 168 / 465) and 8.3 / 10.3 at a 1σ shift.
    """
    if k < 0 or h <= 0:
        raise ValueError(f"k={k}, h={h}: need k >= 0 and h > 0")
    b = h + correction

    def one_sided(delta: float) -> float:
        if abs(delta) < 1e-9:
            return b * b
        x = 2.0 * delta * b
        if -x > 700:  # e^{-x} overflows: the run length is astronomically long
            return math.inf
        return (math.exp(-x) + x - 1.0) / (2.0 * delta * delta)

    upper = one_sided(shift - k)
    if not two_sided:
        return upper
    lower = one_sided(-shift - k)
    return 1.0 / (1.0 / upper + 1.0 / lower)


def choose_h(k: float, arl0_target: float, two_sided: bool = True, correction: float = SIEGMUND_CORRECTION) -> float:
    """The h whose in-control ARL (`cusum_arl` at shift 0) equals `arl0_target` batches (bisection)."""
    if arl0_target <= 1:
        raise ValueError(f"arl0_target={arl0_target}: the in-control run length must exceed 1 batch")
    lo, hi = 1e-9, 1.0
    while cusum_arl(k, hi, 0.0, two_sided, correction) < arl0_target:
        hi *= 2.0
        if hi > 1e6:
            raise ValueError(f"arl0_target={arl0_target} is out of reach for k={k}")
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if cusum_arl(k, mid, 0.0, two_sided, correction) < arl0_target:
            lo = mid
        else:
            hi = mid
    return hi


def family_arl0(streams: int, batches_per_period: float, false_alarms_per_period: float) -> float:
    """In-control ARL (batches) each of `streams` CUSUMs needs so the family expects the budget.

    Expected false alarms per period ≈ streams × batches_per_period / ARL0 — the sequential
    analogue of Bonferroni (500 streams, hourly, ≤ 1 a week → 84,000 batches).
    """
    if streams < 1 or batches_per_period <= 0 or false_alarms_per_period <= 0:
        raise ValueError("streams >= 1, batches_per_period > 0 and false_alarms_per_period > 0 are required")
    return streams * batches_per_period / false_alarms_per_period


def design_batch(sigma: Parameter, shift: Parameter) -> float:
    """n* = (σ/δ)²: effective spins in which a shift δ is one standard error (the llr form's unit)."""
    sd, delta = float(to_parameter(sigma, "sigma")), float(to_parameter(shift, "shift"))
    if sd <= 0 or delta <= 0:
        raise ValueError(f"sigma={sd} and shift={delta} must be positive")
    return (sd / delta) ** 2


@dataclass(frozen=True)
class DetectorSettings:
    """Thresholds and form of the CUSUM. `shift` (δ, RTP units) is used by llr, `k` by the z form."""

    h_watch: float = 0.0
    h_drift: float = 0.0
    form: Form = "llr"
    shift: Decimal = DEFAULT_SHIFT
    k: float = 0.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "shift", to_parameter(self.shift, "shift"))
        if self.h_watch == 0.0 and self.h_drift == 0.0:  # defaults from the default budget
            object.__setattr__(self, "h_watch", choose_h(0.5, DEFAULT_WATCH_ARL0, correction=0.0))
            object.__setattr__(self, "h_drift", choose_h(0.5, DEFAULT_DRIFT_ARL0, correction=0.0))
        if not 0 < self.h_watch <= self.h_drift:
            raise ValueError(f"h_watch={self.h_watch}, h_drift={self.h_drift}: need 0 < h_watch <= h_drift")
        if self.form not in ("llr", "z"):
            raise ValueError(f"form={self.form!r}: choose 'llr' or 'z'")
        if self.shift <= 0 or self.k < 0:
            raise ValueError(f"shift={self.shift}, k={self.k}: need shift > 0 and k >= 0")


def thresholds_for_budget(
    sigma: Parameter,
    shift: Parameter,
    effective_spins_per_period: float,
    false_drifts_per_period: float,
    false_watches_per_period: float,
) -> DetectorSettings:
    """llr settings whose false-alarm rates fit a budget for a stream with this traffic.

    The llr CUSUM's clock is information, not batches: in control it falsely alarms about
    once per ARL0 × n* effective spins (n* = `design_batch`), so a low-σ or busy stream
    needs a higher h for the same budget per period. ARL0 uses the continuous-time limit
    (correction 0), an upper bound on the false-alarm rate for any batching.
    """
    n_star = design_batch(sigma, shift)
    info = effective_spins_per_period / n_star
    if info <= 0:
        raise ValueError(f"effective_spins_per_period={effective_spins_per_period}: must be positive")

    def h_for(budget: float) -> float:
        return choose_h(0.5, max(info / budget, 1.0 + 1e-9), correction=0.0)

    return DetectorSettings(
        h_watch=h_for(false_watches_per_period),
        h_drift=h_for(false_drifts_per_period),
        form="llr",
        shift=to_parameter(shift, "shift"),
    )


@dataclass(frozen=True)
class DetectorPoint:
    """One batch: its sums' figures, the two CUSUMs after it and the state they give."""

    batch_end: Any
    spins: int
    n_eff: float
    rtp: Decimal | None
    z: float | None
    s_over: float
    s_under: float
    state: Literal["ok", "watch", "drift"]


@dataclass(frozen=True)
class Episode:
    """An excursion of one CUSUM that reached `watch`: onset (batch after S was last 0), alarms, end."""

    side: Side
    onset_index: int
    onset_after: Any  # batch_end of the batch before the onset (None: from the first batch)
    watch_index: int
    drift_index: int | None
    end_index: int | None  # first batch where S was back at 0; None while ongoing
    peak: float

    @property
    def reached_drift(self) -> bool:
        return self.drift_index is not None


@dataclass(frozen=True)
class DetectorResult:
    """The latest state, its direction and onset, the series for charting and every episode."""

    state: DetectorState
    direction: Side | None
    onset_index: int | None
    onset_after: Any
    settings: DetectorSettings
    points: tuple[DetectorPoint, ...]
    episodes: tuple[Episode, ...]

    @property
    def ever_drift(self) -> bool:
        return any(e.reached_drift for e in self.episodes)

    def to_json(self) -> dict[str, Any]:
        return plain(self)


def _level(s: float, settings: DetectorSettings) -> int:
    return 2 if s >= settings.h_drift else 1 if s >= settings.h_watch else 0


_STATES: tuple[Literal["ok", "watch", "drift"], ...] = ("ok", "watch", "drift")


def detect(
    batches: Sequence[tuple[Any, RtpSums]],
    mu0: Parameter | None,
    sigma: Parameter | None,
    settings: DetectorSettings | None = None,
) -> DetectorResult:
    """Run the two-sided CUSUM over `batches` [(batch_end, sums)] in time order.

    Batches without stakes leave both CUSUMs unchanged. Without a reference (μ0 or σ None)
    the result is `no_reference` with no series: a stream is never judged against a guess.
    """
    settings = settings or DetectorSettings()
    reference = _reference(mu0, sigma)
    if reference is None:
        return DetectorResult("no_reference", None, None, None, settings, (), ())
    mu, sd = reference
    delta_over_sigma = float(settings.shift) / float(sd)
    s = {"over": 0.0, "under": 0.0}
    last_zero = {"over": -1, "under": -1}
    open_episode: dict[Side, dict[str, Any] | None] = {"over": None, "under": None}
    episodes: list[Episode] = []
    points: list[DetectorPoint] = []
    ends = [end for end, _ in batches]
    staked = False
    for j, (end, sums) in enumerate(batches):
        z = sums.z_score(mu, sd)
        if z is not None:
            staked = True
            if settings.form == "llr":
                step = delta_over_sigma * math.sqrt(sums.n_eff)
                increments = {"over": step * z - step * step / 2, "under": -step * z - step * step / 2}
            else:
                increments = {"over": z - settings.k, "under": -z - settings.k}
            for side in SIDES:
                s[side] = max(0.0, s[side] + increments[side])
        for side in SIDES:
            episode = open_episode[side]
            if s[side] == 0.0:
                if episode is not None:
                    episodes.append(Episode(side, **episode, end_index=j))
                    open_episode[side] = None
                last_zero[side] = j
                continue
            level = _level(s[side], settings)
            if episode is None and level >= 1:
                onset = last_zero[side] + 1
                episode = {
                    "onset_index": onset,
                    "onset_after": ends[onset - 1] if onset > 0 else None,
                    "watch_index": j,
                    "drift_index": None,
                    "peak": s[side],
                }
                open_episode[side] = episode
            if episode is not None:
                episode["peak"] = max(episode["peak"], s[side])
                if level == 2 and episode["drift_index"] is None:
                    episode["drift_index"] = j
        level = max(_level(s["over"], settings), _level(s["under"], settings))
        points.append(DetectorPoint(end, sums.spins, sums.n_eff, sums.rtp, z, s["over"], s["under"], _STATES[level]))
    still_open = [Episode(side, **e, end_index=None) for side, e in open_episode.items() if e is not None]
    episodes.extend(still_open)
    episodes.sort(key=lambda e: (e.watch_index, e.side))
    if not staked:
        return DetectorResult("no_data", None, None, None, settings, tuple(points), ())
    current = points[-1].state
    direction: Side | None = None
    onset_index = onset_after = None
    if current != "ok":
        # The side with the larger statistic owns the state; its open episode dates the onset.
        owner_side: Side = "over" if s["over"] >= s["under"] else "under"
        owner = next(e for e in still_open if e.side == owner_side)
        direction, onset_index, onset_after = owner_side, owner.onset_index, owner.onset_after
    return DetectorResult(current, direction, onset_index, onset_after, settings, tuple(points), tuple(episodes))
