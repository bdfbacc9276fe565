"""What the top RCA finding means, in one sentence a part lead can repeat (pure: no Streamlit, no store).

When the rank payload carries its own `explanation` (the RCA package may add one), that sentence wins;
otherwise it is composed here from the top row.
"""

from __future__ import annotations

from typing import Any

from spinscope.app import labels

BAD = {"errors": ("Errors", "errored spins"), "latency": ("Slow spins (> 500 ms)", "slow spins")}


def relative_risk(row: dict[str, Any], ranked: dict[str, Any]) -> float | None:
    """P(bad | value) / P(bad | not value), from the counts; only when the baseline is the window's good
    spins (against another window the two sets are not one population, and the ratio means nothing)."""
    if ranked.get("baseline") != "good spins":
        return None
    a, b = int(row.get("selection_count") or 0), int(row.get("baseline_count") or 0)
    n_sel, n_base = int(ranked.get("selection_total") or 0), int(ranked.get("baseline_total") or 0)
    with_value, without_value = a + b, (n_sel - a) + (n_base - b)
    if not with_value or not without_value or n_sel - a <= 0:
        return None
    return (a / with_value) / ((n_sel - a) / without_value)


def headline(signal: str, ranked: dict[str, Any]) -> str | None:
    """One sentence on the top finding, or None when there is none."""
    if ranked.get("explanation"):
        return str(ranked["explanation"])
    rows = ranked.get("rows") or []
    if not rows:
        return None
    top = rows[0]
    what = f"**{top['attribute']} = {top['value']}**"
    if signal == "rtp":
        paid = (
            f"{what} paid {labels.number(top['excess_bets'], 1)} stakes above theoretical "
            f"({labels.percent(top['share'], 0)} of the excess, z = {labels.number(top['z'], 1)})"
        )
        if top.get("explains_alert"):
            return f"{paid}; without it the rest is within the band, so it explains the RTP alert."
        return f"{paid}; it does not explain the alert on its own."
    noun, plural = BAD.get(signal, ("Bad spins", "bad spins"))
    risk = relative_risk(top, ranked)
    explains = f"it explains {labels.percent(top['share'], 0)} of the {plural}"
    if risk is not None and risk >= 1:
        return f"{noun} are {labels.multiple(risk)} more likely when {what}; {explains}."
    share_sel = labels.percent(top["selection_ratio"], 0)
    share_base = labels.percent(top["baseline_ratio"], 0)
    return f"{what} marks {share_sel} of the {plural} against {share_base} of the baseline; {explains}."
