"""RCA scoring: which attribute values set a selection apart from its baseline.

Pure functions over counts and sums the SQL layer has already aggregated; nothing here reads
the store. Two tools (the RTP ranking, in stakes, is spinscope.rca.rtp_excess):

- `rank_attributes`: the BubbleUp / HyperDX / Grafana "proportion gap" per (attribute, value)
  between a selection (bad spins, a time window) and a baseline, with a two-proportion z-test
  and Benjamini–Hochberg across every value, so a gap on a handful of events is not a finding.
- `is_high_cardinality`: the rule that keeps ids (spin, player, session) out of the ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinscope.jsonout import plain
from spinscope.rtp.multiple import benjamini_hochberg
from spinscope.rtp.normal import two_sided_p

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
