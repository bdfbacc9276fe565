"""Alerts: what fires now (severity, since when, burn or z), the last days as a timeline, silences.

Each alert links to the page that explains it (its SLO or RTP view) and to Investigate on its
window and filters. Data: the `alerts` endpoint through app/data.py (the same answer as
GET /api/v1/alerts and `spinscope alerts list`).
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from spinscope.app import charts, data, tables, view

source = data.source_key()
st.title("Alerts")
now = data.now_minute()
days = st.segmented_control("History", [1, 3, 7], default=3, format_func=lambda d: f"{d} day{'s' * (d > 1)}") or 3
payload = view.fetch(data.alerts, source, now - timedelta(days=days), data.config_key())
rows, silences = payload["alerts"], payload["silences"]

firing = [r for r in rows if r["state"] == "firing"]
pending = [r for r in rows if r["state"] == "pending"]
pages = [r for r in firing if r["severity"] == "page" and not r["silenced"]]
c1, c2, c3 = st.columns(3)
c1.metric("Paging now", len(pages))
c2.metric("Firing", len(firing))
c3.metric("Pending", len(pending))

st.subheader("Firing now")
if firing or pending:
    view.show_table(tables.alerts_table(firing + pending))
else:
    st.success("Nothing is firing.")

st.subheader(f"The last {days} day{'s' * (days > 1)}")
episodes = [r for r in rows if r["state"] in ("firing", "resolved")]
if episodes:
    st.altair_chart(charts.alert_timeline_chart(episodes, now), width="stretch")
    resolved = [r for r in rows if r["state"] == "resolved"]
    if resolved:
        view.show_table(tables.alerts_table(resolved, resolved=True))
else:
    st.caption("No alert fired in this period.")

st.subheader("Silences")
if silences:
    view.show_table(tables.silences_table(silences))
else:
    st.caption("No silence in force or planned.")

with st.form("new_silence"):
    st.markdown("**New silence** (stops notifications; alerts are still evaluated and recorded)")
    matchers = st.text_input("Matchers", placeholder="alertname=RtpDrift, game_id=fortune-tiger")
    hours = st.number_input("Hours", min_value=0.25, max_value=24.0 * 30, value=2.0, step=0.25)
    author = st.text_input("Created by")
    comment = st.text_input("Comment")
    maintenance = st.checkbox("Maintenance window")
    excludes_budget = st.checkbox("Exclude its minutes from SLO budgets (planned downtime; a maintenance window)")
    if st.form_submit_button("Silence"):
        pairs = dict(p.strip().partition("=")[::2] for p in matchers.split(",") if p.strip())
        try:
            made = data.create_silence(pairs, float(hours), author, comment, maintenance, excludes_budget)
        except data.DataError as exc:
            st.error(str(exc))
        else:
            st.success(f"Silence {made} created.")
