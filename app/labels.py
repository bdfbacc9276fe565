"""What each metric is called, in which unit, and how it is written: the one place every page and table asks.

Model columns carry machine names with units as suffixes (`handle_amount`, `hold_ratio`,
`latency_p99_ms`, `started_at`); people read "Handle", "Hold %", "p99 latency". `METRICS` maps the
known columns to a label and a format; a column it does not know is labelled and formatted from
its suffix (`_amount` money, `_ratio` percent, `_ms` duration, `_at` UTC time, `_count` count), so a
new model column is readable before anyone registers it.

Formats (display only; downloads keep machine names and exact values):
- money: rounded half-even to the currency's minor unit (KRW 0 decimals, EUR 2, BTC 8) with its
  symbol, or its code when it has none; the exact amount stays in the downloads;
- percentages: RTP and hold to 2 decimals, SLIs and targets to 3, other ratios to 2;
- counts with thousands separators; durations in ms below a second, in s above;
- times in UTC with the zone written out.

Display text and sort order: a grid sorts a column by its cells' values, so a column of formatted text
would sort alphabetically ("€9.00" after "€10.00"). `table()` (and `frame()` for hand-built rows)
keeps each numeric column's values beside its text (`attrs["sort"]`); app/grid.py `styled()` turns
that into what Streamlit's grid sorts by (the numbers) and shows (the text).

Pure: no Streamlit, no store. `table()` builds the display frame; `app/view.py` draws it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, NamedTuple

import pandas as pd

# TODO(config/currencies.yaml): minor units per currency move to config/currencies.yaml (being added in
# parallel); read them from Config then and delete this mapping. Keep it the only copy until then.
MINOR_UNITS: dict[str, int] = {"EUR": 2, "USD": 2, "GBP": 2, "KRW": 0, "JPY": 0, "BTC": 8, "ETH": 8}
# Symbols common fonts draw; the others (₿ renders as a box in many) are written with their code.
SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "KRW": "₩", "JPY": "¥"}
DEFAULT_MINOR_UNITS = 2
DASH = "—"

MONEY, PERCENT, COUNT, DURATION, TIME, DAY, NUMBER, MULTIPLE, TEXT = KINDS = (
    "money",
    "percent",
    "count",
    "duration",
    "time",
    "day",
    "number",
    "multiple",
    "text",
)

# Kinds whose columns sort by value, not by their text (times and days sort right as text already).
NUMERIC = frozenset((MONEY, PERCENT, COUNT, DURATION, NUMBER, MULTIPLE))


@dataclass(frozen=True)
class Metric:
    label: str
    kind: str = TEXT
    places: int = 2  # percent and number decimals
    help: str = ""


_M = Metric
METRICS: dict[str, Metric] = {
    # who and when
    "game_id": _M("Game"),
    "game_version": _M("Version"),
    "currency": _M("Currency"),
    "environment": _M("Environment"),
    "region": _M("Region"),
    "instance_id": _M("Instance"),
    "period_start": _M("From", DAY),
    "period_end": _M("To", DAY),
    "week": _M("Week of", DAY),
    "week_start": _M("Week of", DAY),
    "iso_week": _M("ISO week"),
    # KPIs
    "spins": _M("Spins", COUNT),
    "paid_spins": _M("Paid spins", COUNT),
    "free_spins": _M("Free spins", COUNT),
    "handle_amount": _M("Handle", MONEY, help="Stakes of settled paid spins."),
    "win_amount": _M("Wins", MONEY),
    "ggr_amount": _M("GGR", MONEY, help="Gross gaming revenue: handle − wins."),
    "hold_ratio": _M("Hold %", PERCENT, 2, "GGR / handle."),
    "rtp_ratio": _M("RTP %", PERCENT, 2, "Wins / handle."),
    "hit_frequency_ratio": _M("Hit frequency %", PERCENT, 2),
    "average_bet_amount": _M("Avg bet", MONEY),
    "active_players": _M("Active players", COUNT),
    "arpu_amount": _M("ARPU", MONEY, help="GGR per active player."),
    "spins_per_session": _M("Spins per session", NUMBER, 1),
    "latency_p50_ms": _M("p50 latency", DURATION),
    "latency_p95_ms": _M("p95 latency", DURATION),
    "latency_p99_ms": _M("p99 latency", DURATION),
    "error_rate_ratio": _M("Error rate", PERCENT, 3),
    "error_spins": _M("Errored spins", COUNT),
    "money_error_spins": _M("Money errors", COUNT, help="Spins whose amounts could not be read exactly."),
    # RTP integrity
    "observed_rtp": _M("Observed RTP %", PERCENT, 2),
    "theoretical_rtp": _M("Theoretical RTP %", PERCENT, 2),
    "band_low": _M("Band low %", PERCENT, 2),
    "band_high": _M("Band high %", PERCENT, 2),
    "n_eff": _M("Effective spins", COUNT),
    "z": _M("z", NUMBER, 2),
    "p_value": _M("p-value", NUMBER, 3),
    "drift_began": _M("Drift began", TIME),
    # RCA
    "attribute": _M("Attribute"),
    "value": _M("Value"),
    "selection_ratio": _M("Share in selection", PERCENT, 1),
    "baseline_ratio": _M("Share in baseline", PERCENT, 1),
    "lift": _M("Lift", MULTIPLE, 1, "How many times more common the value is in the selection than in the baseline."),
    "q_value": _M("q-value", NUMBER, 3, "Benjamini–Hochberg adjusted p-value."),
    "share": _M("Spins explained", PERCENT, 0, "Share of the selected spins this value explains."),
    "selection_count": _M("Selected spins", COUNT),
    "baseline_count": _M("Baseline spins", COUNT),
    "excess_bets": _M("Excess payout (stakes)", NUMBER, 1, "Payout above theoretical, counted in stakes."),
    "excess_share": _M("Share of excess", PERCENT, 0),
    "explains_alert": _M("Explains the alert"),
    "kind": _M("Kind"),
    "attributes": _M("Attributes"),
    "z_without": _M("z without it", NUMBER, 2),
    # traces and logs
    "trace_id": _M("Trace"),
    "spin_id": _M("Spin"),
    "started_at": _M("Started", TIME),
    "logged_at": _M("Logged", TIME),
    "duration_ms": _M("Duration", DURATION),
    "status": _M("Status"),
    "error_type": _M("Error"),
    "bet_amount": _M("Bet", MONEY),
    "span_count": _M("Spans", COUNT),
    "span_id": _M("Span"),
    "severity": _M("Severity"),
    "service_name": _M("Service"),
    "body": _M("Message"),
    # versions seen
    "first_seen_at": _M("First seen", TIME),
    "last_seen_at": _M("Last seen", TIME),
    "spins_in_range": _M("Spins in range", COUNT),
}
_SUFFIXES = (("_amount", MONEY), ("_ratio", PERCENT), ("_ms", DURATION), ("_at", TIME), ("_count", COUNT))


def metric(column: str) -> Metric:
    """The column's metric: registered, a `_change` of a registered one, or inferred from its suffix."""
    if column in METRICS:
        return METRICS[column]
    if column.endswith("_change"):
        base = metric(column.removesuffix("_change"))
        return Metric(f"Δ {base.label}", base.kind, base.places, base.help)
    for suffix, kind in _SUFFIXES:
        if column.endswith(suffix):
            words = column.removesuffix(suffix).replace("_", " ")
            return Metric(words[:1].upper() + words[1:] + (" %" if kind == PERCENT else ""), kind)
    words = column.replace("_", " ")
    return Metric(words[:1].upper() + words[1:])


def label(column: str) -> str:
    return metric(column).label


# ---------------------------------------------------------------- value formats


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    try:
        return Decimal(value) if isinstance(value, str | int | Decimal) else Decimal(repr(float(value)))
    except (InvalidOperation, ValueError, TypeError):
        return None


def minor_units(currency: str | None) -> int:
    return MINOR_UNITS.get((currency or "").upper(), DEFAULT_MINOR_UNITS)


def money(value: Any, currency: str | None) -> str:
    """An amount in its currency: rounded to the minor unit, with separators and symbol (or code)."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    code = (currency or "").upper()
    places = minor_units(code)
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    digits = f"{abs(rounded):,.{places}f}"
    sign = "-" if rounded < 0 else ""
    symbol = SYMBOLS.get(code)
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {code}".rstrip()


def percent(value: Any, places: int = 2) -> str:
    """A ratio as a percentage ('0.96123' -> '96.12 %'); '—' when undefined."""
    number = _decimal(value)
    if number is None:
        return DASH
    return f"{number * 100:,.{places}f} %"


def count(value: Any) -> str:
    number = _decimal(value)
    return DASH if number is None else f"{int(number):,}"


def number(value: Any, places: int = 2) -> str:
    n = _decimal(value)
    return DASH if n is None else f"{n:,.{places}f}"


def multiple(value: Any, places: int = 1) -> str:
    n = _decimal(value)
    return DASH if n is None else f"{n:,.{places}f}×"


def duration(ms: Any) -> str:
    """Milliseconds as '84.2 ms' below a second, '1.25 s' from a second on."""
    n = _decimal(ms)
    if n is None:
        return DASH
    return f"{n:,.1f} ms" if abs(n) < 1000 else f"{n / 1000:,.2f} s"


def utc(value: Any, seconds: bool = False) -> str:
    """A time in UTC with the zone written out ('2026-11-30 14:05 UTC')."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        at = value.astimezone(UTC) if value.tzinfo else value
        return at.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")
    return str(value)


def day(value: Any) -> str:
    if value is None or value == "":
        return DASH
    return value.isoformat() if isinstance(value, date) else str(value)


def write(column: str, value: Any, currency: str | None = None) -> str:
    """`value` of `column` as a person reads it (money needs the row's currency)."""
    m = metric(column)
    if m.kind == MONEY:
        return money(value, currency)
    if m.kind == PERCENT:
        return percent(value, m.places)
    if m.kind == COUNT:
        return count(value)
    if m.kind == DURATION:
        return duration(value)
    if m.kind == TIME:
        return utc(value)
    if m.kind == DAY:
        return day(value)
    if m.kind == NUMBER:
        return number(value, m.places)
    if m.kind == MULTIPLE:
        return multiple(value, m.places)
    if value is None or value == "":
        return DASH
    return str(value)


# ---------------------------------------------------------------- display tables


MONEY_HELP = (
    "Rounded to the currency's minor unit (KRW 0, EUR 2, BTC 8 decimals); the downloads carry the exact amount."
)


def table(
    rows: Iterable[Mapping[str, Any]],
    columns: Iterable[str] | None = None,
    currency: str | None = None,
    drop: Iterable[str] = (),
) -> pd.DataFrame:
    """Rows as a display table: `columns` (default: every column of the first row minus `drop`), labelled
    and formatted; money uses each row's `currency` column, or `currency` when rows have none.

    The frame's `attrs["help"]` holds each labelled column's hover text (view.show_table uses it), and
    `attrs["sort"]` each numeric column's values (what the grid sorts by; see app/grid.py)."""
    rows = list(rows)
    names = list(columns) if columns is not None else [c for c in (rows[0] if rows else {}) if c not in set(drop)]
    headers = _headers(names)
    data: dict[str, list[str]] = {h: [] for h in headers}
    numeric = [(c, h) for c, h in zip(names, headers, strict=True) if metric(c).kind in NUMERIC]
    sort: dict[str, list[float | None]] = {h: [] for _, h in numeric}
    for row in rows:
        code = row.get("currency") or currency
        for c, h in zip(names, headers, strict=True):
            data[h].append(write(c, row.get(c), code))
        for c, h in numeric:
            sort[h].append(sort_value(row.get(c)))
    frame = pd.DataFrame(data, columns=headers)
    frame.attrs["help"] = column_help(names, headers)
    frame.attrs["sort"] = sort
    return frame


class Cell(NamedTuple):
    """A hand-built table's cell: the text shown and the number it sorts by."""

    text: str
    value: Any  # a number (Decimal, Fraction, float...) or None


def cell(value: Any, kind: str, places: int = 2, currency: str | None = None) -> Cell:
    """`value` written as `kind` (percent, count, multiple...) with its sort value."""
    return Cell(_WRITERS[kind](value, places, currency), sort_value(value))


_WRITERS = {
    MONEY: lambda v, _p, cur: money(v, cur),
    PERCENT: lambda v, p, _c: percent(v, p),
    COUNT: lambda v, _p, _c: count(v),
    DURATION: lambda v, _p, _c: duration(v),
    NUMBER: lambda v, p, _c: number(v, p),
    MULTIPLE: lambda v, p, _c: multiple(v, p),
}


def frame(rows: list[dict[str, Any]], helps: dict[str, str] | None = None) -> pd.DataFrame:
    """Hand-built display rows (header -> text or Cell) as a display frame; Cell columns sort by value."""
    headers = list(rows[0]) if rows else []
    numeric = [h for h in headers if any(isinstance(r.get(h), Cell) for r in rows)]
    out = pd.DataFrame(
        {h: [v.text if isinstance(v, Cell) else v for v in (r.get(h) for r in rows)] for h in headers},
        columns=headers,
    )
    out.attrs["help"] = helps or {}
    out.attrs["sort"] = {
        h: [sort_value(v.value) if isinstance(v, Cell) else None for v in (r.get(h) for r in rows)] for h in numeric
    }
    return out


def sort_value(value: Any) -> float | None:
    """The number a numeric cell sorts by (a double: display and downloads keep the exact value)."""
    number_ = _decimal(value)
    if number_ is None or not number_.is_finite():
        return None
    return float(number_)


def _headers(names: list[str]) -> list[str]:
    """Each column's label, numbered when two columns would read the same."""
    out: list[str] = []
    for c in names:
        text = label(c)
        n = 2
        while text in out:
            text = f"{label(c)} {n}"
            n += 1
        out.append(text)
    return out


def column_help(names: Iterable[str], headers: Iterable[str] | None = None) -> dict[str, str]:
    """Hover text per header: the metric's meaning, and for money where the exact amount is."""
    out = {}
    for c, h in zip(names, headers if headers is not None else [label(c) for c in names], strict=True):
        m = metric(c)
        text = " ".join(t for t in (m.help, MONEY_HELP if m.kind == MONEY else "") if t)
        if text:
            out[h] = text
    return out


def raw_names(columns: Iterable[str]) -> list[str]:
    """Columns that look like machine names (snake_case): a display table must show none."""
    return [c for c in columns if "_" in c and " " not in c]
