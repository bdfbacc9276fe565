"""Root-cause analysis scoring: selection-vs-baseline attribute ranking, RTP excess attribution, id exclusion.

Pure: inputs are counts and sums the SQL layer aggregated; the query, drill-down and trace
views live elsewhere. Method and anchors: docs/research/rtp_rca_anchors.md §3. The shaping of a
ranking into causes, containers, conjunctions, constants and consequences is `structure`
(over the per-signal arithmetic of `measures`); `rank` is the store side.
"""

from spinscope.rca.scoring import (
    MAX_DISTINCT_RATIO,
    MAX_DISTINCT_VALUES,
    MIN_EVENTS_FOR_RATIO,
    AttributeScore,
    is_high_cardinality,
    rank_attributes,
)

__all__ = [
    "MAX_DISTINCT_RATIO",
    "MAX_DISTINCT_VALUES",
    "MIN_EVENTS_FOR_RATIO",
    "AttributeScore",
    "is_high_cardinality",
    "rank_attributes",
]
