"""KPIs: daily and weekly tables and trends per game, version and currency; week-over-week; downloads."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from spinscope.app import access, charts, data, exports, labels, sidebar, tables, view

TREND_METRICS = (
    "ggr_amount",
    "handle_amount",
    "rtp_ratio",
    "hold_ratio",
    "spins",
    "active_players",
    "error_rate_ratio",
    "latency_p99_ms",
    "arpu_amount",
    "hit_frequency_ratio",
)
WOW_METRICS = ("spins", "handle_amount", "ggr_amount", "rtp_ratio", "active_players", "error_rate_ratio")

f = sidebar.current()
source = data.source_key()
st.title("KPIs")

last = f.end.date() if f.end.time() != f.end.time().min else f.end.date() - timedelta(days=1)
c1, c2, c3 = st.columns([2, 2, 3])
days = c1.number_input("Days", min_value=1, max_value=400, value=max(7, (f.end - f.start).days), key="kpi_days")
by = c2.selectbox("Per", ("game,version", "game"), key="kpi_by", format_func=lambda b: b.replace(",", " and "))
metric = c3.selectbox("Trend of", TREND_METRICS, key="kpi_metric", format_func=labels.label)
first = last - timedelta(days=int(days) - 1)
st.caption(
    f"{first} → {last} (UTC days, inclusive). Money is exact; amounts are never added across currencies. "
    + ("KPIs cover every environment." if f.environment else "")
)


def keep(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not f.game_id or r["game_id"] == f.game_id]


# One grain at a time: each KPI query scans the range, so only the view asked for is computed.
shown = st.segmented_control(
    "View", ("Daily", "Weekly", "Week over week"), default="Daily", key="kpi_view", required=True
)
grain = "day" if shown == "Daily" else "week"
from_day = first if grain == "day" else first - timedelta(days=first.weekday())
with st.spinner(f"Computing the {'daily' if grain == 'day' else 'weekly'} KPIs…"):
    rows = keep(view.fetch(data.kpi_rows, source, from_day, last, grain, by))
if not rows:
    st.info(f"No spins between {first} and {last} for these filters.")
    st.stop()

currencies = sorted({r["currency"] for r in rows})
currency = st.selectbox(
    "Trend currency (amounts are per currency)",
    currencies,
    index=currencies.index("EUR") if "EUR" in currencies else 0,
    key="kpi_currency",
)
if shown == "Week over week":
    st.caption("Each ISO week against the same game, version and currency's previous week (exact differences).")
    rows = exports.week_over_week(rows, WOW_METRICS)
    view.show_table(tables.wow_table(rows))
else:
    st.altair_chart(
        charts.kpi_trend_chart([r for r in rows if r["currency"] == currency], metric, grain=grain), width="stretch"
    )
    view.show_table(tables.kpi_table(rows, grain))

st.subheader("Download")
st.caption(
    f"The {shown.lower()} table above; files are built when you click (machine column names, exact amounts), "
    "nothing is prepared while the page loads."
)
FORMATS = (
    ("CSV", exports.to_csv, "csv", "text/csv"),
    ("Excel", exports.to_excel, "xlsx", exports.EXCEL_MIME),
    ("Parquet", exports.to_parquet, "parquet", "application/vnd.apache.parquet"),
)
OPERATOR_ONLY = "Downloads and the weekly report are exports: they need the operator role."
name = f"spinscope-kpis-{shown.lower().replace(' ', '-')}-{first}-{last}"
if not access.may("operator"):
    st.info(OPERATOR_ONLY)
for column, (title, build, ext, mime) in zip(st.columns(3), FORMATS, strict=True) if access.may("operator") else ():
    access.download(column, f"{shown} {title}", exports.deferred(build, rows), f"{name}.{ext}", mime, f"{ext}_kpis")

from spinscope.export import week_name  # noqa: E402 -- heavy (DuckDB, Excel): after the tables are shown

st.subheader("Weekly report")
st.caption(
    "The same files `spinscope export weekly` writes: headline with week-over-week change, games, SLOs, "
    "latency and errors, top movers. Built when you click."
)
mondays = [last - timedelta(days=last.weekday() + 7 * i) for i in range(1, 9)]
monday = st.selectbox("ISO week", mondays, key="kpi_report_week", format_func=lambda m: week_name(m))
config = data.config_key()
for column, fmt in zip(st.columns(4), ("xlsx", "csv", "parquet", "html"), strict=True):
    if not access.may("operator"):
        break
    file_name, mime = data.weekly_report_meta(monday, fmt)
    access.download(
        column,
        f"{week_name(monday)} {fmt}",
        lambda fmt=fmt: data.weekly_report_file(source, monday, fmt, config)[1],
        file_name,
        mime,
        f"report_{fmt}",
    )

st.subheader("Long-term trend (KPI archive)")
trend = data.archive_trend_rows(26)
if isinstance(trend, str):
    st.info(f"No archive to read yet: {trend} Each `spinscope export weekly` adds its week to it.")
elif not trend:
    st.info("The archive holds no weeks yet: each `spinscope export weekly` adds its week.")
else:
    view.show_table(tables.exact(trend))
