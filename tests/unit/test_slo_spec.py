"""SLO spec loading: shipped examples parse to whole known SloSpecs; invalid specs name file, field and fix."""

from __future__ import annotations

import copy
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from spinscope.slo import LATENCY_THRESHOLDS_MS, SloSpec, SloSpecError, TimeWindow, load_slos, parse_slo

REPO = Path(__file__).resolve().parents[2]

RATIO: dict[str, Any] = {
    "apiVersion": "openslo/v1",
    "kind": "SLO",
    "metadata": {"name": "spin-availability"},
    "spec": {
        "service": "slot-server",
        "indicator": {
            "metadata": {"name": "ok-ratio"},
            "spec": {
                "ratioMetric": {
                    "good": {"metricSource": {"type": "spinscope", "spec": {"filter": {"status": "ok"}}}},
                    "total": {"metricSource": {"type": "spinscope", "spec": {"source": "spins"}}},
                }
            },
        },
        "timeWindow": [{"duration": "28d", "isRolling": True}],
        "budgetingMethod": "Occurrences",
        "objectives": [{"target": 0.999}],
    },
}
THRESHOLD: dict[str, Any] = {
    "apiVersion": "openslo/v1",
    "kind": "SLO",
    "metadata": {"name": "spin-latency"},
    "spec": {
        "service": "slot-server",
        "indicator": {
            "spec": {
                "thresholdMetric": {
                    "metricSource": {"type": "spinscope", "spec": {"source": "spins", "measure": "latency"}}
                }
            }
        },
        "timeWindow": [
            {"duration": "1w", "isRolling": False, "calendar": {"startTime": "2025-01-06 00:00:00", "timeZone": "UTC"}}
        ],
        "budgetingMethod": "Occurrences",
        "objectives": [{"op": "lte", "value": 500, "target": 0.99}],
    },
}
RM = "spec.indicator.spec.ratioMetric"
TM = "spec.indicator.spec.thresholdMetric.metricSource.spec"


def edited(base: dict[str, Any], path: str, value: Any = ..., delete: bool = False) -> dict[str, Any]:
    """A deep copy of `base` with the dotted `path` set to `value` (or deleted); `[n]` indexes lists."""
    doc = copy.deepcopy(base)
    node: Any = doc
    parts = path.replace("[", ".").replace("]", "").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
    if delete:
        del node[last]
    else:
        node[last] = value
    return doc


def test_shipped_examples_parse_to_the_intended_specs() -> None:
    specs = {s.name: s for s in load_slos(REPO / "config" / "slos")}
    rolling_28d = TimeWindow(duration="28d", is_rolling=True, seconds=28 * 86400)
    assert specs["spin-availability"] == SloSpec(
        name="spin-availability",
        display_name="Spin availability",
        description="99.9 % of spins complete without error over a rolling 28 days.",
        service="slot-server",
        source="spins",
        span_name=None,
        filters=(),
        kind="ratio",
        good_when=("status", "ok"),
        target=Fraction(999, 1000),
        window=rolling_28d,
        group_by=(),
        min_events=100,
        path=str(REPO / "config" / "slos" / "spin-availability.yaml"),
    )
    latency = specs["spin-latency"]
    assert (latency.kind, latency.good_when, latency.target, latency.filters, latency.window) == (
        "threshold",
        ("latency_lte_ms", 500),
        Fraction(99, 100),
        (("status", "ok"),),
        rolling_28d,
    )
    wallet = specs["wallet-debit-success"]
    assert (
        wallet.source,
        wallet.span_name,
        wallet.group_by,
        wallet.target,
        wallet.min_events,
        wallet.good_when,
        wallet.window.seconds,
    ) == ("spans", "wallet.debit", ("wallet.provider",), Fraction(995, 1000), 200, ("status", "ok"), 30 * 86400)
    monthly = specs["spin-availability-monthly"]
    assert monthly.window == TimeWindow(
        duration="1M",
        is_rolling=False,
        seconds=30 * 86400,
        calendar_unit="month",
        timezone="Europe/Malta",
        calendar_start=datetime(2025, 1, 1, tzinfo=ZoneInfo("Europe/Malta")),
    )
    assert (monthly.filters, monthly.group_by) == ((("mode", "paid"),), ("game_id",))


def test_target_is_the_exact_decimal_written_not_the_binary_float() -> None:
    spec = parse_slo(RATIO, "x.yaml")
    assert spec.target == Fraction(999, 1000)
    assert spec.error_budget_ratio() == Fraction(1, 1000)
    assert Fraction(0.999) != Fraction(999, 1000)  # what a float-based parser would have kept
    assert parse_slo(edited(RATIO, "spec.objectives[0]", {"targetPercent": 99.95}), "x").target == Fraction(9995, 10000)


def test_bad_metric_and_repeated_total_filter_normalise_to_the_same_good_predicate() -> None:
    doc = edited(RATIO, f"{RM}.total.metricSource.spec.filter", {"game_id": ["b", "a"]})
    doc["spec"]["indicator"]["spec"]["ratioMetric"].pop("good")
    doc["spec"]["indicator"]["spec"]["ratioMetric"]["bad"] = {
        "metricSource": {
            "type": "spinscope",
            "spec": {"source": "spins", "filter": {"game_id": ["a", "b"], "status": "error"}},
        }
    }
    spec = parse_slo(doc, "x")
    assert (spec.good_when, spec.filters) == (("status", "ok"), (("game_id", ("a", "b")),))


def test_threshold_calendar_week_spec() -> None:
    spec = parse_slo(THRESHOLD, "x")
    assert (spec.kind, spec.good_when, spec.window.calendar_unit, spec.window.seconds) == (
        "threshold",
        ("latency_lte_ms", 500),
        "week",
        7 * 86400,
    )
    for ms in LATENCY_THRESHOLDS_MS:
        assert parse_slo(edited(THRESHOLD, "spec.objectives[0].value", ms), "x").good_when == ("latency_lte_ms", ms)


def test_multi_document_files_and_yml_extension_are_read(tmp_path: Path) -> None:
    other = edited(RATIO, "metadata.name", "other")
    (tmp_path / "a.yml").write_text(yaml.safe_dump_all([RATIO, other]))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(THRESHOLD))
    (tmp_path / "notes.txt").write_text("ignored")
    specs = load_slos(tmp_path)
    assert [(s.name, s.path) for s in specs] == [
        ("other", f"{tmp_path / 'a.yml'} (document 2)"),
        ("spin-availability", f"{tmp_path / 'a.yml'} (document 1)"),
        ("spin-latency", str(tmp_path / "b.yaml")),
    ]


# (document, field path named in the message, a fragment of the fix)
INVALID: list[tuple[str, Any, str, str]] = [
    (
        "target above 1",
        edited(RATIO, "spec.objectives[0].target", 1.2),
        "spec.objectives[0].target",
        "1.2 is not in [0, 1); write e.g. 0.999",
    ),
    ("target of 1", edited(RATIO, "spec.objectives[0].target", 1), "spec.objectives[0].target", "write e.g. 0.999"),
    (
        "target as text",
        edited(RATIO, "spec.objectives[0].target", "high"),
        "spec.objectives[0].target",
        "write e.g. 0.999",
    ),
    (
        "percent 100",
        edited(RATIO, "spec.objectives[0]", {"targetPercent": 100}),
        "spec.objectives[0].targetPercent",
        "write e.g. 99.9",
    ),
    ("both targets", edited(RATIO, "spec.objectives[0].targetPercent", 99.9), "spec.objectives[0]", "target: 0.999"),
    (
        "two objectives",
        edited(RATIO, "spec.objectives", [{"target": 0.9}, {"target": 0.99}]),
        "spec.objectives",
        "separate SLO documents",
    ),
    (
        "time slices",
        edited(RATIO, "spec.budgetingMethod", "Timeslices"),
        "spec.budgetingMethod",
        "budgetingMethod: Occurrences",
    ),
    ("api version", edited(RATIO, "apiVersion", "openslo/v2alpha"), "apiVersion", "write apiVersion: openslo/v1"),
    ("kind", edited(RATIO, "kind", "SLI"), "kind", "kind: SLO"),
    ("name not a label", edited(RATIO, "metadata.name", "Spin_Availability"), "metadata.name", "lowercase"),
    ("typo in spec", edited(RATIO, "spec.budgetMethod", "Occurrences"), "spec.budgetMethod", "remove it or use one"),
    ("missing service", edited(RATIO, "spec.service", delete=True), "spec.service", "add service"),
    ("missing apiVersion", edited(RATIO, "apiVersion", delete=True), "apiVersion", "add apiVersion"),
    ("not a mapping", ["apiVersion", "openslo/v1"], "(document)", "write it as keys: apiVersion"),
    ("indicatorRef", edited(RATIO, "spec.indicatorRef", "x"), "spec.indicatorRef", "inline the SLI"),
    (
        "alert policies",
        edited(RATIO, "spec.alertPolicies", [{"alertPolicyRef": "x"}]),
        "spec.alertPolicies",
        "standard multi-window",
    ),
    ("no window", edited(RATIO, "spec.timeWindow", delete=True), "spec.timeWindow", "duration: 28d"),
    (
        "two windows",
        edited(RATIO, "spec.timeWindow", [{"duration": "7d", "isRolling": True}] * 2),
        "spec.timeWindow",
        "write timeWindow: [{duration: 28d",
    ),
    (
        "rolling month",
        edited(RATIO, "spec.timeWindow[0].duration", "1M"),
        "spec.timeWindow[0].duration",
        "isRolling: false for calendar months",
    ),
    (
        "minutes not month",
        edited(RATIO, "spec.timeWindow[0].duration", "1m"),
        "spec.timeWindow[0].duration",
        "a month is M",
    ),
    ("too short", edited(RATIO, "spec.timeWindow[0].duration", "6h"), "spec.timeWindow[0].duration", "at least a day"),
    (
        "not a duration",
        edited(RATIO, "spec.timeWindow[0].duration", "four weeks"),
        "spec.timeWindow[0].duration",
        "e.g. 28d",
    ),
    (
        "rolling with calendar",
        edited(RATIO, "spec.timeWindow[0].calendar", {"timeZone": "UTC"}),
        "spec.timeWindow[0].calendar",
        "set isRolling: false",
    ),
    (
        "isRolling text",
        edited(RATIO, "spec.timeWindow[0].isRolling", "yes please"),
        "spec.timeWindow[0].isRolling",
        "isRolling: true",
    ),
    (
        "calendar 28d",
        edited(THRESHOLD, "spec.timeWindow[0].duration", "28d"),
        "spec.timeWindow[0].duration",
        "write 1w",
    ),
    (
        "calendar missing",
        edited(THRESHOLD, "spec.timeWindow[0].calendar", delete=True),
        "spec.timeWindow[0].calendar",
        "keys: startTime, timeZone",
    ),
    (
        "week not Monday",
        edited(THRESHOLD, "spec.timeWindow[0].calendar.startTime", "2025-01-07 00:00:00"),
        "spec.timeWindow[0].calendar.startTime",
        "2025-01-06 00:00:00",
    ),
    (
        "month not 1st",
        edited(
            edited(THRESHOLD, "spec.timeWindow[0].duration", "1M"),
            "spec.timeWindow[0].calendar.startTime",
            "2025-01-15 00:00:00",
        ),
        "spec.timeWindow[0].calendar.startTime",
        "2025-01-01 00:00:00",
    ),
    (
        "start not a time",
        edited(THRESHOLD, "spec.timeWindow[0].calendar.startTime", "next monday"),
        "spec.timeWindow[0].calendar.startTime",
        "local to timeZone",
    ),
    (
        "unknown zone",
        edited(THRESHOLD, "spec.timeWindow[0].calendar.timeZone", "Mars/Olympus"),
        "spec.timeWindow[0].calendar.timeZone",
        "Europe/Malta",
    ),
    (
        "op lt",
        edited(THRESHOLD, "spec.objectives[0].op", "lt"),
        "spec.objectives[0].op",
        "count durations <= fixed thresholds",
    ),
    (
        "value off ladder",
        edited(THRESHOLD, "spec.objectives[0].value", 400),
        "spec.objectives[0].value",
        "use one of 50, 100, 200, 250, 300, 500, 750, 1000, 2000, 5000",
    ),
    (
        "value in seconds",
        edited(THRESHOLD, "spec.objectives[0].value", 0.5),
        "spec.objectives[0].value",
        "milliseconds",
    ),
    (
        "threshold without op",
        edited(THRESHOLD, "spec.objectives[0].op", delete=True),
        "spec.objectives[0].op",
        "add op: lte",
    ),
    ("op on ratio", edited(RATIO, "spec.objectives[0].op", "lte"), "spec.objectives[0].op", "remove it"),
    ("no measure", edited(THRESHOLD, f"{TM}.measure", delete=True), f"{TM}.measure", "measure: latency"),
    ("both metrics", edited(RATIO, "spec.indicator.spec.thresholdMetric", {}), "spec.indicator.spec", "keep one"),
    ("good and bad", edited(RATIO, f"{RM}.bad", {"metricSource": {}}), RM, "not both"),
    ("raw ratio", edited(RATIO, f"{RM}.raw", {}), f"{RM}.raw", "use good (or bad) and total"),
    (
        "status in total",
        edited(RATIO, f"{RM}.total.metricSource.spec.filter", {"status": "ok"}),
        f"{RM}.total.metricSource.spec.filter.status",
        "remove status from total",
    ),
    (
        "good adds a game",
        edited(RATIO, f"{RM}.good.metricSource.spec.filter", {"status": "ok", "game_id": "x"}),
        f"{RM}.good.metricSource.spec.filter",
        "write filter: {status: ok}",
    ),
    (
        "good with error",
        edited(RATIO, f"{RM}.good.metricSource.spec.filter", {"status": "error"}),
        f"{RM}.good.metricSource.spec.filter",
        "write filter: {status: ok}",
    ),
    (
        "good other source",
        edited(RATIO, f"{RM}.good.metricSource.spec.source", "spans"),
        f"{RM}.good.metricSource.spec.source",
        "must count a subset of the total",
    ),
    (
        "foreign source type",
        edited(RATIO, f"{RM}.total.metricSource.type", "ClickHouse"),
        f"{RM}.total.metricSource.type",
        "write type: spinscope",
    ),
    (
        "source ref",
        edited(RATIO, f"{RM}.total.metricSource.metricSourceRef", "ch"),
        f"{RM}.total.metricSource.metricSourceRef",
        "inline spec",
    ),
    (
        "unknown source",
        edited(RATIO, f"{RM}.total.metricSource.spec.source", "logs"),
        f"{RM}.total.metricSource.spec.source",
        "write source: spins",
    ),
    (
        "spans without name",
        edited(RATIO, f"{RM}.total.metricSource.spec.source", "spans"),
        f"{RM}.total.metricSource.spec.spanName",
        "add spanName: wallet.debit",
    ),
    (
        "spins with span name",
        edited(RATIO, f"{RM}.total.metricSource.spec.spanName", "wallet.debit"),
        f"{RM}.total.metricSource.spec.spanName",
        "write source: spans",
    ),
    (
        "non-rollup key",
        edited(RATIO, f"{RM}.total.metricSource.spec.filter", {"error_type": "timeout"}),
        f"{RM}.total.metricSource.spec.filter.error_type",
        "use one of: game_id",
    ),
    (
        "unquoted version",
        edited(RATIO, f"{RM}.total.metricSource.spec.filter", {"game_version": 2.0}),
        f"{RM}.total.metricSource.spec.filter.game_version",
        "quote values",
    ),
    (
        "group by status",
        edited(RATIO, f"{RM}.total.metricSource.spec.groupBy", ["status"]),
        f"{RM}.total.metricSource.spec.groupBy[0]",
        "use one of: game_id",
    ),
    (
        "group by filtered key",
        edited(
            edited(RATIO, f"{RM}.total.metricSource.spec.groupBy", ["game_id"]),
            f"{RM}.total.metricSource.spec.filter",
            {"game_id": "x"},
        ),
        f"{RM}.total.metricSource.spec.groupBy[0]",
        "not both",
    ),
    (
        "negative min events",
        edited(RATIO, f"{RM}.total.metricSource.spec.minEvents", -1),
        f"{RM}.total.metricSource.spec.minEvents",
        "minEvents: 100",
    ),
]


@pytest.mark.parametrize(("doc", "field", "fix"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_spec_names_file_field_and_fix(tmp_path: Path, doc: Any, field: str, fix: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(SloSpecError) as err:
        load_slos(tmp_path)
    message = str(err.value)
    prefix = f"{path}: {field}: "
    assert message.startswith(prefix), message
    assert "; " in message[len(prefix) :] and fix in message[len(prefix) :], message


def test_the_documented_example_message_is_exact() -> None:
    with pytest.raises(SloSpecError) as err:
        parse_slo(edited(RATIO, "spec.objectives[0].target", 1.2), "config/slos/x.yaml")
    assert str(err.value) == "config/slos/x.yaml: spec.objectives[0].target: 1.2 is not in [0, 1); write e.g. 0.999"


def test_only_occurrences_is_supported_says_so() -> None:
    with pytest.raises(SloSpecError, match="only Occurrences is"):
        parse_slo(edited(RATIO, "spec.budgetingMethod", "RatioTimeslices"), "x")


def test_duplicate_yaml_key_is_an_error_naming_the_file_and_line(tmp_path: Path) -> None:
    text = yaml.safe_dump(RATIO).replace("target: 0.999", "target: 0.999\n    target: 0.99")
    (tmp_path / "dup.yaml").write_text(text)
    expected = r"dup\.yaml: line 25, column 5: invalid YAML: duplicate key 'target'; keep one of them; fix"
    with pytest.raises(SloSpecError, match=expected):
        load_slos(tmp_path)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("apiVersion: openslo/v1\nkind: [SLO\n")
    expected = r"broken\.yaml: line 3, column 1: invalid YAML: expected ',' or '\]', but got '<stream end>'; fix"
    with pytest.raises(SloSpecError, match=expected):
        load_slos(tmp_path)


def test_duplicate_names_across_files_name_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(RATIO))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(RATIO))
    with pytest.raises(SloSpecError) as err:
        load_slos(tmp_path)
    assert str(err.value).startswith(
        f"{tmp_path / 'b.yaml'}: metadata.name: 'spin-availability' is already defined in {tmp_path / 'a.yaml'}"
    )


def test_non_utf8_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes("description: caf\xe9".encode("latin-1"))
    with pytest.raises(SloSpecError, match=r"latin1\.yaml: \(file\): not UTF-8 text .*save it as UTF-8"):
        load_slos(tmp_path)


def test_missing_directory_says_where_to_point(tmp_path: Path) -> None:
    with pytest.raises(SloSpecError, match="pass the folder holding the SLO specs"):
        load_slos(tmp_path / "nope")


def test_spec_is_frozen_and_hashable() -> None:
    spec = parse_slo(RATIO, "x")
    with pytest.raises(AttributeError):
        spec.target = Fraction(1, 2)  # type: ignore[misc]
    assert len({spec, parse_slo(RATIO, "x")}) == 1
