"""A page with labels cut the ways Streamlit cuts them (tests/ui/test_cut_check.py): a metric's label and
value, a button's label, a chart's axis labels, each too long for its narrow column. With ?cut=0 the same
page with short labels, which the check must pass."""

import altair as alt
import pandas as pd
import streamlit as st

cut = st.query_params.get("cut", "1") != "0"
st.title("Labels")
columns = st.columns(8)
columns[0].metric(
    "A metric label far too long to fit in one eighth of the page" if cut else "Handle",
    "1,234,567,890.12345678 BTC" if cut else "€12",
)
columns[1].button("A button label far too long for its narrow column" if cut else "Drill")
values = ["db.system.name = postgresql-primary-eu-west-1", "slot.bet.amount = 0.200000000000"] if cut else ["a", "b"]
chart = alt.Chart(pd.DataFrame({"finding": values, "share": [0.8, 0.5]})).mark_bar()
st.altair_chart(chart.encode(y=alt.Y("finding:N", axis=alt.Axis(labelLimit=120)), x="share:Q"), width="stretch")
