"""KPIs: daily and weekly tables and trends per game, version and currency; week-over-week; downloads."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st
from spinscope.app import access, charts, data, exports, sidebar, tables, view

from spinscope.export import week_name

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
metric = c3.selectbox("Trend of", TREND_METRICS, key="kpi_metric")
first = last - timedelta(days=int(days) - 1)
st.caption(
    f"{first} → {last} (UTC days, inclusive). Money is exact; amounts are never added across currencies. "
    + ("KPIs cover every environment." if f.environment else "")
)


def keep(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not f.game_id or r["game_id"] == f.game_id]


daily = keep(view.fetch(data.kpi_rows, source, first, last, "day", by))
weekly = keep(view.fetch(data.kpi_rows, source, first - timedelta(days=first.weekday()), last, "week", by))
if not daily:
    st.info(f"No spins between {first} and {last} for these filters.")
    st.stop()

currencies = sorted({r["currency"] for r in daily})
currency = st.selectbox(
    "Trend currency (amounts are per currency)",
    currencies,
    index=currencies.index("EUR") if "EUR" in currencies else 0,
    key="kpi_currency",
)
tab_day, tab_week, tab_wow = st.tabs(["Daily", "Weekly", "Week over week"])
with tab_day:
    st.altair_chart(charts.kpi_trend_chart([r for r in daily if r["currency"] == currency], metric), width="stretch")
    st.dataframe(tables.exact(daily), hide_index=True, width="stretch")
with tab_week:
    st.altair_chart(charts.kpi_trend_chart([r for r in weekly if r["currency"] == currency], metric), width="stretch")
    st.dataframe(tables.exact(weekly), hide_index=True, width="stretch")
with tab_wow:
    st.caption("Each ISO week against the same game, version and currency's previous week (exact differences).")
    st.dataframe(tables.exact(exports.week_over_week(weekly, WOW_METRICS)), hide_index=True, width="stretch")

st.subheader("Download")
OPERATOR_ONLY = "Downloads and the weekly report are exports: they need the operator role."
if not access.may("operator"):
    st.info(OPERATOR_ONLY)
for grain, rows in (("daily", daily), ("weekly", weekly)) if access.may("operator") else ():
    name = f"spinscope-kpis-{grain}-{first}-{last}"
    d1, d2, d3 = st.columns(3)
    access.download(d1, f"{grain} CSV", lambda r=rows: exports.to_csv(r), f"{name}.csv", "text/csv", f"csv_{grain}")
    access.download(
        d2, f"{grain} Excel", lambda r=rows: exports.to_excel(r), f"{name}.xlsx", exports.EXCEL_MIME, f"xlsx_{grain}"
    )
    access.download(
        d3,
        f"{grain} Parquet",
        lambda r=rows: exports.to_parquet(r),
        f"{name}.parquet",
        "application/vnd.apache.parquet",
        f"parquet_{grain}",
    )

st.subheader("Weekly report")
st.caption(
    "The same files `spinscope export weekly` writes: headline with week-over-week change, games, SLOs, "
    "latency and errors, top movers."
)
mondays = [last - timedelta(days=last.weekday() + 7 * i) for i in range(1, 9)]
monday = st.selectbox("ISO week", mondays, key="kpi_report_week", format_func=lambda m: week_name(m))
w1, w2, w3, w4 = st.columns(4)
for column, fmt in zip((w1, w2, w3, w4), ("xlsx", "csv", "parquet", "html"), strict=True):
    if not access.may("operator"):
        break
    name, payload, mime = view.fetch(data.weekly_report_file, source, monday, fmt, data.config_key())
    access.download(column, f"{week_name(monday)} {fmt}", lambda p=payload: p, name, mime, f"report_{fmt}")

st.subheader("Long-term trend (KPI archive)")
trend = data.archive_trend_rows(26)
if isinstance(trend, str):
    st.info(f"No archive to read yet: {trend} Each `spinscope export weekly` adds its week to it.")
elif not trend:
    st.info("The archive holds no weeks yet: each `spinscope export weekly` adds its week.")
else:
    st.dataframe(tables.exact(trend), hide_index=True, width="stretch")
