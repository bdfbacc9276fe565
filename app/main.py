"""spinscope's Streamlit app: the entry script (navigation and the shared sidebar).

Run by `spinscope serve` (in the serving process, on its store) or `spinscope app` (against a
ClickHouse server); see spinscope/ui.py. Pages live in app_pages/ and only render.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from spinscope.app import access, sidebar

PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="spinscope", page_icon=":material/casino:", layout="wide")
access.gate()  # single sign-on when configured: the sign-in, or the role this session has
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "slos.py", title="SLOs", icon=":material/target:", url_path="slos"),
        st.Page(PAGES / "rtp.py", title="RTP", icon=":material/casino:", url_path="rtp"),
        st.Page(PAGES / "investigate.py", title="Investigate", icon=":material/troubleshoot:", url_path="investigate"),
        st.Page(PAGES / "kpis.py", title="KPIs", icon=":material/trending_up:", url_path="kpis"),
        st.Page(PAGES / "alerts.py", title="Alerts", icon=":material/notifications_active:", url_path="alerts"),
    ]
)
sidebar.render()
navigation.run()
