"""The `type: spinscope` metricSource: what an SLO counts, and the field checks SLO parsing shares.

OpenSLO leaves a metricSource's `spec` free-form; this is ours:

    source:     spins | spans      spins: the typed `spins` table (rollup spin_minutely);
                                   spans: child spans in otel_traces (rollup span_minutely)
    spanName:   wallet.debit       required with source spans, forbidden with spins
    filter:     {key: value}       equality (a list of values means "any of"); keys are the
                                   rollup dimensions in SPINS_DIMENSIONS / SPAN_DIMENSIONS
    groupBy:    [game_id]          optional: one SLO (budget, alerts) per value of these keys
    minEvents:  100                optional: a burn-rate pair whose long window holds fewer
                                   events cannot fire; the state says low_traffic instead
    measure:    latency            thresholdMetric only; milliseconds, compared with `op: lte`

`source`, `spanName`, `filter`, `groupBy` and `minEvents` live in the total's metricSource (or
the thresholdMetric's). The good (or bad) metricSource narrows the total by exactly one
predicate, `filter: {status: ok}` (or `bad` with `{status: error}`); it may repeat the total's
source, spanName and filter entries, as an OpenSLO good query naturally would. For spans,
status `error` means OTel StatusCode = Error and `ok` means anything else (Ok or Unset).

Filter and groupBy keys are only the rollups' dimensions, because every count is a sum over
minute rollups: a key the rollup does not keep could not be counted without raw rows. Pure;
no file or store access.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, NoReturn

from spinscope.errors import UserError
from spinscope.schema.fragments import LATENCY_LADDER_MS, SPIN_DIMENSIONS
from spinscope.schema.fragments import SPAN_DIMENSIONS as _SPAN_DIMENSIONS

LATENCY_THRESHOLDS_MS: Final = LATENCY_LADDER_MS
"""Latency thresholds (ms) the rollups count `duration <= t` for; a threshold SLO must use one."""

DEFAULT_MIN_EVENTS: Final = 100
"""Events the long window of a burn-rate pair needs before the pair may fire (see math.alert_state)."""

SPINS_DIMENSIONS: Final = SPIN_DIMENSIONS
"""Filter/groupBy keys of spin SLOs: the spin_minutely dimensions (error_type is not one)."""

SPAN_DIMENSIONS: Final = _SPAN_DIMENSIONS
"""Filter/groupBy keys of span SLOs (span attribute names as OTel writes them)."""

DIMENSIONS: Final[Mapping[str, Mapping[str, str]]] = {"spins": SPINS_DIMENSIONS, "spans": SPAN_DIMENSIONS}
STATUS_VALUES: Final = ("ok", "error")
UNGROUPABLE: Final = ("status", "error.type")  # they split good from bad, so a group's SLI would be 0 or 1

Filter = tuple[str, str | tuple[str, ...]]


class SloSpecError(UserError, ValueError):
    """An SLO spec that cannot be used; the message names the file, the field path and the fix."""


class Fields:
    """Field access that fails with `<source>: <field path>: <problem>; <fix>`."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str, fix: str) -> NoReturn:
        raise SloSpecError(f"{self.source}: {field}: {problem}; {fix}")

    def mapping(self, value: Any, field: str, allowed: Sequence[str], required: Sequence[str] = ()) -> dict[str, Any]:
        """`value` as a mapping with only `allowed` keys and every `required` one (typos fail, not vanish)."""
        if not isinstance(value, dict):
            self.fail(field, f"expected a mapping, got {show(value)}", f"write it as keys: {', '.join(allowed)}")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            self.fail(
                _child(field, unknown[0]),
                "unknown field",
                f"remove it or use one of: {', '.join(allowed)} (field names are case-sensitive)",
            )
        for key in required:
            if key not in value:
                self.fail(_child(field, key), "missing", f"add {key}: (required)")
        return value

    def string(self, value: Any, field: str, fix: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"expected a non-empty string, got {show(value)}", fix)
        return value


def _child(field: str, key: str) -> str:
    return key if field == "(document)" else f"{field}.{key}"


def show(value: Any) -> str:
    """A value as an error message shows it: its YAML type and repr, so `'0.999'` and `0.999` differ."""
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"


def parse_indicator(d: Fields, value: Any) -> dict[str, Any]:
    """`spec.indicator` → source, span_name, filters, group_by, min_events, kind and good_when.

    good_when is None for a thresholdMetric: the objective's op/value supply it.
    """
    f = "spec.indicator"
    ind = d.mapping(value, f, ("metadata", "spec"), ("spec",))
    if "metadata" in ind:
        d.mapping(ind["metadata"], f"{f}.metadata", ("name", "displayName", "labels", "annotations"))
    body = d.mapping(ind["spec"], f"{f}.spec", ("ratioMetric", "thresholdMetric"))
    if len(body) != 1:
        d.fail(f"{f}.spec", "needs exactly one of ratioMetric or thresholdMetric", "keep one of them")
    if "thresholdMetric" in body:
        f = f"{f}.spec.thresholdMetric"
        tm = d.mapping(body["thresholdMetric"], f, ("metricSource",), ("metricSource",))
        src = _metric_source(d, tm["metricSource"], f"{f}.metricSource", role="threshold")
        return src | {"kind": "threshold", "good_when": None}
    f = f"{f}.spec.ratioMetric"
    rm = d.mapping(body["ratioMetric"], f, ("counter", "good", "bad", "total", "raw", "rawType"), ("total",))
    if "raw" in rm or "rawType" in rm:
        d.fail(f"{f}.raw", "raw ratios are not supported", "use good (or bad) and total")
    if ("good" in rm) == ("bad" in rm):
        d.fail(f, "needs exactly one of good or bad", "add good: (status ok) or bad: (status error), not both")
    total = _metric_source(d, _wrapped(d, rm["total"], f"{f}.total"), f"{f}.total.metricSource", role="total")
    which = "good" if "good" in rm else "bad"
    narrow = _narrowing(d, _wrapped(d, rm[which], f"{f}.{which}"), f"{f}.{which}.metricSource", total, which)
    return total | {"kind": "ratio", "good_when": narrow}


def _wrapped(d: Fields, value: Any, field: str) -> Any:
    return d.mapping(value, field, ("metricSource",), ("metricSource",))["metricSource"]


def _metric_source_spec(d: Fields, value: Any, field: str) -> dict[str, Any]:
    ms = d.mapping(value, field, ("type", "metricSourceRef", "spec"), ("spec",))
    if "metricSourceRef" in ms:
        d.fail(
            f"{field}.metricSourceRef",
            "referenced data sources are not supported",
            "write type: spinscope and an inline spec",
        )
    if ms.get("type") != "spinscope":
        d.fail(f"{field}.type", f"{ms.get('type')!r} is not supported", "write type: spinscope (spinscope's own store)")
    return ms["spec"]


def _metric_source(d: Fields, value: Any, field: str, role: Literal["total", "threshold"]) -> dict[str, Any]:
    keys = ("source", "spanName", "filter", "groupBy", "minEvents") + (("measure",) if role == "threshold" else ())
    f = f"{field}.spec"
    spec = d.mapping(_metric_source_spec(d, value, field), f, keys, ("source",))
    source = spec["source"]
    if source not in DIMENSIONS:
        d.fail(f"{f}.source", f"{source!r} is not a source", "write source: spins (spin spans) or spans (child spans)")
    span_name = _span_name(d, spec, f, source)
    filters = _filters(d, spec.get("filter", {}), f"{f}.filter", source)
    if role == "total" and any(k == "status" for k, _ in filters):
        d.fail(
            f"{f}.filter.status",
            "the total must count every status",
            "remove status from total; good: {status: ok} or bad: {status: error} decides good from bad",
        )
    if role == "threshold" and spec.get("measure") != "latency":
        d.fail(f"{f}.measure", f"{spec.get('measure')!r} is not a measure", "write measure: latency (milliseconds)")
    group_by = spec.get("groupBy", [])
    if (
        not isinstance(group_by, list)
        or not all(isinstance(k, str) for k in group_by)
        or len(set(group_by)) != len(group_by)
    ):
        d.fail(f"{f}.groupBy", f"expected a list of distinct keys, got {show(group_by)}", "write groupBy: [game_id]")
    for i, key in enumerate(group_by):
        if key not in DIMENSIONS[source] or key in UNGROUPABLE:
            allowed = [k for k in DIMENSIONS[source] if k not in UNGROUPABLE]
            d.fail(f"{f}.groupBy[{i}]", f"{key!r} cannot group {source}", f"use one of: {', '.join(allowed)}")
        if key in dict(filters):
            d.fail(f"{f}.groupBy[{i}]", f"{key!r} is also fixed by filter", "group by it or filter on it, not both")
    min_events = spec.get("minEvents", DEFAULT_MIN_EVENTS)
    if isinstance(min_events, bool) or not isinstance(min_events, int) or min_events < 0:
        d.fail(
            f"{f}.minEvents",
            f"expected a whole number >= 0, got {show(min_events)}",
            f"write e.g. minEvents: {DEFAULT_MIN_EVENTS} (0 turns the low-traffic guard off)",
        )
    return {
        "source": source,
        "span_name": span_name,
        "filters": filters,
        "group_by": tuple(group_by),
        "min_events": min_events,
    }


def _span_name(d: Fields, spec: Mapping[str, Any], f: str, source: str) -> str | None:
    if source == "spins":
        if "spanName" in spec:
            d.fail(f"{f}.spanName", "not allowed with source spins", "remove it, or write source: spans")
        return None
    if "spanName" not in spec:
        d.fail(f"{f}.spanName", "missing (required with source spans)", "add spanName: wallet.debit")
    name = d.string(spec["spanName"], f"{f}.spanName", "write the span name, e.g. wallet.debit")
    if name == "spin":
        d.fail(f"{f}.spanName", "spin spans are the spins source", "write source: spins and drop spanName")
    return name


def _filters(d: Fields, value: Any, field: str, source: str) -> tuple[Filter, ...]:
    dims = DIMENSIONS[source]
    if not isinstance(value, dict):
        d.fail(field, f"expected a mapping, got {show(value)}", "write filter: {key: value}")
    out: list[Filter] = []
    for key, raw in value.items():
        f = f"{field}.{key}"
        if key not in dims:
            hint = " (use spanName)" if key == "span_name" else ""
            d.fail(f, f"not a {source} dimension{hint}", f"use one of: {', '.join(dims)}")
        values = raw if isinstance(raw, list) else [raw]
        if not values or not all(isinstance(v, str) for v in values):
            d.fail(
                f, f"expected a string or a non-empty list of strings, got {show(raw)}", f"quote values: {key}: '{raw}'"
            )
        if key == "status" and any(v not in STATUS_VALUES for v in values):
            d.fail(f, f"{raw!r} is not a status", "write ok or error")
        out.append((key, tuple(sorted(set(values))) if isinstance(raw, list) else raw))
    return tuple(sorted(out))


def _narrowing(d: Fields, value: Any, field: str, total: Mapping[str, Any], which: str) -> tuple[str, str]:
    """The good predicate: the good/bad source equals the total plus exactly one `status` entry."""
    f = f"{field}.spec"
    spec = d.mapping(_metric_source_spec(d, value, field), f, ("source", "spanName", "filter"), ("filter",))
    for key, mine in (("source", total["source"]), ("spanName", total["span_name"])):
        if key in spec and spec[key] != mine:
            d.fail(
                f"{f}.{key}",
                f"{spec[key]!r} differs from the total's {mine!r}",
                f"{which} must count a subset of the total; drop {key} or make it equal",
            )
    mine = dict(_filters(d, spec["filter"], f"{f}.filter", total["source"]))
    for key, val in total["filters"]:
        if key in mine and mine.pop(key) != val:
            d.fail(f"{f}.filter.{key}", "differs from the total's filter", f"{which} may only narrow the total")
    expected = "ok" if which == "good" else "error"
    if list(mine) != ["status"] or mine["status"] != expected:
        d.fail(
            f"{f}.filter",
            f"{which} must add exactly status: {expected} to the total's filter",
            f"write filter: {{status: {expected}}}",
        )
    return ("status", "ok")
