"""Small rendering helpers the pages share: fetch-or-explain, formatting of exact figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from spinscope.app import data, grid, labels

T = TypeVar("T")


def fetch(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args)`, or the failure's message in the page and the page stops (never a traceback)."""
    try:
        return function(*args, **kwargs)
    except data.DataError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    raise AssertionError("unreachable")


def percent(value: Any, places: int = 3) -> str:
    """A ratio as a percentage ('—' when undefined); the one format lives in app/labels.py."""
    return labels.percent(value, places)


def number(value: Any, places: int = 2) -> str:
    return labels.number(value, places)


def show_table(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """A display table (app/labels.py `table`): full width, no index, each column's meaning on hover;
    numeric columns sort by value while showing their formatted text (app/grid.py)."""
    helps = frame.attrs.get("help", {})
    config: dict[str, Any] = {header: st.column_config.Column(help=text) for header, text in helps.items()}
    for column, text in frame.attrs.get("links", {}).items():  # URL columns drawn as links named `text`
        config[column] = st.column_config.LinkColumn(text, display_text=text)
    return st.dataframe(grid.styled(frame), hide_index=True, width="stretch", column_config=config or None, **kwargs)


STATE_LABELS = {
    "ok": "ok",
    "ticket": "TICKET",
    "page": "PAGE",
    "no_data": "no data",
    "low_traffic": "low traffic",
    "watch": "WATCH",
    "drift": "DRIFT",
    "no_reference": "no reference",
    "low_volume": "low volume",
}


def state(value: str | None) -> str:
    return STATE_LABELS.get(value or "", value or "—")
