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

from collections.abc import Iterable, Mapping
from string import Template
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

GAME_DIMENSIONS: Final[tuple[str, ...]] = (
    "environment",
    "service_name",
    "game_id",
    "game_version",
    "currency",
    "mode",
    "status",
)
"""The dimensions spin_game_hourly and spin_game_daily keep (SPIN_DIMENSIONS without region, instance,
channel and feature): a model whose filters and groups use only these reads the game rollups, which
hold ~6x fewer rows than spin_hourly (which keeps sums only since 0133; spin_daily was retired, 0130)."""


def reads_game_rollups(keys: Iterable[str]) -> bool:
    """Whether filters and groups on `keys` can be answered by spin_game_hourly / spin_game_daily."""
    return set(keys) <= set(GAME_DIMENSIONS)


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


def rollup_measures() -> str:
    """Every measure of a spin rollup summed or merged from a finer spin rollup (spin_hourly's columns)."""
    return ",\n    ".join(
        [
            "sum(spins) AS spins",
            "sum(money_error_spins) AS money_error_spins",
            "sum(hit_spins) AS hit_spins",
            latency_sums(),
            "sum(duration_ns_sum) AS duration_ns_sum",
            "sum(bet_amount) AS bet_amount",
            "sum(win_amount) AS win_amount",
            "sum(bet_squared_sum) AS bet_squared_sum",
            "sum(win_squared_sum) AS win_squared_sum",
            "sum(win_bet_sum) AS win_bet_sum",
            "uniqExactMergeState(players) AS players",
            "uniqExactMergeState(sessions) AS sessions",
            "quantilesBFloat16MergeState(0.5, 0.95, 0.99)(latency_ns_bf16) AS latency_ns_bf16",
        ]
    )


def rollup_measure_types() -> str:
    """The column types of `rollup_measures`, for a coarser spin rollup's table (spin_game_hourly, _daily)."""
    return ",\n    ".join(
        [
            "spins SimpleAggregateFunction(sum, UInt64)",
            "money_error_spins SimpleAggregateFunction(sum, UInt64)",
            "hit_spins SimpleAggregateFunction(sum, UInt64)",
            latency_column_types(),
            "duration_ns_sum SimpleAggregateFunction(sum, UInt64)",
            "bet_amount SimpleAggregateFunction(sum, Decimal(38, 18))",
            "win_amount SimpleAggregateFunction(sum, Decimal(38, 18))",
            "bet_squared_sum SimpleAggregateFunction(sum, Decimal(76, 36))",
            "win_squared_sum SimpleAggregateFunction(sum, Decimal(76, 36))",
            "win_bet_sum SimpleAggregateFunction(sum, Decimal(76, 36))",
            "players AggregateFunction(uniqExact, String)",
            "sessions AggregateFunction(uniqExact, String)",
            "latency_ns_bf16 AggregateFunction(quantilesBFloat16(0.5, 0.95, 0.99), UInt64)",
        ]
    )


def latency_counts_if(condition: str, duration_ns: str = "duration_ns") -> str:
    """The ladder's counts over the rows meeting `condition` (rca_minutely: the non-error spins)."""
    return ",\n    ".join(
        f"countIf({condition} AND {duration_ns} <= {ms * 1_000_000}) AS {latency_column(ms)}"
        for ms in LATENCY_LADDER_MS
    )


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


RCA_SPINS: Final[str] = """
spin_spans AS (
    -- raw part: the windows' spin spans outside the rollup's whole minutes (one per spin id;
    -- 1 trace in sample_mod), with their own attribute pairs
    SELECT
        TraceId AS trace_id,
        Timestamp >= {sel_start:DateTime64(9)} AND Timestamp < {sel_end:DateTime64(9)} AS in_window,
        if({signal:String} = 'latency', Duration > {threshold_ns:UInt64}, StatusCode = 'Error') AS is_bad,
        Timestamp >= {base_start:DateTime64(9)} AND Timestamp < {base_end:DateTime64(9)} AS in_base_window,
        arrayConcat(
            arrayZip(mapKeys(ResourceAttributes), mapValues(ResourceAttributes)),
            arrayZip(mapKeys(SpanAttributes), mapValues(SpanAttributes))
        ) AS own_pairs
    FROM otel_traces
    WHERE {raw_part:UInt8} = 1 AND SpanName = 'spin' AND $rca_raw_time
      AND cityHash64(TraceId) % {sample_mod:UInt32} = 0
      AND ({signal:String} != 'latency' OR StatusCode != 'Error')
    LIMIT 1 BY SpanAttributes['slot.spin.id']
),

child_attributes AS (
    -- every attribute pair of the other spans of those traces (a child's wallet.provider counts for its spin);
    -- the trace ids are taken again from the spin spans' cheap columns, so their maps are read once
    SELECT
        TraceId AS trace_id,
        groupArrayArray(arrayConcat(
            arrayZip(mapKeys(ResourceAttributes), mapValues(ResourceAttributes)),
            arrayZip(mapKeys(SpanAttributes), mapValues(SpanAttributes))
        )) AS child_pairs
    FROM otel_traces
    WHERE {raw_part:UInt8} = 1 AND SpanName != 'spin'
      AND Timestamp >= least({sel_start:DateTime64(9)}, {base_start:DateTime64(9)}) - INTERVAL 1 MINUTE
      AND Timestamp < greatest({sel_end:DateTime64(9)}, {base_end:DateTime64(9)}) + INTERVAL 1 MINUTE
      -- only near the raw part: a child lies within a minute of its spin span
      AND NOT (Timestamp >= {roll_sel_start:DateTime} + INTERVAL 1 MINUTE
               AND Timestamp < {roll_sel_end:DateTime} - INTERVAL 1 MINUTE)
      AND NOT (Timestamp >= {roll_base_start:DateTime} + INTERVAL 1 MINUTE
               AND Timestamp < {roll_base_end:DateTime} - INTERVAL 1 MINUTE)
      AND TraceId IN (
          SELECT TraceId
          FROM otel_traces
          WHERE SpanName = 'spin' AND $rca_raw_time
            AND cityHash64(TraceId) % {sample_mod:UInt32} = 0
      )
    GROUP BY TraceId
),

classified AS (
    -- one row per raw spin of the selection or the baseline, with the distinct attribute pairs of its trace
    SELECT
        arrayDistinct(arrayConcat(own_pairs, child_pairs)) AS pairs,
        in_window AND is_bad AS in_selection,
        if({baseline_mode:String} = 'good', in_window AND NOT is_bad, in_base_window) AS in_baseline
    FROM spin_spans
    LEFT JOIN child_attributes USING (trace_id)
    WHERE (in_selection OR in_baseline)
      AND hasAll(pairs, arrayZip({where_keys:Array(String)}, {where_values:Array(String)}))
),

rolled AS (
    -- rollup part: the whole minutes [roll_sel_start, roll_sel_end) and [roll_base_start, roll_base_end)
    -- from rca_minutely, summed per set of pairs (a set recurs minute after minute)
    SELECT
        CAST(pairs, 'Array(Tuple(String, String))') AS pairs,
        sumIf(bad, in_sel) AS n_sel,
        if({baseline_mode:String} = 'good', sumIf(population - bad, in_sel), sumIf(population, in_base)) AS n_base
    FROM (
        SELECT
            pairs,
            minute >= {roll_sel_start:DateTime} AND minute < {roll_sel_end:DateTime} AS in_sel,
            minute >= {roll_base_start:DateTime} AND minute < {roll_base_end:DateTime} AS in_base,
            -- latency: the non-error spins, bad when slower than the threshold (a ladder column)
            toInt64(if({signal:String} = 'latency', ok_spins, error_spins))
                - if({signal:String} = 'latency', toInt64($latency_pick), 0) AS bad,
            toInt64(if({signal:String} = 'latency', ok_spins, spins)) AS population
        FROM rca_minutely
        WHERE ((minute >= {roll_sel_start:DateTime} AND minute < {roll_sel_end:DateTime})
               OR (minute >= {roll_base_start:DateTime} AND minute < {roll_base_end:DateTime}))
          AND hasAll(pairs, arrayZip({where_keys:Array(String)}, {where_values:Array(String)}))
    )
    GROUP BY pairs
),

weighted AS (
    -- every spin of both groups as (pairs, selection spins, baseline spins): raw spins weigh one
    SELECT pairs, toUInt64(in_selection) AS n_sel, toUInt64(in_baseline) AS n_base FROM classified
    UNION ALL
    SELECT pairs, toUInt64(n_sel) AS n_sel, toUInt64(n_base) AS n_base FROM rolled WHERE n_sel > 0 OR n_base > 0
)"""
"""The RCA's spins (queries/rca): CTEs ending in `weighted` (pairs, n_sel, n_base), held once so that the
counts and the pairs models count the same spins. Whole minutes come from the rca_minutely rollup
(exact counts, no sampling); the rest of each window (its partial first and last minutes, or all of it
when the caller asks for the exact path: empty rollup ranges) from raw spans, sampled 1 in sample_mod.
raw_part = 0 skips the raw part (windows of whole minutes: nothing is read from otel_traces).
Parameters: raw_part, signal, threshold_ns, threshold_ms, sel_start, sel_end, base_start, base_end, baseline_mode,
where_keys / where_values, sample_mod, roll_sel_start/end, roll_base_start/end (DateTime, whole minutes)."""

RCA_RAW_TIME: Final[str] = (
    "((Timestamp >= {sel_start:DateTime64(9)} AND Timestamp < {sel_end:DateTime64(9)})"
    " OR (Timestamp >= {base_start:DateTime64(9)} AND Timestamp < {base_end:DateTime64(9)}))"
    " AND NOT ((Timestamp >= {roll_sel_start:DateTime} AND Timestamp < {roll_sel_end:DateTime})"
    " OR (Timestamp >= {roll_base_start:DateTime} AND Timestamp < {roll_base_end:DateTime}))"
)
"""A spin span the raw part reads: in a window, outside the minutes the rollup answers for."""


SPIN_TYPED_ATTRIBUTES: Final[Mapping[str, str]] = {
    "slot.game.id": "game_id",
    "slot.game.version": "game_version",
    "slot.spin.mode": "mode",
    "slot.currency": "currency",
    "slot.channel": "channel",
    "error.type": "error_type",
}
"""Spin-span attribute → the spins column holding it as sent (not defaulted): a where pair on one of these can
be tested on `spins` instead of the spin span's attribute map (traces/trace_ranked)."""

RESOURCE_TYPED_ATTRIBUTES: Final[Mapping[str, str]] = {
    "cloud.region": "region",
    "service.instance.id": "instance_id",
    "service.version": "service_version",
    "deployment.environment.name": "environment",
}
"""Resource attribute → the column of both `spins` and `child_spans` (0150) holding it as sent: a where pair on
one of these is tested on those columns for every span of the window instead of every span's resource map."""


def typed_mask(
    attributes: Mapping[str, str],
    keys: str = "{where_keys:Array(String)}",
    values: str = "{where_values:Array(String)}",
) -> str:
    """The where pairs a row's typed columns (`attributes`: attribute → column) carry, as a bit mask (bit i-1:
    pair i of `keys`/`values`), for pairs naming each attribute at most once (the trace list's typed mode).

    One term per typed attribute, each a constant `if` on whether the pairs name it: the engine drops the
    terms of attributes no pair names, with their columns, and compares a named column to a constant. The
    mask's first form, a lambda over the pairs on every row, read all six columns: the trace list's read of
    a day's spins (1.4 million, 5 M store, pair on slot.game.id) took 270 ms with it and 148 ms this way.
    """
    terms = [
        f"if(has({keys}, '{attribute}'), bitShiftLeft(toUInt64({column} = {values}[indexOf({keys}, '{attribute}')]),"
        f" indexOf({keys}, '{attribute}') - 1), 0)"
        for attribute, column in attributes.items()
    ]
    return "toUInt64(" + "\n    + ".join(terms) + ")"


def sql_strings(items: Iterable[str]) -> str:
    """Names as an SQL array literal (attribute names: no quote in them)."""
    return "[" + ", ".join(f"'{item}'" for item in items) + "]"


MAP_PAIRS: Final[str] = """${name}_pairs AS (
    SELECT TraceId AS trace_id, toUInt64(arraySum(arrayMap(
            i -> bitShiftLeft(toUInt64(
                mapContains(${map}, {where_keys:Array(String)}[i])
                AND ${map}[{where_keys:Array(String)}[i]] = {where_values:Array(String)}[i]), i - 1),
            arrayEnumerate({where_keys:Array(String)})))) AS pairs_carried
    FROM otel_traces
    WHERE length({where_keys:Array(String)}) > 0
      AND Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND hasAny(mapKeys(${map}), ${keys})
      AND hasAny(mapValues(${map}), ${values})
${extra}      AND pairs_carried > 0
)"""
"""A CTE of the trace list's where sets (traces/trace_ranked, traces/trace_where_typed): which where pairs each
span's attribute `map` carries, as a bit mask, for the spans whose map holds one of `keys` and one of `values` (the
pairs' keys and values). Those tests (hasAny on mapKeys, on mapValues) are what the exporter's bloom filters on
mapKeys(...) and mapValues(...) of SpanAttributes and ResourceAttributes answer, so only the granules whose spans
hold one of the keys and one of the values are read (a wallet provider: the wallet spans' granules). The keys'
filter comes first in the table (0001) and is small (a span has a dozen keys, the same on every span of a name);
the values' filter holds every spin's ids: a granule the keys rule out is not looked up in it (a day of spin spans
at 50 M, a pair on cloud.region, which spin spans carry as a resource attribute only: 174 granules' value filters
read and 15.7 ms, against none and 6.1 ms). Span and resource attributes are two CTEs: an OR of the two maps in
one WHERE would let neither index skip anything. `extra`: further condition lines."""

PAIR_VALUES: Final[str] = "{where_values:Array(String)}"

KEYED_VALUES: Final[str] = (
    "arrayFilter((v, k) -> ${test}has(${keys}, k), {where_values:Array(String)}, {where_keys:Array(String)})"
)
"""The where values whose key is (`test` empty) or is not (`test` 'NOT ') among `keys`."""

PAIR_KEYS: Final[str] = "{where_keys:Array(String)}"

KEYED_KEYS: Final[str] = "arrayFilter(k -> ${test}has(${keys}, k), {where_keys:Array(String)})"
"""The where keys that are (`test` empty) or are not (`test` 'NOT ') among `keys`."""


def where_pairs_fragments() -> dict[str, str]:
    """The trace list's where-pair fragments: the typed masks and the attribute-map CTEs of both paths."""
    resource_keys = sql_strings(RESOURCE_TYPED_ATTRIBUTES)

    def pairs(name: str, attributes: str, keyed: tuple[str, str], extra: str) -> str:
        keys, values = keyed
        return Template(MAP_PAIRS).substitute(name=name, map=attributes, keys=keys, values=values, extra=extra)

    def keyed(test: str) -> tuple[str, str]:
        """The where keys and values whose key is (`test` '') or is not ('NOT ') a resource key."""
        return (
            Template(KEYED_KEYS).substitute(test=test, keys=resource_keys),
            Template(KEYED_VALUES).substitute(test=test, keys=resource_keys),
        )

    every = (PAIR_KEYS, PAIR_VALUES)
    return {
        "typed_mask": typed_mask({**SPIN_TYPED_ATTRIBUTES, **RESOURCE_TYPED_ATTRIBUTES}),
        "child_mask": typed_mask(RESOURCE_TYPED_ATTRIBUTES),
        "resource_keys": resource_keys,
        # every where pair, as a mask: what a trace must carry to be listed
        "all_pairs": "bitShiftLeft(toUInt64(1), length({where_keys:Array(String)})) - 1",
        # the pairs naming a resource attribute, as a mask: what a child_spans row can carry at most
        "resource_bits": "toUInt64(arraySum(arrayMap(i -> bitShiftLeft(toUInt64(has("
        + resource_keys
        + ", {where_keys:Array(String)}[i])), i - 1), arrayEnumerate({where_keys:Array(String)}))))",
        # the map path (traces/trace_ranked outside typed mode): every span, every pair, both maps
        "map_span_pairs": pairs("span", "SpanAttributes", every, "      AND NOT {typed:UInt8}\n"),
        "map_resource_pairs": pairs("resource", "ResourceAttributes", every, "      AND NOT {typed:UInt8}\n"),
        # typed mode (traces/trace_where_typed): the maps for what the typed columns do not hold
        "typed_span_pairs": pairs("span", "SpanAttributes", every, "      AND SpanName != 'spin'\n"),
        "typed_spin_span_pairs": pairs(
            "spin_span",
            "SpanAttributes",
            keyed(""),
            f"      AND SpanName = 'spin' AND hasAny({{where_keys:Array(String)}}, {resource_keys})\n",
        ),
        "typed_resource_pairs": pairs(
            "resource",
            "ResourceAttributes",
            keyed("NOT "),
            f"      AND NOT hasAll({resource_keys}, {{where_keys:Array(String)}})\n",
        ),
    }


MONEY_AMOUNTS: Final[tuple[str, ...]] = ("bet", "win")
"""The amounts spins_mv parses, each from the span attribute slot.<name>.amount into <name>_amount."""

MONEY_STAGES: Final[tuple[str, ...]] = (
    # 1, on otel_traces: the attribute and its parts by one regular expression (integer digits, fraction
    # digits, exponent); empty parts when it is not a decimal literal
    """mapContains(SpanAttributes, 'slot.@.amount') AS @_present,
    SpanAttributes['slot.@.amount'] AS @_raw,
    extractGroups(@_raw, literal_pattern) AS @_parts""",
    # 2: the digits without leading zeros, the exponent (NULL past Int64)
    """trimLeft(concat(@_parts[1], @_parts[2]), '0') AS @_digits,
    toInt64OrNull(if(@_parts[3] = '', '0', @_parts[3])) AS @_exponent,
    NOT (empty(@_parts) OR length(@_parts[1]) + length(@_parts[2]) = 0) AS @_parsed""",
    # 3: the significant digits (trailing zeros are notation) and the power of ten they are shifted by
    """trimRight(@_digits, '0') AS @_significant,
    ifNull(@_exponent, 0) - length(@_parts[2]) + length(@_digits) - length(@_significant) AS @_shift""",
    # 4: how many fractional and integer digits the amount has; the digits padded for a decimal point
    """if(@_significant = '', 0, greatest(0, -@_shift)) AS @_fraction_digits,
    if(@_significant = '', 0, greatest(0, length(@_significant) + @_shift)) AS @_integer_digits,
    leftPad(@_significant, greatest(length(@_significant), least(@_fraction_digits, 40) + 1), '0') AS @_padded""",
    # 5: the amount as plain digits (zero, an integer, or with a decimal point) and the first failed check
    """[
        '0',
        concat(@_significant, repeat('0', toUInt64(greatest(least(@_shift, 40), 0)))),
        concat(substring(@_padded, 1, length(@_padded) - least(@_fraction_digits, 40)), '.',
               substring(@_padded, length(@_padded) - least(@_fraction_digits, 40) + 1))
    ][1 + (@_significant != '') + (@_significant != '' AND @_shift < 0)] AS @_plain,
    indexOf([
        NOT @_present,
        @_raw = '',
        match(@_raw, '^[+-]?(?i:nan|inf|infinity)$'),
        startsWith(@_raw, '-'),
        NOT @_parsed,
        @_exponent IS NULL OR @_integer_digits > 20,
        @_fraction_digits > currency_scale
    ], 1) AS @_failed_check""",
    # 6: the reason for that check, '' when every check passed
    """multiIf(
        @_failed_check = 0, '',
        @_failed_check = 1, 'slot.@.amount is missing',
        @_failed_check = 2, 'slot.@.amount is empty',
        @_failed_check = 3, concat('slot.@.amount is not finite: ', left(@_raw, 64)),
        @_failed_check = 4, concat('slot.@.amount is negative: ', left(@_raw, 64)),
        @_failed_check = 5, concat('slot.@.amount is not a decimal amount: ', left(@_raw, 64)),
        @_failed_check = 6, concat('slot.@.amount is out of range (more than 20 integer digits): ', left(@_raw, 64)),
        concat('slot.@.amount has ', toString(@_fraction_digits), ' fractional digits, more than the ',
               toString(currency_scale), ' of ', currency_label, ' (a double written as text?): ', left(@_raw, 64))
    ) AS @_problem""",
)
"""spins_mv's exact money parsing (0140), one stage a subquery level: stage n's columns for every amount of
MONEY_AMOUNTS (`$money_stage_n`), "@" standing for the amount's name. Each stage reads the columns of the
stage below it. Written as one level with aliases (0031), every use of an alias repeats the expression
behind it all the way down, and the engine analyses that tree again on every insert; 0140's header has
the figures."""


def money_stage(n: int) -> str:
    """Stage `n` (1-based) of MONEY_STAGES for every amount, as select-list items."""
    return ",\n    ".join(MONEY_STAGES[n - 1].replace("@", amount) for amount in MONEY_AMOUNTS)


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
        "game_rollup_measures": rollup_measures(),
        "rollup_measure_types": rollup_measure_types(),
        "spin_dimension_value": dimension_value(SPIN_DIMENSIONS),
        "spin_dimension_in": dimension_in(SPIN_DIMENSIONS),
        "span_dimension_value": dimension_value(SPAN_DIMENSIONS),
        "span_dimension_in": dimension_in(SPAN_DIMENSIONS),
        "rca_spins": Template(RCA_SPINS.strip()).substitute(rca_raw_time=RCA_RAW_TIME, latency_pick=latency_pick()),
        "rca_ok_latency_counts": latency_counts_if("NOT is_error"),
        **where_pairs_fragments(),
        **{f"money_stage_{n}": money_stage(n) for n in range(1, len(MONEY_STAGES) + 1)},
    }
