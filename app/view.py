"""Small rendering helpers the pages share: fetch-or-explain, formatting of exact figures."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import streamlit as st

from spinscope.app import data

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
    """A ratio (Decimal, Fraction, float or its exact decimal string) as a percentage; '—' when undefined."""
    if value is None or value == "":
        return "—"
    number = Decimal(value) if isinstance(value, str | Decimal) else Fraction(value)
    scaled = number * 100
    return f"{float(scaled):.{places}f} %"


def number(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.{places}f}"


STATE_LABELS = {
    "ok": "ok",
    "ticket": "TICKET",
    "page": "PAGE",
    "no_data": "no data",
    "low_traffic": "low traffic",
    "watch": "WATCH",
    "drift": "DRIFT",
    "no_reference": "no reference",
}


def state(value: str | None) -> str:
    return STATE_LABELS.get(value or "", value or "—")
