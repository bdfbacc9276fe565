"""ISO weeks (Monday–Sunday, UTC): parse `2026-W47`, name a date's week, find the last complete one."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from spinscope.errors import UserError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(UserError, ValueError):
    pass


def parse_week(text: str) -> date:
    """The Monday of ISO week `text` ('2026-W47')."""
    match = _WEEK.match(text.strip())
    if not match:
        raise WeekError(f"week {text!r} is not an ISO week; write YYYY-Www, e.g. 2026-W47")
    year, week = int(match[1]), int(match[2])
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekError(f"week {text!r}: {year} has no ISO week {week} (weeks run 01 to 52 or 53)") from None


def week_name(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(now: datetime | None = None) -> date:
    """The Monday of the last ISO week that has ended by `now` (UTC; default: the current time)."""
    now = now or datetime.now(UTC)
    today = now.astimezone(UTC).date() if now.tzinfo else now.date()  # naive means UTC already
    return today - timedelta(days=today.weekday() + 7)
