"""What a person reads in an AppTest table: the Styler's display values where the page drew a styled
frame (numeric columns hold numbers so the grid sorts by value), else the frame itself."""

from __future__ import annotations

from typing import Any

import pandas as pd
from streamlit import dataframe_util


def shown(element: Any) -> pd.DataFrame:
    """The table's cells as displayed text (AppTest `at.dataframe[i]`)."""
    raw = element.value
    styler = element.proto.arrow_data.styler
    if not styler.display_values:
        return raw
    display = dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
    display.columns = raw.columns
    return display.set_index(raw.index)
