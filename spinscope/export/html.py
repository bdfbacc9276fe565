"""The weekly report as one self-contained HTML page for e-mail: tables as HTML, charts as Altair.

Tables are plain HTML (readable in any mail client, decimals as exact strings). Charts are
drawn to SVG at export time (vl-convert runs vega in-process) and inlined, because mail
clients run no scripts and an operator's network may not reach a CDN: the page needs nothing
but itself. Chart builders are plain functions returning `alt.Chart`; output is deterministic
(no clock, no random ids, UTC time scales, the spec serialised with sorted keys).
"""

from __future__ import annotations

import html
import json
from typing import Any

import altair as alt
import vl_convert

from spinscope.export.formats import csv_value
from spinscope.export.tables import Table, WeeklyReport

STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 6px}th{background:#eee;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#666}figure{margin:0 0 1em}"
)


def trend_chart(rows: list[dict[str, Any]], time_column: str, value_column: str, title: str) -> alt.Chart:
    """A line per currency of `value_column` over `time_column` (amounts are never added across currencies)."""
    data = [
        {
            "t": r[time_column].isoformat(),
            "currency": r["currency"],
            "value": None if r.get(value_column) is None else float(r[value_column]),
        }
        for r in rows
    ]
    return (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("t:T", title=time_column, scale=alt.Scale(type="utc")),
            y=alt.Y("value:Q", title=value_column),
            color=alt.Color("currency:N"),
            tooltip=["t:T", "currency:N", "value:Q"],
        )
        .properties(width=560, height=220)
    )


def charts(report: WeeklyReport) -> list[tuple[str, alt.Chart]]:
    daily, trend = report.table("daily").rows, report.table("weekly_trend").rows
    out = []
    if daily:
        out.append(("daily-spins", trend_chart(daily, "day", "spins", "Spins per day")))
        out.append(("daily-ggr", trend_chart(daily, "day", "ggr_amount", "GGR per day (per currency)")))
    if trend:
        out.append(("weekly-ggr", trend_chart(trend, "week_start", "ggr_amount", "GGR per week (per currency)")))
        out.append(("weekly-rtp", trend_chart(trend, "week_start", "rtp_ratio", "RTP per week")))
    return out


def chart_svg(chart: alt.Chart) -> str:
    """The chart drawn as an SVG element (vega escapes the text it draws)."""
    spec = json.dumps(chart.to_dict(), sort_keys=True, separators=(",", ":"))
    return vl_convert.vegalite_to_svg(spec)


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.column_names)
    if not table.rows:
        body = f'<tr><td colspan="{len(table.columns)}" class="note">no rows</td></tr>'
    else:
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{' class=n' if c.kind in ('int', 'float', 'decimal') else ''}>"
                f"{html.escape(csv_value(row.get(c.name)))}</td>"
                for c in table.columns
            )
            + "</tr>"
            for row in table.rows
        )
    return f"<h2>{html.escape(table.title)}</h2>\n<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"


def to_html(report: WeeklyReport) -> str:
    about = {r["item"]: r["value"] for r in report.table("about").rows}
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>spinscope weekly KPIs {html.escape(report.iso_week)}</title>",
        f"<style>{STYLE}</style>",
        "</head><body>",
        f"<h1>Weekly KPIs {html.escape(report.iso_week)}</h1>",
        f"<p><strong>{html.escape(about.get('status', ''))}</strong><br>"
        f'<span class="note">{html.escape(about.get("week", ""))}; generated_for_week '
        f"{html.escape(report.iso_week)}</span></p>",
    ]
    for name, chart in charts(report):
        parts.append(f'<figure id="{name}">{chart_svg(chart)}</figure>')
    for table in report.tables:
        if table.name != "about":
            parts.append(_table_html(table))
    parts.append(_table_html(report.table("about")))
    parts.append("</body></html>\n")
    return "\n".join(parts)
