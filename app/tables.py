"""Display tables: model and analytics rows → DataFrames of exact, readable cells (no aggregation)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from spinscope.app import view
from spinscope.jsonout import plain


def _group(group: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in group.items()) or "—"


def current_burn(slo: dict[str, Any]) -> tuple[str, str]:
    """(window, burn rate) of the shortest long window: the burn happening now."""
    pairs = slo["alert"]["pairs"]
    if not pairs:
        return "—", "—"
    first = pairs[0]
    rate = first["long_burn_rate"]
    return first["long"], "—" if rate is None else f"{float(rate):.2f}×"


def slo_table(slos: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for s in slos:
        window, burn = current_burn(s)
        rows.append(
            {
                "SLO": s["display_name"] or s["slo"],
                "group": _group(s["group"]),
                "state": view.state(s["alert"]["state"]),
                "SLI": view.percent(s["sli"], 4),
                "target": view.percent(s["target"], 3),
                "budget remaining": view.percent(s["budget"]["remaining_ratio"], 1),
                "budget": s["budget"]["state"],
                f"burn ({window})": burn,
                "good": s["events"]["good"],
                "total": s["events"]["total"],
                "window": s["window"]["duration"],
                "id": s["slo"],
            }
        )
    return pd.DataFrame(rows)


def burn_table(slo: dict[str, Any]) -> pd.DataFrame:
    """The multi-window burn-rate pairs of one SLO with their alert states."""
    rows = []
    for p in slo["alert"]["pairs"]:
        state = "FIRING" if p["firing"] else ("burning, too few events" if p["burning"] else "quiet")
        rows.append(
            {
                "pair": p["name"],
                "severity": p["severity"],
                "long": p["long"],
                "short": p["short"],
                "factor": f"{float(p['factor']):g}×",
                "long burn": "—" if p["long_burn_rate"] is None else f"{float(p['long_burn_rate']):.3f}×",
                "short burn": "—" if p["short_burn_rate"] is None else f"{float(p['short_burn_rate']):.3f}×",
                "long events": p["long_events"]["total"],
                "short events": p["short_events"]["total"],
                "state": state if p["can_fire"] else "cannot fire at this target",
            }
        )
    return pd.DataFrame(rows)


def rtp_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = []
    for r in rows:
        out.append(
            {
                "game": r["game_id"],
                "version": r["game_version"],
                "currency": r["currency"],
                "spins": r["spins"],
                "observed RTP": _fixed(r["observed_rtp"], 5),
                "theoretical RTP": _fixed(r["theoretical_rtp"], 5),
                "band": "—" if r["band_low"] is None else f"{_fixed(r['band_low'], 5)} … {_fixed(r['band_high'], 5)}",
                "z": "—" if r["z"] is None else f"{float(r['z']):.2f}",
                "p-value": "—" if r["p_value"] is None else f"{float(r['p_value']):.3g}",
                "state": view.state(r["state"]),
                "reference": r["reference"] or "—",
                "drift began": plain(r["drift_began"]) or "—",
            }
        )
    return pd.DataFrame(out)


def _fixed(value: Any, places: int) -> str:
    return "—" if value is None else f"{float(value):.{places}f}"


def versions_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "game": r["game_id"],
                "version": r["game_version"],
                "first seen (UTC)": plain(r["first_seen_at"]),
                "last seen (UTC)": plain(r["last_seen_at"]),
                "spins in range": r["spins_in_range"],
                "new": "new" if r["is_new"] else "",
            }
            for r in rows
        ],
        columns=["game", "version", "first seen (UTC)", "last seen (UTC)", "spins in range", "new"],
    )


def exact(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows with Decimals as exact strings and dates as ISO text (KPI tables, exports)."""
    return pd.DataFrame([plain(r) for r in rows])
