"""The shared sidebar: time range, environment and game, kept in session state and in the URL.

The entry script renders it once per run, before the page; pages read `current()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import streamlit as st

from spinscope.app import data

RANGES: dict[str, tuple[str, timedelta, int]] = {  # key: (label, length, bucket seconds)
    "1h": ("Last hour", timedelta(hours=1), 60),
    "6h": ("Last 6 hours", timedelta(hours=6), 180),
    "24h": ("Last 24 hours", timedelta(hours=24), 600),
    "7d": ("Last 7 days", timedelta(days=7), 3600),
    "30d": ("Last 30 days", timedelta(days=30), 4 * 3600),
}
DEFAULT_RANGE = "24h"
ALL = "(all)"


@dataclass(frozen=True)
class Filters:
    range_key: str
    start: datetime
    end: datetime
    step_s: int
    environment: str  # '' = every environment
    game_id: str  # '' = every game

    @property
    def label(self) -> str:
        return RANGES[self.range_key][0].lower()


def _seed_from_url() -> None:
    """On a session's first run, take the sidebar's values from the link that opened it."""
    if st.session_state.get("_sidebar_seeded"):
        return
    params = st.query_params
    if params.get("range") in RANGES:
        st.session_state["range"] = params["range"]
    for key in ("env", "game"):
        if params.get(key):
            st.session_state[key] = params[key]
    st.session_state["_sidebar_seeded"] = True


def _options(values: list[str], key: str) -> list[str]:
    chosen = st.session_state.get(key)
    extra = [chosen] if chosen and chosen != ALL and chosen not in values else []
    return [ALL, *values, *extra]


def render() -> Filters:
    _seed_from_url()
    with st.sidebar:
        st.markdown("### spinscope")
        range_key = st.selectbox(
            "Time range",
            list(RANGES),
            index=list(RANGES).index(DEFAULT_RANGE),
            format_func=lambda k: RANGES[k][0],
            key="range",
        )
        _, length, step_s = RANGES[range_key]
        end = data.now_minute() + timedelta(minutes=1)
        start = end - length
        try:
            values = data.filter_values(data.source_key(), end - timedelta(days=30), end)
        except data.DataError:
            values = {"environment": [], "game_id": []}  # the page says what is wrong with the store
        environment = st.selectbox("Environment", _options(values["environment"], "env"), key="env")
        game = st.selectbox("Game", _options(values["game_id"], "game"), key="game")
        st.caption(f"UTC · {start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M}")
    filters = Filters(
        range_key, start, end, step_s, "" if environment == ALL else environment, "" if game == ALL else game
    )
    _write_url(filters)
    st.session_state["_filters"] = filters
    return filters


def _write_url(filters: Filters) -> None:
    wanted = {
        "range": filters.range_key if filters.range_key != DEFAULT_RANGE else None,
        "env": filters.environment or None,
        "game": filters.game_id or None,
    }
    for key, value in wanted.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def current() -> Filters:
    filters = st.session_state.get("_filters")
    return filters if isinstance(filters, Filters) else render()
