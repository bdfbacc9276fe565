"""How a display table (app/labels.py) is drawn so that its numeric columns sort by value.

Streamlit's grid sorts a column by its cells' values; a column of formatted text ("€9.50",
"€10.25", "€100.00") would sort alphabetically. `styled()` gives the grid the numbers and the
text as a pandas Styler's display values, which Streamlit draws while sorting by the numbers.
The numbers are doubles (sort keys only): the text shown is written from the exact figures, and
the downloads carry them.

Pure: no Streamlit, no store.
"""

from __future__ import annotations

import math

import pandas as pd
from pandas.io.formats.style import Styler

from spinscope.app.labels import DASH


def styled(display: pd.DataFrame) -> pd.DataFrame | Styler:
    """The frame Streamlit should draw: numeric columns hold their values (so the grid sorts them as
    numbers) and show their text through the Styler's display values; a frame without numeric
    columns is drawn as it is.

    The Styler formats per cell by value: a column's cells are split into groups in which each value
    has one text (one group per currency in a money column), and each group gets a lookup."""
    sort = {h: v for h, v in (display.attrs.get("sort") or {}).items() if h in display.columns}
    if not sort or display.empty:
        return display
    # Columns read through to_numpy and a drawn frame without attrs: pandas deep-copies attrs on every
    # operation (the Styler runs dozens), which cost seconds on a few hundred rows.
    headers = list(display.columns)
    cells = display.to_numpy(dtype=object)
    texts = {h: list(cells[:, i]) for i, h in enumerate(headers)}
    data = pd.DataFrame(
        {
            h: pd.Series([math.nan if v is None else v for v in sort[h]], dtype="float64")
            if h in sort
            else pd.Series(texts[h], dtype=object)
            for h in headers
        }
    )
    styler = data.style
    for header, values in sort.items():
        styler.format(lambda _v: DASH, subset=[header], na_rep=DASH)  # empty cells; the groups write the rest
        for positions, lookup in _groups(values, texts[header]):
            styler.format(lambda v, lookup=lookup: lookup.get(v, DASH), subset=(positions, [header]), na_rep=DASH)
    return styler


def _groups(values: list[float | None], texts: list[str]) -> list[tuple[list[int], dict[float, str]]]:
    """Row positions grouped so that within a group each value is written one way."""
    groups: list[tuple[list[int], dict[float, str]]] = []
    for i, (value, text) in enumerate(zip(values, texts, strict=True)):
        if value is None:
            continue
        for positions, lookup in groups:
            if lookup.get(value, text) == text:
                positions.append(i)
                lookup[value] = text
                break
        else:
            groups.append(([i], {value: text}))
    return groups
