"""SLOs: every SLO's state; per SLO the SLI over time, budget burndown, burn-rate pairs, group breakdown."""

from __future__ import annotations

import streamlit as st

from spinscope.app import charts, data, labels, sidebar, tables, view

BREAKDOWNS = ("game_id", "game_version", "region", "instance_id", "channel", "currency")
BURNDOWN_STEP_S = 3600

f = sidebar.current()
source = data.source_key()
at = data.now_minute()
st.title("SLOs")

with st.spinner("Evaluating the SLOs…"):
    statuses = view.fetch(data.slo_status_rows, source, at, f.environment, f.game_id)
view.show_table(tables.slo_table(statuses))

names = list(dict.fromkeys(s["slo"] for s in statuses))
if not names:
    st.info(f"No SLO specs in {data.config_dir() / 'slos'}.")
    st.stop()
titles = {s["slo"]: s["display_name"] or s["slo"] for s in statuses}
chosen = st.query_params.get("slo")
name = st.selectbox(
    "SLO", names, index=names.index(chosen) if chosen in names else 0, format_func=lambda n: titles[n], key="slo_name"
)
st.query_params["slo"] = name
mine = [s for s in statuses if s["slo"] == name]
first = mine[0]
st.caption(
    f"{first['window']['duration']} {'rolling' if first['window']['is_rolling'] else 'calendar'} window · "
    f"target {view.percent(first['target'], 3)} · evaluated at {labels.utc(first['at'])}"
)

st.subheader(f"SLI over the {f.label}")
sli = view.fetch(data.slo_sli_series, source, name, f.start, f.end, f.step_s, f.environment, f.game_id)
if sli:
    st.altair_chart(charts.sli_chart(sli, float(first["target"])), width="stretch")
else:
    st.info(f"No events for {name} in the {f.label}.")

st.subheader("Error budget burndown")
# Buckets align to whole steps, so the burndown is taken at the last whole step (the table above is live).
burndown_at = at.replace(minute=0)
with st.spinner("Replaying the SLO period hour by hour…"):
    burndown = view.fetch(data.slo_burndown, source, name, burndown_at, BURNDOWN_STEP_S, f.environment, f.game_id)
if burndown:
    st.altair_chart(charts.burndown_chart(burndown), width="stretch")
    st.caption(
        f"Budget remaining over the SLO period against the ideal line (spending the budget evenly), "
        f"hourly, as of {burndown_at:%Y-%m-%d %H:%M} UTC."
    )
else:
    st.info(f"No events for {name} in its period yet.")

excluded = view.fetch(data.slo_excluded_spans, source, name, f.start, f.end)
if excluded:
    st.markdown(f"**Excluded from the budget** (maintenance windows) in the {f.label}:")
    st.dataframe(
        [{"from": e["start"], "until": e["end"], "matches": e["matchers"], "id": e["silence_id"]} for e in excluded],
        hide_index=True,
        width="stretch",
    )

st.subheader("Multi-window burn rates")
for status in mine:
    label = ", ".join(f"{k}={v}" for k, v in status["group"].items()) or "all events"
    st.markdown(f"**{label}** — {view.state(status['alert']['state'])}")
    view.show_table(tables.burn_table(status))

st.subheader("Breakdown")
by = st.selectbox("Group by", BREAKDOWNS, key="slo_breakdown", format_func=labels.label)
with st.spinner(f"Evaluating {titles[name]} per {labels.label(by).lower()}…"):
    groups = view.fetch(data.slo_status_rows, source, at, f.environment, f.game_id, name, (by,))
view.show_table(tables.slo_table(groups))
