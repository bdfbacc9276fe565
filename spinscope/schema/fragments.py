"""SQL building blocks from one source: the latency ladder and the rollups' dimensions.

The minute rollups count, per minute, the spans whose duration is <= each threshold of the
ladder, and keep a fixed set of dimensions. Every model that picks a ladder column for a
threshold, or maps a filter key to a rollup column, renders that SQL from the constants here
(`$latency_pick`, `$spin_dimension_value` ... in a model, see `fragments()`), so a threshold
added to the ladder cannot be known to one query and missing from another. Migrations get the
same fragments for new statements; applied migrations stay as they were (a test checks that
every `latency_le_*` column they name is on the ladder).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

LATENCY_LADDER_MS: Final[tuple[int, ...]] = (50, 100, 200, 250, 300, 500, 750, 1000, 2000, 5000)
"""Latency thresholds (ms) the rollups count `duration <= t` for; a threshold SLO must use one."""

SPIN_DIMENSIONS: Final[Mapping[str, str]] = {
    key: key
    for key in (
        "game_id",
        "game_version",
        "region",
        "instance_id",
        "channel",
        "currency",
        "mode",
        "feature",
        "status",
        "service_name",
        "environment",
    )
}
"""Filter/groupBy key → spin_minutely column (an SQL expression). error_type is not a rollup dimension."""

SPAN_DIMENSIONS: Final[Mapping[str, str]] = {
    "service_name": "service_name",
    "status": "if(is_error = 1, 'error', 'ok')",
    "wallet.provider": "wallet_provider",
    "db.system.name": "db_system",
    "error.type": "error_type",
}
"""Filter/groupBy key (span attribute names as OTel writes them) → span_minutely expression."""


def latency_column(ms: int) -> str:
    return f"latency_le_{ms}ms"


def latency_pick(param: str = "threshold_ms") -> str:
    """The ladder column for the bound threshold parameter; 0 for a threshold off the ladder."""
    arms = ", ".join(f"{{{param}:UInt32}} = {ms}, {latency_column(ms)}" for ms in LATENCY_LADDER_MS)
    return f"multiIf({arms}, 0)"


def latency_counts(duration_ns: str = "duration_ns") -> str:
    """The ladder's counts as a view computes them: `countIf(duration <= t) AS latency_le_<t>ms, ...`."""
    return ",\n    ".join(
        f"countIf({duration_ns} <= {ms * 1_000_000}) AS {latency_column(ms)}" for ms in LATENCY_LADDER_MS
    )


def latency_sums() -> str:
    """The ladder's counts summed, as a coarser rollup rolls up a finer one: `sum(latency_le_<t>ms) AS ...`."""
    return ",\n    ".join(f"sum({latency_column(ms)}) AS {latency_column(ms)}" for ms in LATENCY_LADDER_MS)


def latency_column_types(kind: str = "SimpleAggregateFunction(sum, UInt64)") -> str:
    return ",\n    ".join(f"{latency_column(ms)} {kind}" for ms in LATENCY_LADDER_MS)


def dimension_value(dimensions: Mapping[str, str], key: str = "k") -> str:
    """The value of dimension `key` (a lambda variable holding a key name) on a rollup row; '' if unknown."""
    arms = ", ".join(f"{key} = '{name}', {column}" for name, column in dimensions.items())
    return f"multiIf({arms}, '')"


def dimension_in(dimensions: Mapping[str, str], key: str = "k", values: str = "v") -> str:
    """Whether the row's value of dimension `key` is one of `values` (an array); false for an unknown key."""
    arms = ", ".join(f"{key} = '{name}', has({values}, {column})" for name, column in dimensions.items())
    return f"multiIf({arms}, 0)"


def hour_edges(step: str) -> str:
    """WITH expressions splitting [start, end) into whole hours (read from an hourly rollup) and the
    minutes at each edge (read from a minute rollup), so a window of any minutes stays exact.

    Defines window_start, window_end, hours_from and hours_to: hours [hours_from, hours_to) are whole
    and inside the window; minutes [window_start, hours_from) and [hours_to, window_end) are the rest.
    When `step` (bucket seconds, an SQL expression; 0 = one bucket) is not a multiple of an hour, an
    hour row would straddle buckets, so every minute is read at minute grain (hours_from = hours_to).
    """
    return (
        "{start:DateTime} AS window_start,\n"
        "    {end:DateTime} AS window_end,\n"
        "    toStartOfHour(window_start) AS start_hour,\n"
        "    if(start_hour = window_start, start_hour, start_hour + 3600) AS first_whole_hour,\n"
        "    toStartOfHour(window_end) AS end_hour,\n"
        f"    ({step}) % 3600 = 0 AND first_whole_hour < end_hour AS reads_hours,\n"
        "    if(reads_hours, first_whole_hour, window_end) AS hours_from,\n"
        "    if(reads_hours, end_hour, window_end) AS hours_to"
    )


def fragments() -> dict[str, str]:
    """Every fragment by its placeholder name, for models and migrations (string.Template `$name`)."""
    return {
        "latency_pick": latency_pick(),
        "latency_counts": latency_counts(),
        "latency_sums": latency_sums(),
        "hour_edges": hour_edges("0"),
        "hour_edges_step": hour_edges("{step_s:UInt32}"),
        "hour_edges_batch": hour_edges("{batch_s:UInt32}"),
        "latency_column_types": latency_column_types(),
        "spin_dimension_value": dimension_value(SPIN_DIMENSIONS),
        "spin_dimension_in": dimension_in(SPIN_DIMENSIONS),
        "span_dimension_value": dimension_value(SPAN_DIMENSIONS),
        "span_dimension_in": dimension_in(SPAN_DIMENSIONS),
    }
