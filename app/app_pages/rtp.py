"""RTP: games × versions observed against theoretical RTP; per game the funnel and the detector over time."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from spinscope.app import charts, data, sidebar, tables, view
from spinscope.export.compliance_render import FORMATS, download_name

f = sidebar.current()
source = data.source_key()
st.title("RTP integrity")

with st.expander("Compliance report: actual vs theoretical RTP, daily over a rolling window", icon=":material/gavel:"):
    settings = view.fetch(data.current_config).compliance
    yesterday = data.now_minute().date() - timedelta(days=1)
    c1, c2 = st.columns(2)
    first = c1.date_input("From (UTC day)", value=yesterday - timedelta(days=6), key="compliance_from")
    last = c2.date_input("To (UTC day)", value=yesterday, key="compliance_to")
    st.caption(
        f"The same files as `spinscope export rtp-compliance`: per game version and currency, stake band and "
        f"channel, each day over the {settings.window_days} days ending with it, at {settings.confidence} "
        f"confidence; {f.environment or 'every environment'}. The report is prepared when you click a format."
    )
    if first > last:
        st.warning(f"From ({first}) is after To ({last}): pick the earlier day first.")
    else:
        for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
            name, mime = download_name(first, last, fmt)
            column.download_button(
                fmt.upper(),
                view.fetch(data.compliance_builder, first, last, fmt, f.environment),
                name,
                mime,
                key=f"compliance_{fmt}",
                on_click="ignore",
            )

rows = view.fetch(data.rtp_status, source, f.start, f.end, data.config_key())
rows = [r for r in rows if not f.game_id or r["game_id"] == f.game_id]
if not rows:
    st.info(f"No settled spins in the {f.label} for these filters.")
    st.stop()
if all(r["state"] == "no_reference" for r in rows):
    st.warning(
        f"No theoretical RTP for any game version: add them to {data.config_dir() / 'games.yaml'} "
        "(`spinscope catalog build`) or have spans declare slot.game.rtp."
    )
drifting = [r for r in rows if r["state"] == "drift"]
if drifting:
    st.error(f"{len(drifting)} game version/currency cell(s) drifting from their theoretical RTP.")
view.show_table(tables.rtp_table(rows))

cells = sorted({(r["game_id"], r["game_version"]) for r in rows})
chosen = (st.query_params.get("game_id"), st.query_params.get("version"))
cell = st.selectbox(
    "Game version",
    cells,
    index=cells.index(chosen) if chosen in cells else 0,
    format_func=lambda c: f"{c[0]} {c[1]}",
    key="rtp_cell",
)
st.query_params["game_id"], st.query_params["version"] = cell
batch_s = max(3600, f.step_s)
with st.spinner(f"Building the funnel of {cell[0]} {cell[1]}…"):
    funnel = view.fetch(data.rtp_funnel, source, cell[0], cell[1], f.start, f.end, batch_s, data.config_key())
if not funnel:
    st.info(f"No settled spins of {cell[0]} {cell[1]} in the {f.label}.")
    st.stop()
st.subheader("Funnel: observed RTP against spins")
if funnel[-1]["theoretical_rtp"] is None:
    st.warning(
        f"{cell[0]} {cell[1]} has no theoretical RTP (not in the catalog, not declared by spans): "
        "the band cannot be drawn."
    )
st.altair_chart(charts.funnel_chart(funnel), width="stretch")
st.caption(
    "The band is where the observed RTP should lie given the spins so far; it narrows onto the "
    "theoretical line (dashed) as spins accumulate."
)
st.subheader("Drift detector (CUSUM) over time")
st.altair_chart(charts.cusum_chart(funnel), width="stretch")
