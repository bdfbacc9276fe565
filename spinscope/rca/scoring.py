"""RCA scoring: which attribute values set a selection apart from its baseline, and which segments moved RTP.

Pure functions over counts and sums the SQL layer has already aggregated; nothing here reads
the store. Three tools:

- `rank_attributes`: the BubbleUp / HyperDX / Grafana "proportion gap" per (attribute, value)
  between a selection (bad spins, a time window) and a baseline, with a two-proportion z-test
  and Benjamini–Hochberg across every value, so a gap on a handful of events is not a finding.
- `rank_rtp_segments`: for an RTP signal, each segment's excess paid over theoretical
  E_s = W_s − μ0·B_s (exact money), its surprise z_s = E_s/(σ·√Σb²_s), its share of the total
  excess, and a leave-one-out check (Datadog's "Watchdog Explains"): does the alert survive
  without the segment?
- `is_high_cardinality`: the rule that keeps ids (spin, player, session) out of the ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from spinscope.jsonout import plain
from spinscope.rtp.multiple import benjamini_hochberg
from spinscope.rtp.normal import two_sided_p, z_two_sided
from spinscope.rtp.stats import Parameter, RtpSums, _reference

Counts = Mapping[str, Mapping[str, int]]

MAX_DISTINCT_VALUES = 200
MAX_DISTINCT_RATIO = 0.5
MIN_EVENTS_FOR_RATIO = 20


def is_high_cardinality(
    distinct_values: int,
    events: int,
    max_distinct: int = MAX_DISTINCT_VALUES,
    max_ratio: float = MAX_DISTINCT_RATIO,
    min_events: int = MIN_EVENTS_FOR_RATIO,
) -> bool:
    """True for id-like attributes: more than `max_distinct` values, or more than `max_ratio` values per event.

    The ratio rule only applies from `min_events` events on (3 values in 4 events says nothing).
    Ids are excluded by cardinality, not by name: `service.instance.id` is a real cause
    (a degraded host) with a handful of values, while `slot.spin.id` has one value per spin.
    """
    if distinct_values < 0 or events < 0:
        raise ValueError(f"distinct_values={distinct_values}, events={events}: counts cannot be negative")
    if distinct_values > max_distinct:
        return True
    return events >= min_events and distinct_values / events > max_ratio


@dataclass(frozen=True)
class AttributeScore:
    """One attribute value: its share in selection and baseline, the gap, its test and its share of the signal.

    `explained_share` = (p_sel − p_base)/(1 − p_base), clipped to [0, 1]: if the selection is a
    mixture of "events caused by this value" (fraction f) and events like the baseline, then
    p_sel = f + (1 − f)·p_base, so f is the share of the selection this value accounts for
    beyond its normal presence (0 when it is no more common than usual).
    """

    attribute: str
    value: str
    count_selection: int
    count_baseline: int
    p_selection: float
    p_baseline: float
    gap: float
    z: float
    p_value: float
    q_value: float
    significant: bool
    share_of_selection: float
    explained_share: float

    def to_json(self) -> dict[str, Any]:
        return plain(self)


def _two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pooled two-proportion z of x1/n1 − x2/n2 (0 when both groups are all-or-nothing alike)."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return (x1 / n1 - x2 / n2) / se if se > 0 else 0.0


def rank_attributes(
    selection: Counts, baseline: Counts, n_sel: int, n_base: int, min_count: int = 5, q: float = 0.05
) -> list[AttributeScore]:
    """Rank every (attribute, value) by how much more common it is in the selection than the baseline.

    Proportions are over all events of each group (an event without the attribute counts as
    "not this value"). Values seen fewer than `min_count` times in both groups together are
    skipped (HyperDX's guard). Order: significant values first (BH q-value <= q across every
    tested value of every attribute), then by gap p_sel − p_base, largest first — the
    over-represented cause leads, its siblings (pushed down by it) come last — then by |z|.
    """
    if n_sel <= 0 or n_base <= 0:
        raise ValueError(f"n_sel={n_sel}, n_base={n_base}: both groups need events to compare")
    rows = []
    for attribute in sorted(set(selection) | set(baseline)):
        sel, base = selection.get(attribute, {}), baseline.get(attribute, {})
        for value in sorted(set(sel) | set(base)):
            x1, x2 = int(sel.get(value, 0)), int(base.get(value, 0))
            if not (0 <= x1 <= n_sel and 0 <= x2 <= n_base):
                raise ValueError(f"{attribute}={value}: counts {x1}/{x2} exceed the group sizes {n_sel}/{n_base}")
            if x1 + x2 < min_count:
                continue
            z = _two_proportion_z(x1, n_sel, x2, n_base)
            rows.append((attribute, value, x1, x2, z, two_sided_p(z)))
    if not rows:
        return []
    _, q_values = benjamini_hochberg([r[5] for r in rows], q)
    scores = []
    for (attribute, value, x1, x2, z, p), q_value in zip(rows, q_values, strict=True):
        p_sel, p_base = x1 / n_sel, x2 / n_base
        explained = (p_sel - p_base) / (1 - p_base) if p_base < 1 else 0.0
        scores.append(
            AttributeScore(
                attribute,
                value,
                x1,
                x2,
                p_sel,
                p_base,
                p_sel - p_base,
                z,
                p,
                q_value,
                q_value <= q,
                p_sel,
                min(max(explained, 0.0), 1.0),
            )
        )
    scores.sort(key=lambda s: (not s.significant, -s.gap, -abs(s.z), s.attribute, s.value))
    return scores


@dataclass(frozen=True)
class SegmentScore:
    """One segment's excess over theoretical, its surprise, its share, and the leave-one-out check."""

    attribute: str
    value: str
    spins: int
    bet_amount: Decimal
    win_amount: Decimal
    rtp: Decimal | None
    excess_win: Decimal  # W_s − μ0·B_s, exact
    z: float | None
    share_of_excess: float | None  # E_s / E_total (signed; None when the total excess is 0)
    z_without: float | None  # global z with the segment removed
    explains_alert: bool

    def to_json(self) -> dict[str, Any]:
        return plain(self)


@dataclass(frozen=True)
class RtpAttribution:
    """The global test and the ranked segments."""

    total_excess_win: Decimal
    total_z: float | None
    threshold: float
    alerting: bool
    segments: tuple[SegmentScore, ...]

    def to_json(self) -> dict[str, Any]:
        return plain(self)


def rank_rtp_segments(
    segments: Mapping[tuple[str, str], RtpSums],
    total: RtpSums,
    mu0: Parameter,
    sigma: Parameter,
    threshold: float | None = None,
) -> RtpAttribution:
    """Rank segments (attribute, value) of one stream by how surprising their excess payout is.

    The total must contain every segment (segments of one attribute partition it; segments of
    different attributes overlap, which is fine: each is judged alone). `threshold` is the
    |z| that raised the alert (default z at 95 % two-sided, 1.96). A segment `explains_alert`
    when the total alerts and |z| of total − segment falls below the threshold.

    Order: by z_s in the alert's direction (the sign of the total excess), largest first, so
    the segment that moved RTP the way the alert says leads; then by |E_s|. z_s, not money,
    leads because it is scale-free: a busy segment has a large E_s from noise alone. A child
    value (one instance) outranks its parent (its region): the parent's z is diluted by the
    healthy siblings. Leave-one-out is reported, not ranked on: removing any large segment
    shrinks a marginal |Z| just by removing data.
    """
    reference = _reference(mu0, sigma)
    if reference is None:
        raise ValueError("RTP attribution needs the theoretical rtp and std_dev; this stream has no reference")
    mu, sd = reference
    threshold = z_two_sided(0.95) if threshold is None else threshold
    total_excess = total.excess_win(mu)
    total_z = total.z_score(mu, sd)
    alerting = total_z is not None and abs(total_z) >= threshold
    sign = 1 if total_excess >= 0 else -1
    scored = []
    for (attribute, value), sums in segments.items():
        excess = sums.excess_win(mu)
        rest = total - sums
        z_without = rest.z_score(mu, sd) if rest.bet_squared_sum > 0 else None
        share = float(Fraction(excess) / Fraction(total_excess)) if total_excess else None
        explains = alerting and (z_without is None or abs(z_without) < threshold)
        scored.append(
            SegmentScore(
                attribute,
                value,
                sums.spins,
                sums.bet_amount,
                sums.win_amount,
                sums.rtp,
                excess,
                sums.z_score(mu, sd),
                share,
                z_without,
                explains,
            )
        )
    scored.sort(
        key=lambda s: (-(sign * s.z) if s.z is not None else math.inf, -abs(s.excess_win), s.attribute, s.value)
    )
    return RtpAttribution(total_excess, total_z, threshold, alerting, tuple(scored))
