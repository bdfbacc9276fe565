"""The Investigate page's state, kept entirely in the URL's query parameters so a pasted link reopens it.

Parameters: signal (errors | latency | rtp), from / to (the brushed window, UTC minutes,
YYYY-MM-DDTHH:MM), where (repeated key=value drill-down filters), order (errors | slowest),
trace (a trace id). Parsing is pure and forgiving: a bad value falls back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

SIGNALS = ("errors", "latency", "rtp")
ORDERS = ("errors", "slowest")
KEYS = ("signal", "from", "to", "where", "order", "trace")
MINUTE = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Investigation:
    signal: str = "errors"
    start: datetime | None = None  # the brushed window; None = the sidebar's range
    end: datetime | None = None
    where: tuple[tuple[str, str], ...] = ()
    order: str = "errors"
    trace: str = ""

    def with_where(self, key: str, value: str) -> Investigation:
        kept = tuple((k, v) for k, v in self.where if k != key)
        return replace(self, where=(*kept, (key, value)), trace="")

    def without_where(self, key: str) -> Investigation:
        return replace(self, where=tuple((k, v) for k, v in self.where if k != key), trace="")

    def params(self) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {"signal": self.signal}
        if self.start and self.end:
            out["from"], out["to"] = self.start.strftime(MINUTE), self.end.strftime(MINUTE)
        if self.where:
            out["where"] = [f"{k}={v}" for k, v in self.where]
        if self.order != "errors":
            out["order"] = self.order
        if self.trace:
            out["trace"] = self.trace
        return out


def _minute(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text[:16], MINUTE).replace(tzinfo=UTC)
    except ValueError:
        return None


def parse(single: Mapping[str, str], where: list[str]) -> Investigation:
    """The state from query parameters (`single`: last value of each key; `where`: every where value)."""
    start, end = _minute(single.get("from")), _minute(single.get("to"))
    if not (start and end and start < end):
        start = end = None
    pairs = []
    for item in where:
        key, sep, value = item.partition("=")
        if sep and key.strip():
            pairs.append((key.strip(), value))
    trace = single.get("trace", "").strip().lower()
    return Investigation(
        signal=single.get("signal") if single.get("signal") in SIGNALS else "errors",
        start=start,
        end=end,
        where=tuple(dict(pairs).items()),
        order=single.get("order") if single.get("order") in ORDERS else "errors",
        trace=trace if len(trace) == 32 and all(c in "0123456789abcdef" for c in trace) else "",
    )


def brushed_window(selection: Mapping[str, Any], field: str) -> tuple[datetime, datetime] | None:
    """The brush's [start, end) from an Altair interval selection, widened to whole minutes."""
    bounds = selection.get(field)
    if not bounds or len(bounds) != 2:
        return None
    ends = [_instant(b) for b in bounds]
    if None in ends:
        return None
    lo, hi = sorted(ends)  # type: ignore[type-var]
    lo = lo.replace(second=0, microsecond=0)
    hi = hi.replace(second=0, microsecond=0) + (timedelta(minutes=1) if (hi.second or hi.microsecond) else timedelta())
    return (lo, hi) if lo < hi else (lo, lo + timedelta(minutes=1))


def _instant(value: Any) -> datetime | None:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None
