"""Investigate (RCA): signal → brushed window → ranked attributes → drill-down → traces → one trace.

Every step is in the URL (app/investigation.py), so a pasted link reopens the same investigation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import streamlit as st

from spinscope.app import anomaly, charts, data, findings, labels, sidebar, tables, view
from spinscope.app.investigation import KEYS, ORDERS, SIGNALS, Investigation, brushed_window, parse
from spinscope.jsonout import plain

DEFAULT_WINDOW = timedelta(hours=1)
SIGNAL_LABELS = {"errors": "Errors", "latency": "Latency (> 500 ms)", "rtp": "RTP"}

f = sidebar.current()
source = data.source_key()
state = parse(st.query_params.to_dict(), st.query_params.get_all("where"))


def go(new: Investigation, pin: bool = False) -> None:
    """Put `new` in the URL and rerun: the URL is the investigation's only state. `pin`: write the window
    the page chose by itself (the latest anomaly) into the URL, so a drill-down keeps looking at it."""
    if pin and new.start is None and chosen is not None:
        new = replace(new, start=chosen.start, end=chosen.end)
    for key in KEYS:
        if key in st.query_params:
            del st.query_params[key]
    for key, value in new.params().items():
        st.query_params[key] = value
    st.rerun()


st.title("Investigate")
signal = st.radio("Signal", SIGNALS, index=SIGNALS.index(state.signal), horizontal=True, format_func=SIGNAL_LABELS.get)
if signal != state.signal:
    go(replace(state, signal=signal, trace=""))

series = view.fetch(data.signal_series, source, f.start, f.end, f.step_s, f.environment, f.game_id)
if not series:
    st.info(f"No spins in the {f.label} for these filters.")
    st.stop()
# Without a brushed window: the latest stretch where the signal stood out (app/anomaly.py, from the series
# drawn anyway, then the same model by the minute over that stretch); else the range's last hour (ranking
# a whole day of raw spans takes seconds at production scale).
chosen: anomaly.Episode | None = None
if not state.start:
    chosen = anomaly.latest_episode(series, state.signal, f.step_s)
    if chosen is not None and f.step_s > 60:
        step = timedelta(seconds=f.step_s)
        minutes = view.fetch(
            data.signal_series,
            source,
            max(f.start, chosen.start - step),
            min(f.end, chosen.end + step),
            60,
            f.environment,
            f.game_id,
        )
        chosen = anomaly.refine(chosen, minutes, f.step_s)
if state.start and state.end:
    start, end = state.start, state.end
elif chosen is not None:
    start, end = chosen.start, chosen.end
else:
    start, end = max(f.start, f.end - DEFAULT_WINDOW), f.end
window_key = f"{state.signal}_{state.start}_{state.end}"
window = (f.start, f.end, f.step_s)
event = st.altair_chart(
    charts.signal_chart(series, state.signal, (start, end) if state.start else None, window),
    on_select="rerun",
    key=f"brush_{window_key}",
    width="stretch",
)
brushed = brushed_window((event or {}).get("selection", {}).get(charts.BRUSH, {}), "bucket_start")
if brushed and brushed != (state.start, state.end):
    go(replace(state, start=brushed[0], end=brushed[1], trace=""))

if charts.has_partial(series, window):
    st.caption(charts.PARTIAL_NOTE)
w1, w2 = st.columns([5, 1])
w1.markdown(
    f"**Window** {start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} UTC"
    + ("" if state.start or chosen else " (the last hour: nothing stood out; brush the chart to choose a window)")
)
if chosen is not None:
    st.caption(chosen.sentence())
if state.start and w2.button("Clear window"):
    go(replace(state, start=None, end=None, trace=""))

if state.where:
    st.markdown("**Drill-down**")
    chips = st.columns(min(len(state.where), 4))
    for i, (key, value) in enumerate(state.where):
        if chips[i % len(chips)].button(f"✕ {key} = {value}", key=f"unwhere_{key}"):
            go(state.without_where(key))

where = state.where
st.subheader("What sets the selection apart")
with st.spinner("Ranking the attributes of the window's spins…"):
    ranked = view.fetch(data.rca_rank, source, state.signal, start, end, where, data.config_key())
rows = ranked.get("rows", [])
if ranked.get("message"):
    st.info(f"{ranked['message']} — widen the window or remove a drill-down.")
elif not rows:
    st.info("No attribute value stands out in this window.")
else:
    top = rows[:20]
    sentence = findings.headline(state.signal, ranked)
    if sentence:
        st.markdown(f":material/lightbulb: {sentence}")
    # The findings as a table first: full values, every figure labelled; clicking a row drills down.
    picked_finding = view.show_table(
        tables.rtp_rca_table(top) if state.signal == "rtp" else tables.rca_table(top),
        on_select="rerun",
        selection_mode="single-row",
        key=f"findings_{window_key}_{where}",
    )

    def drill(row: dict) -> None:
        """Keep every value the finding names (a conjunction names two), then rerun on the narrower set."""
        pairs = row.get("where") or {row["attribute"]: str(row["value"])}
        if any((k, str(v)) not in where for k, v in pairs.items()):
            narrowed = state
            for key, value in pairs.items():
                narrowed = narrowed.with_where(key, str(value))
            go(narrowed, pin=True)

    chosen_rows = picked_finding.selection.rows if picked_finding else []
    if chosen_rows:
        drill(top[chosen_rows[0]])
    sample = ranked.get("sample_rate", 1)
    st.caption(
        f"{labels.count(ranked.get('selection_total', 0))} selected spins"
        + (f" against {labels.count(ranked['baseline_total'])} baseline spins" if ranked.get("baseline_total") else "")
        + ("" if sample == 1 else f" (a {float(sample):.1%} sample)")
        + ". Click a row (or a bar below) to drill down."
    )
    if state.signal == "rtp":
        unstaked = ranked.get("unstaked_free_spins") or 0
        st.caption(
            "Excess payout is counted in stakes (each win divided by the bet that won it), so every "
            "round weighs alike whatever its stake or currency; z is against the game version's "
            "theoretical RTP and σ."
            + (
                f" {unstaked:,} free spins had no paid spin in their session to take a stake from and are left out."
                if unstaked
                else ""
            )
        )
    d1, d2 = st.columns([4, 1])
    names = [f"{r['attribute']} = {r['value']}" for r in top]
    choice = d1.selectbox("Drill into", range(len(top)), format_func=names.__getitem__, key="drill_choice")
    if d2.button("Drill down", key="drill"):
        drill(top[choice])
    chart = charts.rtp_rank_chart(top) if state.signal == "rtp" else charts.rank_chart(top)
    pick_event = st.altair_chart(chart, on_select="rerun", key=f"pick_{window_key}_{where}", width="stretch")
    picked = (pick_event or {}).get("selection", {}).get(charts.PICK) or []
    if picked and picked[0].get("attribute"):
        same = [
            r for r in top if (r["attribute"], str(r["value"])) == (picked[0]["attribute"], str(picked[0]["value"]))
        ]
        drill(same[0] if same else picked[0])

st.subheader("Matching traces")
order = st.radio(
    "Order",
    ORDERS,
    index=ORDERS.index(state.order),
    horizontal=True,
    key=f"order_{state.order}",
    format_func={"errors": "errors first", "slowest": "slowest first"}.get,
)
if order != state.order:
    go(replace(state, order=order), pin=True)
traces = view.fetch(data.rca_traces, source, start, end, where, state.order)
if not traces:
    st.info("No spin trace in this window matches the drill-down.")
else:
    picked_row = view.show_table(
        tables.traces_table(traces),
        on_select="rerun",
        selection_mode="single-row",
        key=f"traces_{window_key}_{where}",
    )
    rows_picked = picked_row.selection.rows if picked_row else []
    if rows_picked and traces[rows_picked[0]]["trace_id"] != state.trace:
        go(replace(state, trace=traces[rows_picked[0]]["trace_id"]), pin=True)
    ids = [t["trace_id"] for t in traces]
    t1, t2 = st.columns([4, 1])
    trace_choice = t1.selectbox(
        "Trace", ids, index=ids.index(state.trace) if state.trace in ids else 0, key="trace_choice"
    )
    if t2.button("Open trace", key="open_trace"):
        go(replace(state, trace=trace_choice), pin=True)

if state.trace:
    detail = view.fetch(data.rca_trace, source, state.trace)
    st.subheader(f"Trace {state.trace}")
    if not detail.get("spans"):
        st.info(detail.get("message", "No spans stored for this trace (it may be older than the raw TTL)."))
    else:
        st.altair_chart(charts.waterfall_chart(detail["spans"]), width="stretch")
        for span in sorted(detail["spans"], key=lambda s: float(s["offset_ms"])):
            icon = ":red[error]" if span["status_code"] == "Error" else "ok"
            with st.expander(
                f"{icon} {span['span_name']} · {labels.duration(span['duration_ms'])} "
                f"at +{labels.duration(span['offset_ms'])}"
            ):
                st.json(
                    plain(
                        {
                            "span_id": span["span_id"],
                            "parent_span_id": span["parent_span_id"],
                            "status": span["status_code"],
                            "attributes": span["attributes"],
                            "resource": span["resource_attributes"],
                            "events": span["events"],
                        }
                    )
                )
        st.markdown("**Logs**")
        if detail["logs"]:
            view.show_table(tables.logs_table(detail["logs"]))
        else:
            st.caption("No log records for this trace.")
