"""Pure parts of the app: exact exports, week-over-week deltas, the investigation's URL state."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow.parquet as pq
from openpyxl import load_workbook

from spinscope.app.exports import to_csv, to_excel, to_parquet, week_over_week
from spinscope.app.investigation import Investigation, brushed_window, parse

ROWS = [
    {
        "period_start": date(2026, 11, 16),
        "game_id": "g",
        "game_version": "1",
        "currency": "EUR",
        "spins": 3,
        "handle_amount": Decimal("10.000000000000000001"),
        "rtp_ratio": None,
    },
    {
        "period_start": date(2026, 11, 23),
        "game_id": "g",
        "game_version": "1",
        "currency": "EUR",
        "spins": 5,
        "handle_amount": Decimal("12345678901234567890.5"),
        "rtp_ratio": Decimal("0.95"),
    },
]


def test_csv_keeps_money_exact() -> None:
    assert to_csv(ROWS).decode().splitlines() == [
        "period_start,game_id,game_version,currency,spins,handle_amount,rtp_ratio",
        "2026-11-16,g,1,EUR,3,10.000000000000000001,",
        "2026-11-23,g,1,EUR,5,12345678901234567890.5,0.95",
    ]


def test_excel_keeps_money_exact_beside_the_number_as_the_weekly_report_does() -> None:
    sheet = load_workbook(io.BytesIO(to_excel(ROWS))).active
    header = [c.value for c in sheet[1]]
    assert header[5:7] == ["handle_amount", "handle_amount_exact"]
    assert [c.value for c in sheet[2]][6] == "10.000000000000000001"
    assert [c.value for c in sheet[3]][6] == "12345678901234567890.5"
    assert isinstance([c.value for c in sheet[3]][5], float)  # still a number to sum in Excel


def test_parquet_keeps_money_as_decimals() -> None:
    table = pq.read_table(io.BytesIO(to_parquet(ROWS)))
    assert str(table.schema.field("handle_amount").type) == "decimal128(38, 18)"  # 20 integer digits fit
    assert table.column("handle_amount").to_pylist() == [
        Decimal("10.000000000000000001"),
        Decimal("12345678901234567890.500000000000000000"),
    ]
    assert table.column("period_start").to_pylist() == [date(2026, 11, 16), date(2026, 11, 23)]


def test_week_over_week_is_the_exact_difference_to_the_previous_week() -> None:
    deltas = week_over_week(ROWS, ("spins", "handle_amount", "rtp_ratio"))
    assert deltas[0]["spins_change"] is None
    assert deltas[1]["spins_change"] == 2
    assert deltas[1]["handle_amount_change"] == Decimal("12345678901234567880.499999999999999999")
    assert deltas[1]["rtp_ratio_change"] is None  # the week before has no RTP


def test_investigation_round_trips_through_the_url() -> None:
    state = Investigation(
        "latency",
        datetime(2026, 11, 24, 10, 5, tzinfo=UTC),
        datetime(2026, 11, 24, 11, 0, tzinfo=UTC),
        (("cloud.region", "eu-west-1"), ("slot.game.id", "mega-vault")),
        "slowest",
        "ab" * 16,
    )
    params = state.params()
    assert params == {
        "signal": "latency",
        "from": "2026-11-24T10:05",
        "to": "2026-11-24T11:00",
        "where": ["cloud.region=eu-west-1", "slot.game.id=mega-vault"],
        "order": "slowest",
        "trace": "ab" * 16,
    }
    single = {k: v for k, v in params.items() if isinstance(v, str)}
    assert parse(single, params["where"]) == state


def test_bad_url_values_fall_back_to_defaults() -> None:
    bad = {"signal": "nope", "from": "x", "to": "2026-11-24T11:00", "trace": "zz"}
    assert parse(bad, ["novalue"]) == Investigation()


def test_drilling_replaces_the_same_key_and_drops_the_open_trace() -> None:
    state = Investigation(where=(("a", "1"),), trace="ab" * 16)
    assert state.with_where("a", "2") == Investigation(where=(("a", "2"),))
    assert state.with_where("b", "3").where == (("a", "1"), ("b", "3"))
    assert state.without_where("a") == Investigation()


def test_a_brush_becomes_whole_minutes() -> None:
    start = datetime(2026, 11, 24, 10, 5, 30, tzinfo=UTC).timestamp() * 1000
    end = datetime(2026, 11, 24, 10, 20, 10, tzinfo=UTC).timestamp() * 1000
    assert brushed_window({"bucket_start": [end, start]}, "bucket_start") == (
        datetime(2026, 11, 24, 10, 5, tzinfo=UTC),
        datetime(2026, 11, 24, 10, 21, tzinfo=UTC),
    )
    assert brushed_window({"bucket_start": ["2026-11-24T10:05:00Z", "2026-11-24T10:06:00Z"]}, "bucket_start") == (
        datetime(2026, 11, 24, 10, 5, tzinfo=UTC),
        datetime(2026, 11, 24, 10, 6, tzinfo=UTC),
    )
    assert brushed_window({}, "bucket_start") is None
