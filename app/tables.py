"""Display tables: model and analytics rows → DataFrames people read (labels and formats from app/labels.py).

Row-wise only (no aggregation). Cells are display text, and numeric columns carry their values for
sorting (app/grid.py draws both); the exact figures stay in the rows the downloads are built from.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from spinscope.app import labels, view

KPI_COLUMNS = (
    "game_id",
    "game_version",
    "currency",
    "spins",
    "handle_amount",
    "win_amount",
    "ggr_amount",
    "hold_ratio",
    "rtp_ratio",
    "average_bet_amount",
    "active_players",
    "arpu_amount",
    "hit_frequency_ratio",
    "spins_per_session",
    "paid_spins",
    "free_spins",
    "error_rate_ratio",
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "money_error_spins",
)
TRACE_COLUMNS = (
    "started_at",
    "duration_ms",
    "status",
    "error_type",
    "game_id",
    "game_version",
    "region",
    "instance_id",
    "bet_amount",
    "win_amount",
    "currency",
    "span_count",
    "trace_id",
)


def _group(group: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in group.items()) or "all"


def current_burn(slo: dict[str, Any]) -> labels.Cell:
    """The burn rate of the shortest long window (the burn happening now), with its window."""
    pairs = slo["alert"]["pairs"]
    if not pairs or pairs[0]["long_burn_rate"] is None:
        return labels.Cell(labels.DASH, None)
    first = pairs[0]
    return labels.Cell(f"{labels.multiple(first['long_burn_rate'], 2)} ({first['long']})", first["long_burn_rate"])


def _frame(rows: list[dict[str, Any]], helps: dict[str, str] | None = None) -> pd.DataFrame:
    """Hand-built rows (text or labels.Cell) as a display frame whose Cell columns sort by value."""
    return labels.frame(rows, helps)


def slo_table(slos: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {
            "SLO": s["display_name"] or s["slo"],
            "Group": _group(s["group"]),
            "State": view.state(s["alert"]["state"]),
            "SLI": labels.cell(s["sli"], labels.PERCENT, 3),
            "Target": labels.cell(s["target"], labels.PERCENT, 3),
            "Budget left": labels.cell(s["budget"]["remaining_ratio"], labels.PERCENT, 1),
            "Budget": s["budget"]["state"].replace("_", " "),
            "Burn rate now": current_burn(s),
            "Good events": labels.cell(s["events"]["good"], labels.COUNT),
            "Events": labels.cell(s["events"]["total"], labels.COUNT),
            "Window": s["window"]["duration"],
        }
        for s in slos
    ]
    return _frame(
        rows,
        {
            "Budget left": "Share of the error budget not yet spent in the SLO window.",
            "Burn rate now": (
                "How fast the budget burns over the shortest alert window; 1× spends it exactly by the end."
            ),
        },
    )


def burn_table(slo: dict[str, Any]) -> pd.DataFrame:
    """The multi-window burn-rate pairs of one SLO with their alert states."""
    rows = []
    for p in slo["alert"]["pairs"]:
        state = "FIRING" if p["firing"] else ("burning, too few events" if p["burning"] else "quiet")
        rows.append(
            {
                "Pair": p["name"],
                "Severity": p["severity"],
                "Long window": p["long"],
                "Short window": p["short"],
                "Fires at": labels.cell(p["factor"], labels.MULTIPLE, 1),
                "Long burn": labels.cell(p["long_burn_rate"], labels.MULTIPLE, 2),
                "Short burn": labels.cell(p["short_burn_rate"], labels.MULTIPLE, 2),
                "Long events": labels.cell(p["long_events"]["total"], labels.COUNT),
                "Short events": labels.cell(p["short_events"]["total"], labels.COUNT),
                "State": state if p["can_fire"] else "cannot fire at this target",
            }
        )
    return _frame(rows)


def rtp_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = [
        {
            "Game": r["game_id"],
            "Version": r["game_version"],
            "Currency": "all" if r["currency"] == "*" else r["currency"],
            "Spins": labels.cell(r["spins"], labels.COUNT),
            "Observed RTP": labels.cell(r["observed_rtp"], labels.PERCENT, 2),
            "Theoretical RTP": labels.cell(r["theoretical_rtp"], labels.PERCENT, 2),
            "Band": labels.DASH
            if r["band_low"] is None
            else f"{labels.percent(r['band_low'], 2)} … {labels.percent(r['band_high'], 2)}",
            "z": labels.cell(r["z"], labels.NUMBER, 2),
            "p-value": labels.Cell(
                labels.DASH if r["p_value"] is None else f"{float(r['p_value']):.3g}", labels.sort_value(r["p_value"])
            ),
            "State": view.state(r["state"]),
            "Reference": r["reference"] or labels.DASH,
            "Drift began": labels.utc(r["drift_began"]),
        }
        for r in rows
    ]
    return _frame(
        out,
        {
            "Band": "Where the observed RTP should lie given the spins so far (volatility band).",
            "z": "Standard deviations between observed and theoretical RTP.",
        },
    )


def versions_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = labels.table(rows, ("game_id", "game_version", "first_seen_at", "last_seen_at", "spins_in_range"))
    frame["New"] = ["new" if r["is_new"] else "" for r in rows]
    return frame


def kpi_table(rows: list[dict[str, Any]], grain: str) -> pd.DataFrame:
    """KPI rows per day or ISO week: the period first, then who, then the figures."""
    frame = labels.table(rows, KPI_COLUMNS)
    frame.insert(0, "Day" if grain == "day" else "Week of", [labels.day(r["period_start"]) for r in rows])
    return frame


def wow_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return labels.table(rows)


def exact(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows with labelled headers and every figure formatted (the archive trend and other plain tables)."""
    return labels.table(rows)


def rca_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Ranked findings: attribute and full value, share in selection vs baseline, lift, q-value, spins explained."""
    shaped = [
        {
            "attribute": r["attribute"],
            "value": r["value"],
            "selection_ratio": r.get("selection_ratio"),
            "baseline_ratio": r.get("baseline_ratio"),
            "lift": lift(r),
            "q_value": r.get("q_value"),
            "share": r.get("share"),
            "selection_count": r.get("selection_count"),
            **({"kind": r.get("kind")} if "kind" in r else {}),
        }
        for r in rows
    ]
    return labels.table(shaped)


def rtp_rca_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    shaped = [
        {
            "attribute": r["attribute"],
            "value": r["value"],
            "spins": r.get("spins"),
            "excess_bets": r.get("excess_bets"),
            "excess_share": r.get("share"),
            "z": r.get("z"),
            "z_without": r.get("z_without"),
            "explains_alert": "yes" if r.get("explains_alert") else "no",
        }
        for r in rows
    ]
    return labels.table(shaped)


def lift(row: dict[str, Any]) -> float | None:
    """How many times more common the value is in the selection than in the baseline (None: not in baseline)."""
    sel, base = row.get("selection_ratio"), row.get("baseline_ratio")
    if sel is None or not base:
        return None
    return float(Decimal(str(sel)) / Decimal(str(base)))


def traces_table(traces: list[dict[str, Any]]) -> pd.DataFrame:
    return labels.table(traces, [c for c in TRACE_COLUMNS if not traces or c in traces[0]])


def logs_table(logs: list[dict[str, Any]]) -> pd.DataFrame:
    shaped = [
        {**log, "attributes": ", ".join(f"{k}={v}" for k, v in (log.get("attributes") or {}).items())} for log in logs
    ]
    return labels.table(shaped, ("logged_at", "severity", "service_name", "body", "span_id", "attributes"))


ALERT_LINKS = ("investigate_url", "dashboard_url", "runbook_url")


def alerts_table(rows: list[dict[str, Any]], resolved: bool = False) -> pd.DataFrame:
    """Alerts as people read them (firing and pending, or `resolved` ones with when they resolved); the
    link columns keep their URLs (`ALERT_LINKS`) and are drawn as links."""
    shaped = [
        {
            **({"Resolved": labels.utc(r.get("resolved_at"))} if resolved else {}),
            "Severity": r["severity"].upper() if r["severity"] == "page" else r["severity"],
            "State": r["state"],
            "Alert": r["alertname"],
            "Scope": r["scope"],
            "Since": labels.utc(r["since"]),
            "Value": labels.Cell(labels.number(r["value"], 2), r["value"]),
            "Silenced": "yes" if r.get("silenced") else "",
            "Summary": r["summary"],
            **{k: r.get(k) or None for k in ALERT_LINKS},
        }
        for r in rows
    ]
    frame = _frame(shaped, {"Value": "The burn rate (SLO alerts) or z (RTP alerts) when it last fired."})
    frame.attrs["links"] = {"investigate_url": "Investigate", "dashboard_url": "Open", "runbook_url": "Runbook"}
    return frame


def silences_table(silences: list[dict[str, Any]]) -> pd.DataFrame:
    return _frame(
        [
            {
                "Matchers": ", ".join(f"{k}={v}" for k, v in sorted(s["matchers"].items())),
                "From": labels.utc(s["starts_at"]),
                "Until": labels.utc(s["ends_at"]),
                "Created by": s["created_by"],
                "Comment": s["comment"],
                "Maintenance": "yes" if s["is_maintenance"] else "",
                "Excludes budget": "yes" if s.get("excludes_budget") else "",
                "Silence": str(s["silence_id"]),
            }
            for s in silences
        ]
    )
