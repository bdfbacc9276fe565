"""Overview: fleet health at a glance — firing alerts first, then SLO states, spins/s, error rate, p99, RTP
alerts, new versions."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from spinscope.app import charts, data, labels, sidebar, tables, view

ALERT_DAYS = 3  # the Alerts page's default history, so both pages share the cached answer

f = sidebar.current()
source = data.source_key()
st.title("Overview")

# What fires comes first (the Alerts page's data: GET /api/v1/alerts), each alert linked to Investigate.
payload = view.fetch(data.alerts, source, data.now_minute() - timedelta(days=ALERT_DAYS), data.config_key())
firing = [a for a in payload["alerts"] if a["state"] in ("firing", "pending")]
if firing:
    paging = sum(1 for a in firing if a["state"] == "firing" and a["severity"] == "page" and not a["silenced"])
    st.subheader(f"Firing now: {len(firing)} alert{'s' * (len(firing) > 1)}" + (f", {paging} paging" if paging else ""))
    view.show_table(tables.alerts_table(firing))
else:
    st.success("Nothing is firing.", icon=":material/check_circle:")

totals = view.fetch(data.fleet_totals, source, f.start, f.end, f.environment, f.game_id)
if not totals["spins"]:
    st.info(
        f"No spins in the store for the {f.label} with these filters yet. Send telemetry to the OTLP "
        "receivers, or run `spinscope serve --demo` for simulated history and traffic."
    )

seconds = (f.end - f.start).total_seconds()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Spins", labels.count(totals["spins"]))
c2.metric("Spins/s", labels.number(int(totals["spins"]) / seconds, 2))
c3.metric(labels.label("error_rate_ratio"), labels.write("error_rate_ratio", totals["error_rate_ratio"]))
c4.metric(labels.label("latency_p99_ms"), labels.write("latency_p99_ms", totals["latency_p99_ms"]))

if totals["spins"]:
    series = view.fetch(data.signal_series, source, f.start, f.end, f.step_s, f.environment, f.game_id)
    window = (f.start, f.end, f.step_s)
    t1, t2 = st.columns(2)
    t1.altair_chart(charts.trend_chart(series, "spins", "Spins", window), width="stretch")
    t2.altair_chart(charts.trend_chart(series, "error_spins", "Errored spins", window), width="stretch")
    st.caption(
        f"Spins and errored spins per {f.step_s // 60} minutes (UTC). "
        + (charts.PARTIAL_NOTE if charts.has_partial(series, window) else "")
    )

st.subheader("SLOs")
with st.spinner("Evaluating the SLOs…"):
    slos = view.fetch(data.slo_status_rows, source, data.now_minute(), f.environment, f.game_id)
view.show_table(tables.slo_table(slos))

st.subheader("RTP drift alerts")
with st.spinner("Testing every game version's RTP…"):
    rtp_rows = view.fetch(data.rtp_status, source, f.start, f.end, data.config_key())
alerts = [r for r in rtp_rows if r["state"] in ("watch", "drift") and (not f.game_id or r["game_id"] == f.game_id)]
if alerts:
    view.show_table(tables.rtp_table(alerts))
else:
    st.success(f"No RTP drift alert over the {f.label} ({len(rtp_rows)} game version/currency cells checked).")

st.subheader("What changed recently")
versions = view.fetch(data.versions_seen, source, f.start, f.end, f.environment, f.game_id)
new = [v for v in versions if v["is_new"]]
if new:
    st.warning(f"{len(new)} game version(s) first seen in the {f.label}.")
else:
    st.caption(f"No game version first seen in the {f.label}.")
view.show_table(tables.versions_table(versions))
