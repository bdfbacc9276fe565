"""SLO specs: OpenSLO v1 `kind: SLO` documents read, validated and turned into frozen `SloSpec`s.

One `SloSpec` drives both the alert evaluation and the dashboard queries (Sloth/Pyrra's rule), so
everything the SQL side needs to count good and total events is a plain field here: the source
table, the filters, the good-event predicate, the grouping. This module reads files only in
`load_slos`; `parse_slo` is pure. It must not touch the store.

Accepted OpenSLO subset (anything else fails with a message naming the file, field and fix):
`apiVersion: openslo/v1`, `kind: SLO`, `metadata.{name, displayName, labels, annotations}`,
`spec.{description, service, indicator (inline), timeWindow (exactly one), budgetingMethod:
Occurrences, objectives (exactly one)}`. The indicator is `ratioMetric` (good or bad, plus
total) or `thresholdMetric`; every `metricSource` is `type: spinscope`, whose spec (source,
spanName, filter, groupBy, minEvents, measure) is documented and parsed in metric_source.py.

Why only `op: lte` and a fixed threshold ladder: good events are counted exactly from rollups
that store, per minute, how many durations were <= each threshold in LATENCY_THRESHOLDS_MS
(the OTel/`le` convention). Any other operator or value would need raw rows or interpolation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from spinscope.slo.metric_source import (
    DEFAULT_MIN_EVENTS,
    DIMENSIONS,
    LATENCY_THRESHOLDS_MS,
    SPAN_DIMENSIONS,
    SPINS_DIMENSIONS,
    Fields,
    Filter,
    SloSpecError,
    parse_indicator,
    show,
)

__all__ = [
    "CALENDAR_NOMINAL_SECONDS",
    "DEFAULT_MIN_EVENTS",
    "DIMENSIONS",
    "LATENCY_THRESHOLDS_MS",
    "SPAN_DIMENSIONS",
    "SPINS_DIMENSIONS",
    "SloSpec",
    "SloSpecError",
    "TimeWindow",
    "load_slos",
    "parse_slo",
]

_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DURATION_RE = re.compile(r"^([1-9][0-9]*)([mhdwMQY])$")
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400}
_MIN_ROLLING_S = 86400
_MAX_ROLLING_S = 366 * 86400
CALENDAR_NOMINAL_SECONDS: Final = {"week": 7 * 86400, "month": 30 * 86400}
"""Period length used to scale burn-rate factors for calendar windows (a month counts as 30d)."""


@dataclass(frozen=True)
class TimeWindow:
    """The SLO period: rolling (the last `seconds`) or calendar-aligned (week from Monday, or month).

    `seconds` of a calendar window is nominal (7d, 30d): it only scales burn-rate factors; the
    real bounds come from math.window_bounds in `timezone`.
    """

    duration: str
    is_rolling: bool
    seconds: int
    calendar_unit: Literal["week", "month"] | None = None
    timezone: str = "UTC"
    calendar_start: datetime | None = None


@dataclass(frozen=True)
class SloSpec:
    """One validated SLO; the single object alerting and dashboards both read."""

    name: str
    display_name: str
    description: str
    service: str
    source: Literal["spins", "spans"]
    span_name: str | None
    filters: tuple[Filter, ...]
    kind: Literal["ratio", "threshold"]
    good_when: tuple[str, str | int]
    target: Fraction
    window: TimeWindow
    group_by: tuple[str, ...]
    min_events: int
    path: str

    def error_budget_ratio(self) -> Fraction:
        """Share of events allowed to be bad: 1 − target."""
        return 1 - self.target

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON view (target as an exact decimal string) for `slo status --json` and golden files."""
        from spinscope.slo.math import format_ratio

        window: dict[str, Any] = {
            "duration": self.window.duration,
            "is_rolling": self.window.is_rolling,
            "seconds": self.window.seconds,
        }
        if not self.window.is_rolling:
            start = self.window.calendar_start
            window |= {
                "calendar_unit": self.window.calendar_unit,
                "timezone": self.window.timezone,
                "calendar_start": start.replace(tzinfo=None).isoformat(sep=" ") if start else None,
            }
        return {
            "name": self.name,
            "display_name": self.display_name,
            "description": self.description,
            "service": self.service,
            "source": self.source,
            "span_name": self.span_name,
            "filters": {k: list(v) if isinstance(v, tuple) else v for k, v in self.filters},
            "kind": self.kind,
            "good_when": list(self.good_when),
            "target": format_ratio(self.target),
            "error_budget_ratio": format_ratio(self.error_budget_ratio()),
            "window": window,
            "group_by": list(self.group_by),
            "min_events": self.min_events,
            "path": self.path,
        }


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys: a repeated `target:` silently winning is a typo hidden."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}; keep one of them", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_slos(directory: str | Path) -> list[SloSpec]:
    """Every SLO in `directory`'s *.yaml / *.yml files (multi-document allowed), sorted by name.

    Names must be unique across files, because the name keys alert state and dashboard URLs.
    """
    root = Path(directory)
    if not root.is_dir():
        raise SloSpecError(f"{root}: not a directory; pass the folder holding the SLO specs, e.g. config/slos")
    specs: list[SloSpec] = []
    seen: dict[str, str] = {}
    for path in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
        try:
            docs = [d for d in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_StrictLoader) if d is not None]
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
            problem = getattr(exc, "problem", None) or str(exc)
            raise SloSpecError(f"{path}: {where}: invalid YAML: {problem}; fix the YAML at that line") from exc
        except UnicodeDecodeError as exc:
            raise SloSpecError(f"{path}: (file): not UTF-8 text ({exc.reason}); save it as UTF-8") from exc
        for index, doc in enumerate(docs):
            source = f"{path} (document {index + 1})" if len(docs) > 1 else str(path)
            spec = parse_slo(doc, source)
            if spec.name in seen:
                raise SloSpecError(
                    f"{source}: metadata.name: {spec.name!r} is already defined in {seen[spec.name]}; "
                    "SLO names must be unique, rename one"
                )
            seen[spec.name] = source
            specs.append(spec)
    return sorted(specs, key=lambda s: s.name)


def parse_slo(doc: Any, source: str) -> SloSpec:
    """Validate one OpenSLO v1 SLO document (already YAML-decoded) read from `source`."""
    d = Fields(source)
    top = d.mapping(
        doc, "(document)", ("apiVersion", "kind", "metadata", "spec"), ("apiVersion", "kind", "metadata", "spec")
    )
    if top["apiVersion"] != "openslo/v1":
        d.fail("apiVersion", f"{top['apiVersion']!r} is not supported", "write apiVersion: openslo/v1")
    if top["kind"] != "SLO":
        d.fail("kind", f"{top['kind']!r} is not supported", "spinscope reads kind: SLO with an inline indicator")
    meta = d.mapping(top["metadata"], "metadata", ("name", "displayName", "labels", "annotations"), ("name",))
    name = d.string(meta["name"], "metadata.name", "write a name like spin-availability")
    if len(name) > 63 or not _NAME_RE.match(name):
        d.fail(
            "metadata.name",
            f"{name!r} is not an RFC 1123 label",
            "use at most 63 lowercase letters, digits and '-', starting and ending alphanumeric (spin-availability)",
        )
    for key in ("labels", "annotations"):
        if key in meta and not isinstance(meta[key], dict):
            d.fail(f"metadata.{key}", f"expected a mapping, got {show(meta[key])}", "write key: value pairs")
    display_name = d.string(meta.get("displayName", name), "metadata.displayName", "write a short human title")

    spec = d.mapping(
        top["spec"],
        "spec",
        (
            "description",
            "service",
            "indicator",
            "indicatorRef",
            "timeWindow",
            "budgetingMethod",
            "objectives",
            "alertPolicies",
        ),
        ("service", "budgetingMethod", "objectives"),
    )
    description = spec.get("description", "")
    if not isinstance(description, str) or len(description) > 1050:
        d.fail("spec.description", "expected a string of at most 1050 characters", "shorten or quote it")
    service = d.string(spec["service"], "spec.service", "write the service name, e.g. slot-engine")
    if "indicatorRef" in spec:
        d.fail("spec.indicatorRef", "referenced SLIs are not supported", "inline the SLI under spec.indicator")
    if "indicator" not in spec:
        d.fail("spec.indicator", "missing", "add an inline indicator with ratioMetric or thresholdMetric")
    if spec.get("alertPolicies"):
        d.fail(
            "spec.alertPolicies",
            "custom alert policies are not supported",
            "remove it: spinscope alerts on the standard multi-window burn-rate pairs scaled to the window",
        )
    method = spec["budgetingMethod"]
    if method != "Occurrences":
        d.fail(
            "spec.budgetingMethod",
            f"{method!r} is not supported (only Occurrences is)",
            "write budgetingMethod: Occurrences (spinscope counts good/total events from rollups; "
            "Timeslices and RatioTimeslices are not implemented)",
        )
    window = _time_window(d, spec.get("timeWindow"))
    indicator = parse_indicator(d, spec["indicator"])
    target, threshold = _objective(d, spec["objectives"], indicator["kind"])
    good_when = ("latency_lte_ms", threshold) if threshold is not None else indicator["good_when"]
    return SloSpec(
        name=name,
        display_name=display_name,
        description=description,
        service=service,
        source=indicator["source"],
        span_name=indicator["span_name"],
        filters=indicator["filters"],
        kind=indicator["kind"],
        good_when=good_when,
        target=target,
        window=window,
        group_by=indicator["group_by"],
        min_events=indicator["min_events"],
        path=source,
    )


def _time_window(d: Fields, value: Any) -> TimeWindow:
    f = "spec.timeWindow"
    if value is None:
        d.fail(f, "missing", "add timeWindow: [{duration: 28d, isRolling: true}]")
    if not isinstance(value, list) or len(value) != 1:
        d.fail(f, "expected a list of exactly one window", "write timeWindow: [{duration: 28d, isRolling: true}]")
    f = "spec.timeWindow[0]"
    w = d.mapping(value[0], f, ("duration", "isRolling", "calendar"), ("duration", "isRolling"))
    text = str(w["duration"])
    match = _DURATION_RE.match(text)
    if not match:
        d.fail(f"{f}.duration", f"{text!r} is not a duration", "write a number and a unit, e.g. 28d, 1w, 24h or 1M")
    count, unit = int(match.group(1)), match.group(2)
    if not isinstance(w["isRolling"], bool):
        d.fail(
            f"{f}.isRolling",
            f"expected true or false, got {show(w['isRolling'])}",
            "write isRolling: true (rolling) or false (calendar-aligned, with calendar:)",
        )
    if w["isRolling"]:
        if "calendar" in w:
            d.fail(f"{f}.calendar", "not allowed on a rolling window", "remove calendar, or set isRolling: false")
        if unit not in _UNIT_SECONDS:
            hint = " (m is minutes; a month is M)" if unit == "m" else ""
            d.fail(
                f"{f}.duration",
                f"{text!r} has no fixed length for a rolling window{hint}",
                "write hours, days or weeks (28d, 30d, 1w, 24h), or use isRolling: false for calendar months",
            )
        seconds = count * _UNIT_SECONDS[unit]
        if not _MIN_ROLLING_S <= seconds <= _MAX_ROLLING_S:
            d.fail(
                f"{f}.duration",
                f"{text!r} is outside 24h..366d",
                "burn-rate alert windows (up to 3d) need a period of at least a day; write e.g. 28d",
            )
        return TimeWindow(duration=text, is_rolling=True, seconds=seconds)
    units = {"1w": "week", "1M": "month"}
    if text not in units:
        d.fail(f"{f}.duration", f"{text!r} is not a supported calendar period", "write 1w (weeks from Monday) or 1M")
    unit_name: Literal["week", "month"] = "week" if text == "1w" else "month"
    cal = d.mapping(w.get("calendar"), f"{f}.calendar", ("startTime", "timeZone"), ("startTime", "timeZone"))
    tz_name = d.string(cal["timeZone"], f"{f}.calendar.timeZone", "write an IANA name like UTC or Europe/Malta")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        d.fail(
            f"{f}.calendar.timeZone",
            f"{tz_name!r} is not a known time zone",
            "write an IANA name like UTC or Europe/Malta",
        )
    start = _start_time(d, cal["startTime"], f"{f}.calendar.startTime")
    if (
        start.time() != datetime.min.time()
        or (unit_name == "month" and start.day != 1)
        or (unit_name == "week" and start.weekday() != 0)
    ):
        anchor = "the 1st of a month" if unit_name == "month" else "a Monday"
        d.fail(
            f"{f}.calendar.startTime",
            f"{start:%Y-%m-%d %H:%M:%S} is not midnight on {anchor}",
            f"periods are aligned to calendar {unit_name}s; write e.g. 2025-01-06 00:00:00"
            if unit_name == "week"
            else "periods are aligned to calendar months; write e.g. 2025-01-01 00:00:00",
        )
    return TimeWindow(
        duration=text,
        is_rolling=False,
        seconds=CALENDAR_NOMINAL_SECONDS[unit_name],
        calendar_unit=unit_name,
        timezone=tz_name,
        calendar_start=start.replace(tzinfo=tz),
    )


def _start_time(d: Fields, value: Any, field: str) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            d.fail(field, "has a UTC offset", "write local time without offset; timeZone says where it is")
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            pass
        else:
            return parsed
    d.fail(field, f"{show(value)} is not a local date-time", 'write "2025-01-01 00:00:00" (local to timeZone)')


def _objective(d: Fields, value: Any, kind: str) -> tuple[Fraction, int | None]:
    f = "spec.objectives"
    if not isinstance(value, list) or len(value) != 1:
        d.fail(f, "expected a list of exactly one objective", "split other targets into separate SLO documents")
    f = "spec.objectives[0]"
    obj = d.mapping(
        value[0], f, ("displayName", "target", "targetPercent", "op", "value", "timeSliceTarget", "timeSliceWindow")
    )
    if "timeSliceTarget" in obj or "timeSliceWindow" in obj:
        d.fail(f"{f}.timeSliceTarget", "time slices need budgetingMethod Timeslices", "remove it (Occurrences only)")
    if ("target" in obj) == ("targetPercent" in obj):
        d.fail(f, "needs exactly one of target or targetPercent", "write e.g. target: 0.999 (or targetPercent: 99.9)")
    if "target" in obj:
        target = _exact(d, obj["target"], f"{f}.target", "0.999")
        if not 0 <= target < 1:
            d.fail(f"{f}.target", f"{obj['target']} is not in [0, 1)", "write e.g. 0.999")
    else:
        target = _exact(d, obj["targetPercent"], f"{f}.targetPercent", "99.9") / 100
        if not 0 <= target < 1:
            d.fail(f"{f}.targetPercent", f"{obj['targetPercent']} is not in [0, 100)", "write e.g. 99.9")
    if kind == "ratio":
        for key in ("op", "value"):
            if key in obj:
                d.fail(f"{f}.{key}", "not allowed with a ratioMetric", "remove it; the ratio's good/total is the SLI")
        return target, None
    for key in ("op", "value"):
        if key not in obj:
            d.fail(f"{f}.{key}", "missing (required with thresholdMetric)", "add op: lte and value: 500 (ms)")
    if obj["op"] != "lte":
        d.fail(
            f"{f}.op",
            f"{obj['op']!r} is not supported",
            "write op: lte; good events are counted exactly from rollups that count durations <= fixed "
            "thresholds, so only 'duration <= value' is exact",
        )
    ms = obj["value"]
    if isinstance(ms, bool) or not isinstance(ms, int | float) or ms not in LATENCY_THRESHOLDS_MS:
        ladder = ", ".join(map(str, LATENCY_THRESHOLDS_MS))
        d.fail(
            f"{f}.value",
            f"{ms!r} ms is not a rollup threshold",
            f"use one of {ladder} (milliseconds; rollups count durations <= exactly these)",
        )
    return target, int(ms)


def _exact(d: Fields, value: Any, field: str, example: str) -> Fraction:
    """A YAML number as the exact decimal the author wrote (0.999 → 999/1000, not the nearest binary float)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        d.fail(field, f"expected a number, got {show(value)}", f"write e.g. {example}")
    try:
        return Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        d.fail(field, f"{value!r} is not a number", f"write e.g. {example}")
