"""Traffic statistics for the traffic-anomaly and no-data rules. Pure: counts in, verdicts out.

Spins come in player sessions of tens to hundreds of spins, so per-window counts are far more
variable than Poisson: on the simulator's 40k spins a day the whole fleet has no spin in one
minute out of ten, and a region's hourly count ranges from 0 to 2,000. A test that assumes Poisson
counts (or measures the burstiness minute by minute) pages many times a week on such traffic.
The model here is the quasi-Poisson one: a window's count has mean μ and variance φ·μ, with the
dispersion φ measured **at the window's own length** from the baseline itself.

- **Baseline** (`History.lags`): the same minutes one to `days` days ago and one to `weeks` weeks
  ago (only the lags with traffic). Day lags make the baseline precise enough to test on a week
  or two of history; a weekday effect they bring in inflates φ (the test gets more cautious) and
  cannot reach the `ratio` guard (a quiet Sunday is not 30 % of a Saturday).
- **Dispersion** φ_W: Pearson's statistic over the baseline, Σ (S_ij − m_j)² / m_j / df, where S_ij
  is lag i's count in the window at offset j (the J consecutive windows of length W in the 24 h
  before the lag's window end) and m_j their mean across lags. Extra variance of any origin
  (sessions, weekday, growth) shows up in φ, so it errs towards not paging.
- **Test**: dividing counts by φ makes them (approximately) Poisson; given the current count C and
  the baseline total T over n lags, C | C + T is then Binomial(C + T, 1 / (n + 1)) under "traffic as
  usual": the exact conditional test of two Poisson rates, with the baseline's own noise included.
  The p-value must be below `alpha` (the rule's `z` as a one-sided normal tail: z = 5 → 2.9e-7).
- **Windows**: window, 2×window, 4×window, ... up to `max_window`, each tested at alpha / (their
  number): a busy stream answers on minutes, a thin one on hours, where its sessions average out.
  Every window also needs `min_expected` spins as usual and a count below `ratio` of them, and the
  deficit has to last most of the window to drive its count that low: it must persist.

False pages designed for: at most `alpha` per scope per independent window (windows that
overlap are one test). With the defaults (z = 5, alpha = 2.9e-7) and 8 scopes, the 15-minute
windows are ~5,400 tests a week and every longer length fewer, so under 0.002 false pages a
week, one in ten years, if the model holds; measured on the simulator: none (README).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, median

SPAN_MINUTES = 24 * 60  # the stretch before each baseline window whose windows measure φ
_NORMAL = NormalDist()


@dataclass(frozen=True)
class History:
    """One scope's counts in buckets of `bucket_minutes`, latest first.

    `current`: the buckets ending at the evaluation time (at least `max_window` of them);
    `lags`: per baseline lag, the buckets of the `SPAN_MINUTES` ending at (time − lag).
    """

    bucket_minutes: int
    current: Sequence[int]
    lags: Sequence[Sequence[int]]


@dataclass(frozen=True)
class TrafficVerdict:
    anomalous: bool
    window_minutes: int | None  # the window judged (None: no window long enough for the volume)
    current: int = 0
    expected: float | None = None  # median of the baseline lags' counts in that window
    ratio: float | None = None  # current / expected
    p: float | None = None  # probability of so few spins were traffic as usual
    dispersion: float = 1.0
    lags: int = 0

    @property
    def z(self) -> float | None:
        """The p-value as a one-sided normal z (for display)."""
        if self.p is None:
            return None
        return _NORMAL.inv_cdf(min(max(self.p, 1e-300), 1 - 1e-16))


def alpha_of(z: float) -> float:
    """The one-sided tail probability of a standard normal beyond −z."""
    return _NORMAL.cdf(-z)


def window_sums(buckets: Sequence[int], per_window: int, count: int) -> list[int]:
    """Sums of `count` consecutive windows of `per_window` buckets, latest first."""
    return [sum(buckets[j * per_window : (j + 1) * per_window]) for j in range(count)]


def dispersion(samples: Sequence[Sequence[int]]) -> float:
    """Pearson dispersion of counts `samples[lag][offset]` around each offset's mean across lags, ≥ 1.

    1 when there are fewer than two lags (nothing to measure): callers treat that as "unknown".
    """
    if len(samples) < 2:
        return 1.0
    n = len(samples)
    chi2, df = 0.0, 0
    for j in range(min(len(s) for s in samples)):
        column = [s[j] for s in samples]
        mean = sum(column) / n
        if mean <= 0:
            continue
        chi2 += sum((x - mean) ** 2 for x in column) / mean
        df += n - 1
    return max(1.0, chi2 / df) if df else 1.0


def binomial_lower_tail(k: float, n: float, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p) when k is below the mean n·p, else 1 (not a lower tail).

    n and k may be fractional (counts scaled by φ; k is rounded down). Summed from k downwards in
    log space; the lower tail falls off fast, so few terms are needed.
    """
    if n <= 0 or k >= n * p:
        return 1.0
    k = math.floor(k)
    if k < 0:
        return 0.0
    log_p, log_q, head = math.log(p), math.log1p(-p), math.lgamma(n + 1)
    total = 0.0
    for i in range(k, -1, -1):
        term = math.exp(head - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q)
        total += term
        if term < total * 1e-17:
            break
    return min(1.0, total)


def rate_test(current: float, baseline_total: float, lags: int, phi: float) -> float:
    """p-value of `current` spins against `baseline_total` over `lags` baseline windows (see the module)."""
    c, t = current / phi, baseline_total / phi
    return binomial_lower_tail(c, c + t, 1.0 / (lags + 1))


def window_ladder(window_minutes: int, max_window_minutes: int) -> list[int]:
    """window, 2×window, 4×window, ... up to max_window (which is always the last one)."""
    out, w = [], window_minutes
    while w < max_window_minutes:
        out.append(w)
        w *= 2
    return [*out, max_window_minutes]


def traffic_verdict(
    history: History,
    window_minutes: int,
    max_window_minutes: int,
    ratio: float,
    min_expected: float,
    alpha: float,
) -> TrafficVerdict:
    """Is the count of some window (window, 2×window, ... max_window, ending now) far below the baseline?

    Each window length is one test at alpha / (number of lengths), so the ladder as a whole keeps
    the false-page rate of `alpha`; a busy stream answers on its shortest window, a thin one on
    hours. The verdict is the shortest anomalous window's, else the longest judged one's.
    """
    b = history.bucket_minutes
    lags = [lag for lag in history.lags if any(lag)]
    if len(lags) < 2:  # φ cannot be measured from one lag: no verdict rather than a guess
        return TrafficVerdict(False, None, lags=len(lags))
    ladder = window_ladder(window_minutes, max_window_minutes)
    each = alpha / len(ladder)
    verdict = TrafficVerdict(False, None, sum(history.current[: window_minutes // b]), lags=len(lags))
    for w in ladder:
        per = w // b
        samples = [window_sums(lag, per, max(2, SPAN_MINUTES // w)) for lag in lags]
        base = [s[0] for s in samples]
        expected = float(median(base))
        if expected < min_expected:
            continue
        phi = dispersion(samples)
        now = sum(history.current[:per])
        p = rate_test(now, sum(base), len(base), phi)
        verdict = TrafficVerdict(
            now < ratio * expected and p < each, w, now, expected, now / expected, p, phi, len(base)
        )
        if verdict.anomalous:
            return verdict
    return verdict


@dataclass(frozen=True)
class SilenceVerdict:
    silent: bool
    expected: float | None  # spins the silent window would hold as usual
    p: float | None  # probability of a silence that long were traffic as usual
    dispersion: float = 1.0


def silence_verdict(
    history: History, silent_minutes: int, lookback_minutes: int, min_spins: int, max_probability: float
) -> SilenceVerdict:
    """No spin in the last `silent_minutes` from a stream that was sending, and improbable for it.

    The silent window's expected count is the smaller of the baseline's (median of the lags, when
    two or more have traffic) and the stream's own pace over the rest of the lookback; its
    dispersion the larger of the baseline's and the lookback's (windows of `silent_minutes`).
    The silence's probability is the compound-Poisson zero term e^(−μ/φ): spins come in clumps
    (sessions) of about φ spins within the window, about μ/φ clumps are due, and silence means
    none came. (A negative binomial's zero term, φ^(−μ/(φ−1)), is far smaller for large φ: on the
    simulator's fleet it called 13-minute silences that happen weekly a one-in-a-billion event.)
    Silence is only news where many independent sessions were due.
    """
    b = history.bucket_minutes
    per = max(1, silent_minutes // b)
    recent = history.current[:per]
    before = history.current[per : lookback_minutes // b]
    if any(recent) or sum(before) < min_spins or not before:
        return SilenceVerdict(False, None, None)
    pace = sum(before) / len(before) * per
    chunks = window_sums(before, per, len(before) // per)
    phis = [_variance_ratio(chunks)]
    means = [pace]
    lags = [lag for lag in history.lags if any(lag)]
    if len(lags) >= 2:
        samples = [window_sums(lag, per, max(2, SPAN_MINUTES // silent_minutes)) for lag in lags]
        phis.append(dispersion(samples))
        means.append(float(median(s[0] for s in samples)))
    mu, phi = min(means), max(phis)
    if mu <= 0:
        return SilenceVerdict(False, mu, 1.0, phi)
    p = math.exp(-mu / phi)
    return SilenceVerdict(p < max_probability, mu, p, phi)


def _variance_ratio(counts: Sequence[int]) -> float:
    if len(counts) < 2:
        return 1.0
    mean = sum(counts) / len(counts)
    if mean <= 0:
        return 1.0
    return max(1.0, sum((x - mean) ** 2 for x in counts) / (len(counts) - 1) / mean)
