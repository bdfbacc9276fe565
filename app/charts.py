"""Chart builders: plain functions from model rows to `alt.Chart`; no Streamlit, no queries.

Exact values (Decimal) become floats here, for drawing only; tables show the exact figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd

from spinscope.app import labels

BRUSH = "brush"
PICK = "pick"
SIGNAL_FIELDS = {  # signal: (column, axis title, axis format)
    "errors": ("error_spins", "Errored spins", ",d"),
    "latency": ("slow_spins", "Slow spins (> 500 ms)", ",d"),
    "rtp": ("rtp", "Observed RTP", ".1%"),
}
PARTIAL_NOTE = "Hollow points are buckets still filling (or cut by the range's start): drawn apart, never as a drop."
TIME_FORMAT = "%Y-%m-%d %H:%M UTC"


def frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame with Decimals as floats (charts only) and times as UTC instants, each with a
    `<column>_text` twin written by app/labels.py for tooltips (Vega would format in the viewer's zone)."""
    df = pd.DataFrame(list(rows))
    for column in list(df.columns):
        if df[column].map(lambda v: isinstance(v, Decimal)).any():
            df[column] = df[column].map(lambda v: None if v is None else float(v))
        elif df[column].map(lambda v: isinstance(v, datetime)).any():
            df[f"{column}_text"] = df[column].map(labels.utc)
            df[column] = pd.to_datetime(df[column], utc=True)
        elif df[column].map(lambda v: isinstance(v, date)).any():
            df[f"{column}_text"] = df[column].map(labels.day)
            df[column] = pd.to_datetime(df[column], utc=True)
    return df


def utc_x(field: str, title: str | None = "time (UTC)", fmt: str = "%b %d %H:%M", ticks: str | None = None) -> alt.X:
    """A time axis read in UTC whatever the viewer's zone (`ticks`: one tick per 'day' or 'week')."""
    axis = alt.Axis(format=fmt, labelOverlap=True, **({"tickCount": ticks} if ticks else {}))
    return alt.X(f"{field}:T", title=title, scale=alt.Scale(type="utc"), axis=axis)


def partial_buckets(
    rows: list[Mapping[str, Any]], start: datetime, end: datetime, step_s: int, field: str = "bucket_start"
) -> list[bool]:
    """Which buckets are partial: cut by the range's start, or not over yet (`end` is the next whole minute,
    so a bucket ending after `end` − 1 minute still has spins to come). A partial count is not a drop."""
    filling_from = _naive(end) - timedelta(minutes=1)
    first = _naive(start)
    out = []
    for r in rows:
        at = _naive(r[field])
        out.append(at < first or at + timedelta(seconds=step_s) > filling_from)
    return out


def has_partial(rows: list[Mapping[str, Any]], window: tuple[datetime, datetime, int]) -> bool:
    return bool(rows) and any(partial_buckets(rows, *window))


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def _with_partial(rows: list[dict[str, Any]], window: tuple[datetime, datetime, int] | None) -> pd.DataFrame:
    df = frame(rows)
    flags = partial_buckets(rows, *window) if window and rows else [False] * len(df)
    df["bucket"] = ["partial (still filling)" if p else "complete" for p in flags]
    return df


def _series(
    df: pd.DataFrame, field: str, title: str, axis_format: str, area: bool, height: int, x_title: str | None
) -> tuple[alt.Chart, alt.Chart]:
    """The complete buckets as a line (or area) and the partial ones as faint points."""
    tooltip = [
        alt.Tooltip("bucket_start_text:N", title="Bucket"),
        alt.Tooltip(f"{field}:Q", title=title, format=axis_format),
        alt.Tooltip("bucket:N", title="bucket"),
    ]
    base = alt.Chart(df).encode(
        x=utc_x("bucket_start", x_title, "%H:%M"),
        y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=axis_format)),
        tooltip=tooltip,
    )
    complete = base.transform_filter(alt.datum.bucket == "complete")
    line = complete.mark_area(opacity=0.35, line=True) if area else complete.mark_line()
    partial = base.transform_filter(alt.datum.bucket != "complete").mark_point(
        opacity=0.5, filled=False, size=60, strokeDash=[2, 2]
    )
    return line.properties(height=height), partial


def signal_chart(
    rows: list[dict[str, Any]],
    signal: str,
    brushed: tuple[Any, Any] | None = None,
    window: tuple[datetime, datetime, int] | None = None,
) -> alt.LayerChart:
    """The signal per bucket with an x-interval brush named 'brush' (the window to investigate);
    partial buckets (see `partial_buckets`) are faint points off the line."""
    df = _with_partial(rows, window)
    if signal == "rtp" and not df.empty:
        df["rtp"] = [w / b if b else None for w, b in zip(df["win_amount"], df["bet_amount"], strict=True)]
    field, title, axis_format = SIGNAL_FIELDS[signal]
    brush = alt.selection_interval(name=BRUSH, encodings=["x"], value={"x": list(brushed)} if brushed else None)
    line, partial = _series(df, field, title, axis_format, signal != "rtp", 220, "time (UTC)")
    return alt.layer(line.add_params(brush), partial)


def trend_chart(
    rows: list[dict[str, Any]], field: str, title: str, window: tuple[datetime, datetime, int] | None = None
) -> alt.LayerChart:
    line, partial = _series(_with_partial(rows, window), field, title, ",d", False, 160, None)
    return alt.layer(line, partial)


def sli_chart(rows: list[dict[str, Any]], target: float) -> alt.Chart:
    df = frame(rows)
    line = (
        alt.Chart(df)
        .mark_line(point=False)
        .encode(
            x=utc_x("bucket_end"),
            y=alt.Y("sli:Q", title="SLI", scale=alt.Scale(zero=False), axis=alt.Axis(format=".2%")),
            color=alt.Color("group:N", title="Group"),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("bucket_end_text:N", title="Bucket end"),
                alt.Tooltip("sli:Q", title="SLI", format=".3%"),
                alt.Tooltip("good:Q", title="Good events", format=",d"),
                alt.Tooltip("total:Q", title="Events", format=",d"),
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
        id_vars=["group", "at", "at_text"],
        value_vars=["remaining_ratio", "ideal_ratio"],
        var_name="line",
        value_name="budget",
    )
    long["line"] = long["line"].map({"remaining_ratio": "budget remaining", "ideal_ratio": "ideal"})
    return (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=utc_x("at"),
            y=alt.Y("budget:Q", title="Error budget left", axis=alt.Axis(format="%")),
            color=alt.Color("group:N", title="Group"),
            strokeDash=alt.StrokeDash("line:N", title=None),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("line:N", title="Line"),
                alt.Tooltip("at_text:N", title="At"),
                alt.Tooltip("budget:Q", title="Budget left", format=".1%"),
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
            y=alt.Y("label:N", sort=list(df["label"]), title=None, axis=alt.Axis(labelLimit=420)),
            yOffset=alt.YOffset("set:N"),
            x=alt.X("ratio:Q", title="Share of spins", axis=alt.Axis(format="%")),
            color=alt.Color(
                "set:N",
                title=None,
                scale=alt.Scale(domain=["selection", "baseline"], range=["#d62728", "#9e9e9e"]),
                legend=alt.Legend(orient="top"),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)),
            tooltip=[
                alt.Tooltip("attribute:N", title="Attribute"),
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("set:N", title="Set"),
                alt.Tooltip("ratio:Q", title="Share", format=".1%"),
            ],
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
            y=alt.Y("label:N", sort=list(df["label"]), title=None, axis=alt.Axis(labelLimit=420)),
            x=alt.X("excess_bets:Q", title="Excess payout (in stakes)"),
            color=alt.condition("datum.explains_alert", alt.value("#d62728"), alt.value("#9e9e9e")),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)),
            tooltip=[
                alt.Tooltip("attribute:N", title="Attribute"),
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("spins:Q", title="Spins", format=",d"),
                alt.Tooltip("excess_bets:Q", title="Excess payout (stakes)", format=",.1f"),
                alt.Tooltip("z:Q", format=".2f"),
                alt.Tooltip("share:Q", title="Share of excess", format=".0%"),
            ],
        )
        .add_params(pick)
        .properties(height=max(160, 22 * len(df)))
    )


def funnel_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """Observed RTP against spins, inside the band that narrows onto the theoretical line."""
    df = frame(rows)
    x = alt.X("cumulative_spins:Q", title="Spins (cumulative)", axis=alt.Axis(format="~s"))
    band = (
        alt.Chart(df)
        .mark_area(opacity=0.25, color="#1f77b4")
        .encode(
            x=x,
            y=alt.Y("band_low:Q", title="RTP", scale=alt.Scale(zero=False), axis=alt.Axis(format=".1%")),
            y2="band_high:Q",
        )
    )
    observed = (
        alt.Chart(df)
        .mark_line(color="#d62728", point=True)
        .encode(
            x=x,
            y="observed_rtp:Q",
            tooltip=[
                alt.Tooltip("cumulative_spins:Q", title="Spins", format=",d"),
                alt.Tooltip("observed_rtp:Q", title="Observed RTP", format=".2%"),
                alt.Tooltip("band_low:Q", title="Band low", format=".2%"),
                alt.Tooltip("band_high:Q", title="Band high", format=".2%"),
            ],
        )
    )
    theory = alt.Chart(df).mark_line(strokeDash=[6, 4], color="#888888").encode(x=x, y="theoretical_rtp:Q")
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
    ids = [at, f"{at}_text"] if f"{at}_text" in df.columns else [at]
    long = df.melt(id_vars=ids, value_vars=list(stats), var_name="statistic", value_name="value")
    long["statistic"] = long["statistic"].map(stats)
    return (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=utc_x(at),
            y=alt.Y("value:Q", title="CUSUM"),
            color=alt.Color("statistic:N", title=None),
            tooltip=[
                alt.Tooltip("statistic:N", title="Statistic"),
                alt.Tooltip(f"{at}_text:N", title="Batch"),
                alt.Tooltip("value:Q", title="CUSUM", format=".2f"),
            ],
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
            tooltip=[
                alt.Tooltip("span_name:N", title="Span"),
                alt.Tooltip("span_id:N", title="Span id"),
                alt.Tooltip("offset_ms:Q", title="Starts at (ms)", format=",.1f"),
                alt.Tooltip("duration_ms:Q", title="Duration (ms)", format=",.1f"),
                alt.Tooltip("status_code:N", title="Status"),
            ],
        )
        .properties(height=max(120, 26 * len(df)))
    )


KPI_AXIS_FORMATS = {"percent": ".1%", "count": ",d", "duration": ",.0f", "money": ",.2f", "number": ",.1f"}


def kpi_trend_chart(
    rows: list[dict[str, Any]], metric: str, period: str = "period_start", grain: str = "day"
) -> alt.Chart:
    """One KPI per day or week, a line per game version (amounts only ever within one currency)."""
    m = labels.metric(metric)
    fmt = KPI_AXIS_FORMATS.get(m.kind, ",.2f")
    if m.kind == "money" and rows:
        fmt = f",.{labels.minor_units(rows[0].get('currency'))}f"
    title = m.label + (" (ms)" if m.kind == "duration" else "")
    df = frame(rows)
    df["series"] = df["game_id"] + " " + df["game_version"] + " " + df["currency"]
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=utc_x(period, None, "%b %d", "week" if grain == "week" else "day"),
            y=alt.Y(f"{metric}:Q", title=title, axis=alt.Axis(format=fmt)),
            color=alt.Color("series:N", title="Game version currency", legend=alt.Legend(labelLimit=260)),
            tooltip=[
                alt.Tooltip("series:N", title="Game version currency"),
                alt.Tooltip(f"{period}_text:N", title="Week of" if grain == "week" else "Day"),
                alt.Tooltip(f"{metric}:Q", title=title, format=fmt),
            ],
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
