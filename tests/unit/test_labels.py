"""The app's one table of labels and formats: known answers written out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

from spinscope.app import grid, labels


def test_money_uses_each_currency_minor_units_and_symbol() -> None:
    assert labels.money(Decimal("1234567.005"), "EUR") == "€1,234,567.00"  # half-even: .005 -> .00
    assert labels.money(Decimal("1234567.015"), "EUR") == "€1,234,567.02"
    assert labels.money(Decimal("1234567.5"), "KRW") == "₩1,234,568"
    assert labels.money(Decimal("1234566.5"), "KRW") == "₩1,234,566"
    assert labels.money(Decimal("0.000000015"), "BTC") == "0.00000002 BTC"
    assert labels.money(Decimal("12.3456789049"), "BTC") == "12.34567890 BTC"
    assert labels.money("-87.148977759", "USD") == "-$87.15"
    assert labels.money("42", "XYZ") == "42.00 XYZ"  # no symbol known: the code
    assert labels.money(None, "EUR") == "—"


def test_percentages_counts_and_multiples() -> None:
    assert labels.percent(Decimal("-0.087148977759123456"), 2) == "-8.71 %"
    assert labels.percent(Fraction(999, 1000), 3) == "99.900 %"
    assert labels.percent(None) == "—"
    assert labels.count(10_234_567) == "10,234,567"
    assert labels.multiple(9.83) == "9.8×"


def test_durations_switch_to_seconds_at_one_second() -> None:
    assert labels.duration(84.23) == "84.2 ms"
    assert labels.duration(999.94) == "999.9 ms"
    assert labels.duration(1250) == "1.25 s"
    assert labels.duration(None) == "—"


def test_times_are_written_in_utc_with_the_zone() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert labels.utc(datetime(2026, 11, 30, 16, 5, tzinfo=plus_two)) == "2026-11-30 14:05 UTC"
    assert labels.utc(datetime(2026, 11, 30, 14, 5)) == "2026-11-30 14:05 UTC"  # naive = UTC (the store's)
    assert labels.utc("2026-11-30T14:05:09Z", seconds=True) == "2026-11-30 14:05:09 UTC"
    assert labels.utc(datetime(2026, 11, 30, 14, 5, tzinfo=UTC)) == "2026-11-30 14:05 UTC"
    assert labels.day(date(2026, 11, 30)) == "2026-11-30"


def test_registered_and_inferred_labels() -> None:
    assert [labels.label(c) for c in ("handle_amount", "ggr_amount", "hold_ratio", "rtp_ratio")] == [
        "Handle",
        "GGR",
        "Hold %",
        "RTP %",
    ]
    assert labels.label("average_bet_amount") == "Avg bet"
    assert labels.label("ggr_amount_change") == "Δ GGR"
    assert labels.metric("bonus_payout_amount") == labels.Metric("Bonus payout", labels.MONEY)
    assert labels.metric("churn_ratio").kind == labels.PERCENT
    assert labels.metric("queue_wait_ms").kind == labels.DURATION


def test_a_table_shows_labels_and_formats_money_by_each_rows_currency() -> None:
    rows = [
        {"game_id": "g", "currency": "KRW", "handle_amount": Decimal("1500000.4"), "hold_ratio": Decimal("0.03456")},
        {"game_id": "g", "currency": "BTC", "handle_amount": Decimal("0.123456789"), "hold_ratio": None},
    ]
    frame = labels.table(rows)
    assert list(frame.columns) == ["Game", "Currency", "Handle", "Hold %"]
    assert frame.to_dict("records") == [
        {"Game": "g", "Currency": "KRW", "Handle": "₩1,500,000", "Hold %": "3.46 %"},
        {"Game": "g", "Currency": "BTC", "Handle": "0.12345679 BTC", "Hold %": "—"},
    ]
    assert "exact amount" in frame.attrs["help"]["Handle"]
    assert labels.raw_names(frame.columns) == []
    assert labels.raw_names(["handle_amount", "Hold %"]) == ["handle_amount"]


def _drawn_text(drawn) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The display values Streamlit sends for a Styler (its own marshaller), row by row."""
    from streamlit import dataframe_util
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    proto = ArrowData()
    marshall_styler(proto, drawn, "t")
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.styler.display_values).values.tolist()


def test_money_columns_sort_by_amount_and_show_each_currency_text() -> None:
    rows = [
        {"currency": "EUR", "ggr_amount": Decimal("9.5")},
        {"currency": "EUR", "ggr_amount": Decimal("100")},
        {"currency": "KRW", "ggr_amount": Decimal("100")},
        {"currency": "EUR", "ggr_amount": Decimal("10.255")},
        {"currency": "BTC", "ggr_amount": None},
        {"currency": "EUR", "ggr_amount": Decimal("-3")},
    ]
    frame = labels.table(rows)
    alphabetical = sorted(frame["GGR"])  # what a grid of text does: '-€3.00', '—', '€10.26', '€100.00', '€9.50', '₩100'
    assert alphabetical.index("€100.00") < alphabetical.index("€9.50")
    drawn = grid.styled(frame)
    assert str(drawn.data["GGR"].dtype) == "float64"  # the grid sorts this column by value
    order = drawn.data.sort_values("GGR", na_position="last").index.tolist()
    assert [frame["GGR"][i] for i in order] == ["-€3.00", "€9.50", "€10.26", "€100.00", "₩100", "—"]
    # What the grid shows is the text, per row: 100 in euros and 100 in won read differently.
    assert _drawn_text(drawn) == [[r["Currency"], r["GGR"]] for r in frame.to_dict("records")]


def test_hand_built_cells_sort_by_value() -> None:
    frame = labels.frame(
        [
            {"SLO": "a", "Budget left": labels.cell(Decimal("0.5"), labels.PERCENT, 1)},
            {"SLO": "b", "Budget left": labels.cell(Fraction(-19, 20), labels.PERCENT, 1)},
            {"SLO": "c", "Budget left": labels.cell(Decimal("0.0999"), labels.PERCENT, 1)},
        ]
    )
    drawn = grid.styled(frame)
    assert drawn.data.sort_values("Budget left")["SLO"].tolist() == ["b", "c", "a"]
    assert _drawn_text(drawn) == [["a", "50.0 %"], ["b", "-95.0 %"], ["c", "10.0 %"]]
