"""Chart builders: plain functions from model rows to `alt.Chart`; no Streamlit, no queries.

Exact values (Decimal) become floats here, for drawing only; tables show the exact figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd

BRUSH = "brush"
PICK = "pick"
SIGNAL_FIELDS = {
    "errors": ("error_spins", "error spins"),
    "latency": ("slow_spins", "slow spins"),
    "rtp": ("rtp", "observed RTP"),
}


def frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame with Decimals as floats (charts only)."""
    df = pd.DataFrame(list(rows))
    for column in df.columns:
        if df[column].map(lambda v: isinstance(v, Decimal)).any():
            df[column] = df[column].map(lambda v: None if v is None else float(v))
    return df


def signal_chart(rows: list[dict[str, Any]], signal: str, brushed: tuple[Any, Any] | None = None) -> alt.Chart:
    """The signal per bucket with an x-interval brush named 'brush' (the window to investigate)."""
    df = frame(rows)
    if signal == "rtp" and not df.empty:
        df["rtp"] = [w / b if b else None for w, b in zip(df["win_amount"], df["bet_amount"], strict=True)]
    field, title = SIGNAL_FIELDS[signal]
    brush = alt.selection_interval(name=BRUSH, encodings=["x"], value={"x": list(brushed)} if brushed else None)
    base = alt.Chart(df).encode(
        x=alt.X("bucket_start:T", title="time (UTC)"),
        y=alt.Y(f"{field}:Q", title=title),
        tooltip=[
            alt.Tooltip("bucket_start:T", format="%Y-%m-%d %H:%M"),
            alt.Tooltip(f"{field}:Q"),
            alt.Tooltip("spins:Q"),
        ],
    )
    mark = base.mark_area(opacity=0.35, line=True) if signal != "rtp" else base.mark_line(point=False)
    return mark.add_params(brush).properties(height=220)


def trend_chart(rows: list[dict[str, Any]], field: str, title: str) -> alt.Chart:
    return (
        alt.Chart(frame(rows))
        .mark_line()
        .encode(
            x=alt.X("bucket_start:T", title=None),
            y=alt.Y(f"{field}:Q", title=title),
            tooltip=[alt.Tooltip("bucket_start:T", format="%Y-%m-%d %H:%M"), alt.Tooltip(f"{field}:Q")],
        )
        .properties(height=160)
    )


def sli_chart(rows: list[dict[str, Any]], target: float) -> alt.Chart:
    df = frame(rows)
    line = (
        alt.Chart(df)
        .mark_line(point=False)
        .encode(
            x=alt.X("bucket_end:T", title="time (UTC)"),
            y=alt.Y("sli:Q", title="SLI", scale=alt.Scale(zero=False), axis=alt.Axis(format="%")),
            color=alt.Color("group:N", title="group"),
            tooltip=[
                "group:N",
                alt.Tooltip("bucket_end:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("sli:Q", format=".4%"),
                "good:Q",
                "total:Q",
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(strokeDash=[6, 4], color="firebrick")
        .encode(y="target:Q")
    )
    return (line + rule).properties(height=240)


def burndown_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """Error budget remaining against the ideal (linear) burn."""
    df = frame(rows)
    long = df.melt(
        id_vars=["group", "at"], value_vars=["remaining_ratio", "ideal_ratio"], var_name="line", value_name="budget"
    )
    long["line"] = long["line"].map({"remaining_ratio": "budget remaining", "ideal_ratio": "ideal"})
    return (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("at:T", title="time (UTC)"),
            y=alt.Y("budget:Q", title="error budget remaining", axis=alt.Axis(format="%")),
            color=alt.Color("group:N"),
            strokeDash=alt.StrokeDash("line:N", title=None),
            tooltip=[
                "group:N",
                "line:N",
                alt.Tooltip("at:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("budget:Q", format=".2%"),
            ],
        )
        .properties(height=240)
    )


def rank_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """Selection vs baseline share per attribute value; clicking a bar selects it ('pick')."""
    df = frame(rows)
    df["label"] = df["attribute"] + " = " + df["value"]
    long = df.melt(
        id_vars=["label", "attribute", "value"],
        value_vars=["selection_ratio", "baseline_ratio"],
        var_name="set",
        value_name="ratio",
    )
    long["set"] = long["set"].map({"selection_ratio": "selection", "baseline_ratio": "baseline"})
    pick = alt.selection_point(name=PICK, fields=["attribute", "value"], on="click")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=list(df["label"]), title=None),
            yOffset=alt.YOffset("set:N"),
            x=alt.X("ratio:Q", title="share of spins", axis=alt.Axis(format="%")),
            color=alt.Color("set:N", scale=alt.Scale(domain=["selection", "baseline"], range=["#d62728", "#9e9e9e"])),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)),
            tooltip=["attribute:N", "value:N", "set:N", alt.Tooltip("ratio:Q", format=".2%")],
        )
        .add_params(pick)
        .properties(height=max(160, 26 * len(df)))
    )


def rtp_rank_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """RTP segments by excess payout (in stakes: each spin's own bet); clicking a bar selects it ('pick')."""
    df = frame(rows)
    df["label"] = df["attribute"] + " = " + df["value"]
    pick = alt.selection_point(name=PICK, fields=["attribute", "value"], on="click")
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=list(df["label"]), title=None),
            x=alt.X("excess_bets:Q", title="excess payout (in stakes)"),
            color=alt.condition("datum.explains_alert", alt.value("#d62728"), alt.value("#9e9e9e")),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)),
            tooltip=[
                "attribute:N",
                "value:N",
                "spins:Q",
                alt.Tooltip("z:Q", format=".2f"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .add_params(pick)
        .properties(height=max(160, 22 * len(df)))
    )


def funnel_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """Observed RTP against spins, inside the band that narrows onto the theoretical line."""
    df = frame(rows)
    x = alt.X("cumulative_spins:Q", title="spins (cumulative)")
    band = (
        alt.Chart(df)
        .mark_area(opacity=0.25, color="#1f77b4")
        .encode(x=x, y=alt.Y("band_low:Q", title="RTP", scale=alt.Scale(zero=False)), y2="band_high:Q")
    )
    observed = (
        alt.Chart(df)
        .mark_line(color="#d62728", point=True)
        .encode(
            x=x,
            y="observed_rtp:Q",
            tooltip=[
                "cumulative_spins:Q",
                alt.Tooltip("observed_rtp:Q", format=".5f"),
                alt.Tooltip("band_low:Q", format=".5f"),
                alt.Tooltip("band_high:Q", format=".5f"),
            ],
        )
    )
    theory = alt.Chart(df).mark_line(strokeDash=[6, 4], color="black").encode(x=x, y="theoretical_rtp:Q")
    return (band + theory + observed).properties(height=280)


def _first(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


def cusum_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """The sequential detector's statistics (upward and downward CUSUM) per batch."""
    df = frame(rows)
    at = _first(df, "batch_end", "batch_start") or "batch_end"
    stats = {
        name: label
        for name, label in (
            ("cusum_up", "RTP above"),
            ("cusum_over", "RTP above"),
            ("cusum_down", "RTP below"),
            ("cusum_under", "RTP below"),
        )
        if name in df.columns
    }
    long = df.melt(id_vars=[at], value_vars=list(stats), var_name="statistic", value_name="value")
    long["statistic"] = long["statistic"].map(stats)
    return (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X(f"{at}:T", title="time (UTC)"),
            y=alt.Y("value:Q", title="CUSUM"),
            color=alt.Color("statistic:N", title=None),
            tooltip=["statistic:N", alt.Tooltip(f"{at}:T", format="%Y-%m-%d %H:%M"), "value:Q"],
        )
        .properties(height=200)
    )


def waterfall_chart(spans: list[dict[str, Any]]) -> alt.Chart:
    """A trace's spans as a Gantt chart: one bar per span from its offset, errors in red."""
    df = frame(spans)
    df["end_ms"] = df["offset_ms"] + df["duration_ms"]
    df = df.sort_values(["offset_ms", "span_name"]).reset_index(drop=True)
    df["label"] = [f"{i + 1:02d} {name}" for i, name in enumerate(df["span_name"])]
    return (
        alt.Chart(df)
        .mark_bar(cornerRadius=2)
        .encode(
            y=alt.Y("label:N", sort=list(df["label"]), title=None),
            x=alt.X("offset_ms:Q", title="ms since the trace started"),
            x2="end_ms:Q",
            color=alt.condition(alt.datum.status_code == "Error", alt.value("#d62728"), alt.value("#1f77b4")),
            tooltip=["span_name:N", "span_id:N", "offset_ms:Q", "duration_ms:Q", "status_code:N"],
        )
        .properties(height=max(120, 26 * len(df)))
    )


def kpi_trend_chart(rows: list[dict[str, Any]], metric: str, period: str = "period_start") -> alt.Chart:
    df = frame(rows)
    df["series"] = df["game_id"] + " " + df["game_version"] + " " + df["currency"]
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{period}:T", title=None),
            y=alt.Y(f"{metric}:Q", title=metric),
            color=alt.Color("series:N", title="game version currency"),
            tooltip=["series:N", alt.Tooltip(f"{period}:T", format="%Y-%m-%d"), alt.Tooltip(f"{metric}:Q")],
        )
        .properties(height=260)
    )


def alert_timeline_chart(rows: list[dict[str, Any]], now: Any) -> alt.Chart:
    """Each alert's last episode as a bar from when it fired (or began pending) to its resolve (or now)."""
    df = pd.DataFrame(
        [
            {
                "alert": f"{r['alertname']} {r['scope']}",
                "severity": r["severity"],
                "state": r["state"],
                "start": r["since"],
                "end": r["resolved_at"] or now,
                "summary": r["summary"],
            }
            for r in rows
        ]
    )
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("start:T", title=None),
            x2="end:T",
            y=alt.Y("alert:N", title=None, sort="-x"),
            color=alt.Color("severity:N", scale=alt.Scale(domain=["page", "ticket"], range=["#d62728", "#ff7f0e"])),
            tooltip=["alert", "severity", "state", "start:T", "end:T", "summary"],
        )
        .properties(height=max(120, 24 * len(df)))
    )
