"""RTP integrity: fixed-window tests, sequential drift detection, multiple-testing control, sample planning.

Pure statistics over mergeable sums (`RtpSums`: spins, Σb, Σw, Σb², Σw², Σwb) that the SQL
layer produces from spin_minutely; nothing here reads the store. Money stays exact
(Decimal); statistics are floats. Formulas and anchors: docs/research/rtp_rca_anchors.md §1–2.
"""

from spinscope.rtp.detector import (
    DEFAULT_DRIFT_ARL0,
    DEFAULT_SHIFT,
    DEFAULT_WATCH_ARL0,
    DetectorPoint,
    DetectorResult,
    DetectorSettings,
    Episode,
    choose_h,
    cusum_arl,
    design_batch,
    detect,
    family_arl0,
    thresholds_for_budget,
)
from spinscope.rtp.multiple import StreamDecision, StreamTest, benjamini_hochberg, classify, holm
from spinscope.rtp.normal import normal_cdf, normal_isf, normal_quantile, normal_sf, two_sided_p, z_two_sided
from spinscope.rtp.plan import SamplePlan, plan, spins_for_precision, spins_per_effective_spin, spins_to_detect
from spinscope.rtp.stats import SUM_COLUMNS, RtpSummary, RtpSums, rtp_summary, to_decimal

__all__ = [
    "DEFAULT_DRIFT_ARL0",
    "DEFAULT_SHIFT",
    "DEFAULT_WATCH_ARL0",
    "SUM_COLUMNS",
    "DetectorPoint",
    "DetectorResult",
    "DetectorSettings",
    "Episode",
    "RtpSummary",
    "RtpSums",
    "SamplePlan",
    "StreamDecision",
    "StreamTest",
    "benjamini_hochberg",
    "choose_h",
    "classify",
    "cusum_arl",
    "design_batch",
    "detect",
    "family_arl0",
    "holm",
    "normal_cdf",
    "normal_isf",
    "normal_quantile",
    "normal_sf",
    "plan",
    "rtp_summary",
    "spins_for_precision",
    "spins_per_effective_spin",
    "spins_to_detect",
    "thresholds_for_budget",
    "to_decimal",
    "two_sided_p",
    "z_two_sided",
]
