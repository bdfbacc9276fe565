"""ISO week names and the default week of the weekly export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from spinscope.export import WeekError, last_complete_week, parse_week, week_name
from spinscope.export.job import ExportRequestError, parse_formats


def test_parse_week_gives_the_monday() -> None:
    assert parse_week("2026-W47") == date(2026, 11, 16)
    assert parse_week("2026-W01") == date(2025, 12, 29)  # ISO week 1 holds the year's first Thursday
    assert parse_week("2020-W53") == date(2020, 12, 28)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-47", "write YYYY-Www"),
        ("2026-W54", "no ISO week 54"),
        ("2025-W53", "no ISO week 53"),
        ("", "not an ISO week"),
    ],
)
def test_a_bad_week_names_the_input_and_the_fix(text: str, says: str) -> None:
    with pytest.raises(WeekError, match=says):
        parse_week(text)


def test_week_name_round_trips() -> None:
    assert week_name(date(2026, 11, 22)) == "2026-W47"  # the Sunday belongs to the Monday's week
    assert week_name(date(2027, 1, 1)) == "2026-W53"
    assert all(week_name(parse_week(f"2026-W{w:02d}")) == f"2026-W{w:02d}" for w in range(1, 54))


def test_last_complete_week_is_the_previous_monday_to_sunday_in_utc() -> None:
    assert last_complete_week(datetime(2026, 11, 24, 12, tzinfo=UTC)) == date(2026, 11, 16)
    assert last_complete_week(datetime(2026, 11, 23, 0, 0, tzinfo=UTC)) == date(2026, 11, 16)
    assert last_complete_week(datetime(2026, 11, 22, 23, 59, tzinfo=UTC)) == date(2026, 11, 9)
    # Monday 01:00 in UTC+2 is still Sunday in UTC: that week has not ended yet
    assert last_complete_week(datetime(2026, 11, 23, 1, tzinfo=timezone(timedelta(hours=2)))) == date(2026, 11, 9)


def test_formats_parse_in_canonical_order_and_reject_unknown_ones() -> None:
    assert parse_formats("parquet, xlsx") == ("xlsx", "parquet")
    assert parse_formats(None) == ("xlsx", "csv", "parquet", "html")
    with pytest.raises(ExportRequestError, match=r"unknown \['pdf'\]"):
        parse_formats("xlsx,pdf")
