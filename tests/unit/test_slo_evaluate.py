"""SLO evaluation end to end over a synthetic counts provider: known answers, then golden files (spec in, JSON out).

The provider counts closed-form traffic (constant rates with bad intervals), so every expected
figure below is computable by hand from the traffic description; the golden files pin the
whole JSON the CLI and API serve.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from spinscope.slo import SloSpec, evaluate, evaluate_burndown, load_slos, parse_slo, truncate_to_step

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden" / "slo"
UPDATE = os.environ.get("SPINSCOPE_UPDATE_GOLDEN") == "1"


@dataclass(frozen=True)
class Traffic:
    """Per group: `per_minute` events every minute, of which `bad` intervals make some bad.

    Intervals are (from_minutes_ago, to_minutes_ago, bad_per_minute) relative to `at`, i.e. the
    minutes [at − from, at − to).
    """

    at: datetime
    groups: Mapping[tuple[str, ...], tuple[int, tuple[tuple[int, int, int], ...]]]

    @classmethod
    def read(cls, path: Path) -> Traffic:
        doc = yaml.safe_load(path.read_text())
        at = datetime.fromisoformat(doc["at"].replace("Z", "+00:00"))
        groups = {
            tuple(g["key"]): (
                g["per_minute"],
                tuple((b["from_minutes_ago"], b["to_minutes_ago"], b["per_minute"]) for b in g["bad"]),
            )
            for g in doc["groups"]
        }
        return cls(at, groups)

    def counts(self, spec: SloSpec, start: datetime, end: datetime) -> dict[tuple[str, ...], tuple[int, int]]:
        """The provider contract: {group: (good, total)} for whole minutes in [start, end)."""
        assert start.second == end.second == 0 and start.tzinfo is not None
        now = truncate_to_step(self.at)
        ago_start, ago_end = (now - start) // timedelta(minutes=1), (now - end) // timedelta(minutes=1)
        out = {}
        for key, (rate, bad) in self.groups.items():
            total = rate * (ago_start - ago_end)
            bad_events = sum(per * max(0, min(ago_start, frm) - max(ago_end, to)) for frm, to, per in bad)
            if total:
                out[key] = (total - bad_events, total)
        return out


def run_case(name: str) -> tuple[SloSpec, list[dict[str, Any]]]:
    path = GOLDEN / f"{name}.yaml"
    spec = parse_slo(yaml.safe_load(path.read_text()), f"tests/unit/golden/slo/{name}.yaml")
    traffic = Traffic.read(GOLDEN / f"{name}.traffic.yaml")
    return spec, [s.to_json() for s in evaluate(spec, traffic.counts, traffic.at)]


def by_group(statuses: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {",".join(s["group"].values()): s for s in statuses}


# --- known answers, computed here from the traffic description ----------------------------------


def test_availability_page_known_answers() -> None:
    _, (status,) = run_case("availability-page")
    total = 1000 * 28 * 1440
    bad = 25 * 45
    assert status["at"] == "2026-03-15T12:00:00Z"  # truncated to the rollup minute
    assert status["window"]["start"] == "2026-02-15T12:00:00Z"
    assert status["events"] == {"good": total - bad, "bad": bad, "total": total}
    assert status["sli"] == "0.999972098214"  # 40,318,875 / 40,320,000, rounded to 12 places
    assert abs(Fraction(status["sli"]) - Fraction(total - bad, total)) < Fraction(1, 10**12)
    assert Fraction(status["budget"]["allowed_events"]) == Fraction(total, 1000)
    assert Fraction(status["budget"]["remaining_events"]) == Fraction(total, 1000) - bad
    fast = status["alert"]["pairs"][0]
    assert (fast["long_burn_rate"], fast["short_burn_rate"], fast["factor"]) == ("18.75", "25", "13.44")
    assert (status["alert"]["state"], status["alert"]["fired_by"], status["fails_check"]) == (
        "page",
        ["page:1h/5m"],
        True,
    )


def test_wallet_groups_each_have_their_own_state() -> None:
    _, statuses = run_case("wallet-per-provider")
    groups = by_group(statuses)
    assert {k: (v["alert"]["state"], v["alert"]["fired_by"], v["alert"]["suppressed"]) for k, v in groups.items()} == {
        "greenpay": ("low_traffic", [], ["page:1h/5m"]),
        "paynova": ("ok", [], []),
        "walletly": ("page", ["page:1h/5m", "page:6h/30m"], []),
    }
    walletly = {p["name"]: p["long_burn_rate"] for p in groups["walletly"]["alert"]["pairs"]}
    # 540 bad of 30/min: 1h 360/1800 → 40; 6h 540/10800 → 10; 1d 540/43200 → 2.5 (30d: no 3d pair, its factor is 1)
    assert walletly == {"page:1h/5m": "40", "page:6h/30m": "10", "ticket:1d/2h": "2.5"}
    assert groups["greenpay"]["group"] == {"wallet.provider": "greenpay"}


def test_calendar_month_budget_is_sized_by_the_months_expected_spins() -> None:
    _, statuses = run_case("monthly-exhausted")
    dragon = by_group(statuses)["dragon-hoard"]
    minutes = 349 * 60  # 2026-02-28 23:00 UTC (1 March in Malta) to 2026-03-15 12:00 UTC
    # elapsed: 349 h of a 743 h month (clocks go forward on 29 March)
    assert dragon["window"] == {
        "start": "2026-02-28T23:00:00Z",
        "end": "2026-03-31T22:00:00Z",
        "duration": "1M",
        "is_rolling": False,
        "elapsed_ratio": "0.469717362046",
    }
    assert dragon["events"] == {"good": 100 * minutes - 24_000, "bad": 24_000, "total": 100 * minutes}
    # February (672 h) held 100 x 672 x 60 = 4,032,000 spins: 6,000 an hour, so the 394 h left add 2,364,000.
    assert (dragon["budget"]["sized_by"], dragon["budget"]["expected_events"]) == ("previous_period", "4458000")
    assert dragon["budget"]["allowed_events"] == "22290"
    assert (dragon["budget"]["state"], dragon["alert"]["state"], dragon["fails_check"]) == ("exhausted", "ok", True)
    assert by_group(statuses)["lucky-sevens"]["fails_check"] is False


EARLY = datetime(2026, 3, 1, 5, tzinfo=UTC)  # 6 h into March in Malta (the month began 2026-02-28 23:00 UTC)


def monthly_spec() -> SloSpec:
    return parse_slo(yaml.safe_load((GOLDEN / "monthly-exhausted.yaml").read_text()), "x")


def test_an_early_burst_does_not_exhaust_a_month() -> None:
    # 100 spins a minute all along; the last 30 minutes at 50 % bad: 1,500 bad of 36,000 spins so far.
    burst = Traffic(EARLY, {("dragon-hoard",): (100, ((30, 0, 50),))})
    (status,) = [s.to_json() for s in evaluate(monthly_spec(), burst.counts, EARLY)]
    assert status["events"] == {"good": 34_500, "bad": 1_500, "total": 36_000}
    # Sized by the spins so far (180 allowed) the month would be spent 8 times over; sized by the month:
    # 36,000 + 737/743 x 4,458,000 (February's 4,032,000 over 672 h, for a 743 h month) = 4,458,000.
    assert (status["budget"]["sized_by"], status["budget"]["expected_events"]) == ("previous_period", "4458000")
    assert (status["budget"]["allowed_events"], status["budget"]["consumed_events"]) == ("22290", 1_500)
    assert status["budget"]["state"] == "ok"  # sized by the spins so far it would be "exhausted"
    assert status["alert"]["state"] == "page"  # the fast burn still pages: the alert pairs judge the burst


def test_without_a_previous_month_the_run_rate_sizes_the_budget() -> None:
    burst = Traffic(EARLY, {("dragon-hoard",): (100, ((30, 0, 50),))})
    month_start = datetime(2026, 2, 28, 23, tzinfo=UTC)

    def new_install(s: SloSpec, start: datetime, end: datetime) -> dict[tuple[str, ...], tuple[int, int]]:
        return burst.counts(s, max(start, month_start), end) if end > month_start else {}

    (status,) = [s.to_json() for s in evaluate(monthly_spec(), new_install, EARLY)]
    # 36,000 in 6 h of a 743 h month: 6,000 an hour → 4,458,000
    assert (status["budget"]["sized_by"], status["budget"]["expected_events"]) == ("run_rate", "4458000")
    assert status["budget"]["state"] == "ok"


def test_at_the_end_of_the_month_the_budget_is_the_months_events() -> None:
    # The last minute of March in Malta: the estimate has converged on what was seen (no extrapolation left).
    last = datetime(2026, 3, 31, 21, 59, tzinfo=UTC)
    burst = Traffic(last, {("dragon-hoard",): (100, ())})
    (status,) = evaluate(monthly_spec(), burst.counts, last)
    seen = 100 * (743 * 60 - 1)
    assert status.budget.total == seen
    assert status.expected is not None and status.expected.events == seen + Fraction(1, 743 * 60) * 100 * 743 * 60


def test_no_traffic_yields_one_explicit_no_data_entry() -> None:
    _, statuses = run_case("no-data-week")
    assert [(s["group"], s["sli"], s["budget"]["state"], s["alert"]["state"], s["fails_check"]) for s in statuses] == [
        ({}, None, "no_data", "no_data", False)
    ]


def test_provider_is_asked_once_per_window_with_whole_minutes() -> None:
    spec = parse_slo(yaml.safe_load((GOLDEN / "wallet-per-provider.yaml").read_text()), "x")
    traffic = Traffic.read(GOLDEN / "wallet-per-provider.traffic.yaml")
    calls: list[tuple[datetime, datetime]] = []

    def provider(s: SloSpec, start: datetime, end: datetime) -> dict[tuple[str, ...], tuple[int, int]]:
        calls.append((start, end))
        return traffic.counts(s, start, end)

    evaluate(spec, provider, traffic.at + timedelta(seconds=59, microseconds=1))
    at = datetime(2026, 3, 15, 12, tzinfo=UTC)
    assert calls == [(at - timedelta(days=30), at)] + [
        (at - timedelta(seconds=s), at) for s in (300, 1800, 3600, 7200, 21600, 86400)
    ]


def test_provider_returning_a_wrong_group_shape_is_an_error() -> None:
    spec = parse_slo(yaml.safe_load((GOLDEN / "wallet-per-provider.yaml").read_text()), "x")
    with pytest.raises(ValueError, match="returned group"):
        evaluate(spec, lambda s, a, b: {("a", "b"): (1, 1)}, datetime(2026, 1, 1, tzinfo=UTC))


def test_burndown_ends_where_the_status_is_for_every_group() -> None:
    spec = parse_slo(yaml.safe_load((GOLDEN / "monthly-exhausted.yaml").read_text()), "x")
    traffic = Traffic.read(GOLDEN / "monthly-exhausted.traffic.yaml")

    def series(s: SloSpec, start: datetime, end: datetime, step_s: int) -> dict[tuple[str, ...], list[Any]]:
        out: dict[tuple[str, ...], list[Any]] = {}
        lo = start
        while lo < end:
            hi = min(lo + timedelta(seconds=step_s), end)
            for key, (good, total) in traffic.counts(s, lo, hi).items():
                out.setdefault(key, []).append((hi, good, total))
            lo = hi
        return out

    curves = evaluate_burndown(spec, series, traffic.at, step_s=3600)
    statuses = {tuple(dict(s.group).values()): s for s in evaluate(spec, traffic.counts, traffic.at)}
    assert sorted(curves) == sorted(statuses) == [("dragon-hoard",), ("lucky-sevens",)]
    for key, points in curves.items():
        assert len(points) == 349
        assert points[-1].remaining_ratio == statuses[key].budget.remaining_ratio
        assert points[-1].ideal_ratio == 1 - statuses[key].elapsed_ratio
    dragon = curves[("dragon-hoard",)]
    # Before the outage two days ago nothing was spent; after it 24,000 of 22,290 allowed events are gone.
    assert dragon[300].remaining_ratio == 1 and dragon[304].remaining_events == 22_290 - 24_000


# --- golden files -----------------------------------------------------------------------------------

CASES = sorted(p.name.removesuffix(".yaml") for p in GOLDEN.glob("*.yaml") if not p.name.endswith(".traffic.yaml"))


def check_golden(path: Path, actual: Any) -> None:
    text = json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing; run with SPINSCOPE_UPDATE_GOLDEN=1 to create it"
    assert json.loads(path.read_text(encoding="utf-8")) == actual


@pytest.mark.parametrize("case", CASES)
def test_golden_evaluation(case: str) -> None:
    spec, statuses = run_case(case)
    check_golden(GOLDEN / f"{case}.json", {"spec": spec.to_json(), "status": statuses})


def test_golden_shipped_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    check_golden(GOLDEN / "config-slos.json", [s.to_json() for s in load_slos(Path("config/slos"))])


def test_every_golden_case_has_traffic_and_expected_output() -> None:
    assert CASES == ["availability-page", "latency-ticket", "monthly-exhausted", "no-data-week", "wallet-per-provider"]
    for case in CASES:
        assert (GOLDEN / f"{case}.traffic.yaml").exists() and (GOLDEN / f"{case}.json").exists()
