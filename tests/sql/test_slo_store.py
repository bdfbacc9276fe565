"""SLOs evaluated on the real engine: counts from the rollups, burn rates and budgets known in advance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from spinscope.configuration import load_config
from spinscope.slo import parse_slo
from spinscope.slo.status import StoreCounts, slo_statuses
from tests.sql.spans import Spin, insert_spins

AT = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)


def availability(**spec_extra):  # type: ignore[no-untyped-def]
    source = {"source": "spins", **spec_extra}
    return parse_slo(
        {
            "apiVersion": "openslo/v1",
            "kind": "SLO",
            "metadata": {"name": "avail"},
            "spec": {
                "service": "slot-server",
                "budgetingMethod": "Occurrences",
                "timeWindow": [{"duration": "28d", "isRolling": True}],
                "indicator": {
                    "metadata": {"name": "ok"},
                    "spec": {
                        "ratioMetric": {
                            "good": {
                                "metricSource": {
                                    "type": "spinscope",
                                    "spec": {"source": "spins", "filter": {"status": "ok"}},
                                }
                            },
                            "total": {"metricSource": {"type": "spinscope", "spec": source}},
                        }
                    },
                },
                "objectives": [{"target": 0.999}],
            },
        },
        "test",
    )


def spins_at(minutes_before: int, n: int, errors: int, prefix: str, **kw) -> list[Spin]:  # type: ignore[no-untyped-def]
    t = (AT - timedelta(minutes=minutes_before)).replace(tzinfo=None)
    return [Spin(f"{prefix}-{i}", t, error_type="wallet_timeout" if i < errors else "", **kw) for i in range(n)]


def test_error_burst_pages_with_burn_rates_computed_independently(store_client) -> None:  # type: ignore[no-untyped-def]
    # Last 5 minutes: 200 spins, 10 errors. 5 min to 1 h ago: 1,000 spins, 20 errors. 2 days ago: 5,000 clean.
    insert_spins(
        store_client,
        spins_at(3, 200, 10, "now") + spins_at(40, 1000, 20, "hour") + spins_at(2 * 24 * 60, 5000, 0, "old"),
    )
    status = slo_statuses(store_client, [availability()], AT)[0]
    budget = Fraction(1, 1000)
    short_burn = Fraction(10, 200) / budget  # 50x over 5m
    long_burn = Fraction(30, 1200) / budget  # 25x over 1h
    pair = next(p for p in status.alert.pairs if p.window.long_s == 3600)
    assert (pair.short_burn, pair.long_burn) == (short_burn, long_burn)
    assert status.alert.state == "page"
    assert (status.budget.good, status.budget.total) == (6170, 6200)
    assert status.budget.consumed_events == 30
    assert status.budget.remaining_ratio == 1 - Fraction(30) / (Fraction(6200) * budget)  # overspent: negative
    assert status.fails_check


def test_group_by_game_gives_one_status_per_game(store_client) -> None:  # type: ignore[no-untyped-def]
    insert_spins(store_client, spins_at(10, 300, 0, "a", game_id="a") + spins_at(10, 300, 3, "b", game_id="b"))
    statuses = slo_statuses(store_client, [availability(groupBy=["game_id"])], AT)
    assert [dict(s.group) for s in statuses] == [{"game_id": "a"}, {"game_id": "b"}]
    assert [(s.budget.good, s.budget.total) for s in statuses] == [(300, 300), (297, 300)]


def test_no_traffic_is_no_data_not_nan(store_client) -> None:  # type: ignore[no-untyped-def]
    status = slo_statuses(store_client, [availability()], AT)[0]
    assert status.alert.state == "no_data"
    assert status.to_json()["sli"] is None


def test_latency_threshold_counts_are_exact_at_the_edge(store_client) -> None:  # type: ignore[no-untyped-def]
    t = (AT - timedelta(minutes=5)).replace(tzinfo=None)
    insert_spins(
        store_client,
        [Spin("fast", t, duration_ms=500), Spin("edge", t, duration_ms=500.000001), Spin("slow", t, duration_ms=900)],
    )
    latency = next(s for s in load_config().slos if s.name == "spin-latency")
    counts = StoreCounts(store_client).counts(latency, AT - timedelta(hours=1), AT)
    assert counts == {(): (1, 3)}


def test_shipped_specs_all_evaluate(store_client) -> None:  # type: ignore[no-untyped-def]
    insert_spins(store_client, spins_at(10, 50, 1, "x"))
    statuses = slo_statuses(store_client, load_config().slos, AT)
    assert {s.spec.name for s in statuses} >= {"spin-availability", "spin-latency"}


def monthly():  # type: ignore[no-untyped-def]
    window = {"duration": "1M", "isRolling": False, "calendar": {"startTime": "2025-01-01 00:00:00", "timeZone": "UTC"}}
    return parse_slo(
        {
            "apiVersion": "openslo/v1",
            "kind": "SLO",
            "metadata": {"name": "avail-monthly"},
            "spec": {
                "service": "slot-server",
                "budgetingMethod": "Occurrences",
                "timeWindow": [window],
                "indicator": {
                    "metadata": {"name": "ok"},
                    "spec": {
                        "ratioMetric": {
                            "good": {
                                "metricSource": {
                                    "type": "spinscope",
                                    "spec": {"source": "spins", "filter": {"status": "ok"}},
                                }
                            },
                            "total": {"metricSource": {"type": "spinscope", "spec": {"source": "spins"}}},
                        }
                    },
                },
                "objectives": [{"target": 0.99}],
            },
        },
        "test",
    )


def test_calendar_month_early_burst_is_judged_against_last_months_spins(store_client) -> None:  # type: ignore[no-untyped-def]
    from spinscope.slo import evaluate_burndown

    at = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # one day into November (30 days); October has 31
    october = [Spin(f"oct-{i}", datetime(2026, 10, 10, 12, i % 60), duration_ms=10) for i in range(6200)]
    burst = [
        Spin(f"nov-{i}", datetime(2026, 11, 1, 23, 50), error_type="wallet_timeout" if i < 20 else "")
        for i in range(100)
    ]
    insert_spins(store_client, october + burst)
    spec = monthly()
    (status,) = slo_statuses(store_client, [spec], at)
    # Seen: 100 spins, 20 bad. Sized by them, 1 allowed: exhausted 20 times over. October's pace for a 30-day
    # month: 6,200 x 30/31 = 6,000; 29 days left: 100 + 29/30 x 6,000 = 5,900 expected, 59 allowed.
    assert (status.budget.total, status.budget.consumed_events) == (100, 20)
    assert status.expected is not None and status.expected.basis == "previous_period"
    assert status.expected.events == 5_900 and status.budget.allowed_events == 59
    assert status.budget.state == "ok"
    curve = evaluate_burndown(spec, StoreCounts(store_client).series, at, step_s=3600)[()]
    assert curve[-1].remaining_ratio == status.budget.remaining_ratio == Fraction(39, 59)


def test_a_maintenance_window_excluding_the_budget_leaves_its_minutes_out(store_client) -> None:  # type: ignore[no-untyped-def]
    from spinscope.alerts.store import create_silence

    # 100 spins 40 minutes ago with 20 errors (the planned downtime), 300 clean spins 10 minutes ago
    insert_spins(store_client, spins_at(40, 100, 20, "down") + spins_at(10, 300, 0, "up"))
    before = slo_statuses(store_client, [availability()], AT)[0]
    assert (before.budget.good, before.budget.total) == (380, 400)
    window = (AT - timedelta(minutes=45), AT - timedelta(minutes=35))
    create_silence(
        store_client, {"slo": "avail"}, *window, "ops", "upgrade", is_maintenance=True, excludes_budget=False
    )
    assert (slo_statuses(store_client, [availability()], AT)[0].budget.total) == 400  # the flag is off: counted
    create_silence(store_client, {"slo": "avail"}, *window, "ops", "upgrade", is_maintenance=True, excludes_budget=True)
    after = slo_statuses(store_client, [availability()], AT)[0]
    assert (after.budget.good, after.budget.total) == (300, 300)  # only the clean minutes are left
    one_hour = next(p for p in after.alert.pairs if p.window.long_s == 3600)
    assert one_hour.long_burn == 0
    minute_series = StoreCounts(store_client).series(availability(), AT - timedelta(hours=1), AT, 300)
    assert sum(t for _, _, t in minute_series[()]) == 300
