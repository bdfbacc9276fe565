"""RCA scoring: hand-computed proportion tests, injected causes rank first, RTP excess and leave-one-out."""

from __future__ import annotations

import math

import pytest

from spinscope.rca import is_high_cardinality, rank_attributes


def test_two_proportion_test_by_hand() -> None:
    scores = rank_attributes({"region": {"eu": 80, "us": 20}}, {"region": {"eu": 500, "us": 500}}, 100, 1000)
    eu = next(s for s in scores if s.value == "eu")
    pooled = 580 / 1100
    z = (0.8 - 0.5) / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 1000))
    assert z == pytest.approx(5.7293, abs=1e-4)
    assert (eu.p_selection, eu.p_baseline, eu.gap) == pytest.approx((0.8, 0.5, 0.3))
    assert eu.z == pytest.approx(z)
    assert eu.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert eu.q_value == pytest.approx(eu.p_value)  # both values have the same |z|: BH leaves p as is
    assert eu.share_of_selection == 0.8
    assert eu.explained_share == pytest.approx((0.8 - 0.5) / 0.5)  # 60 % of the selection beyond baseline
    assert [s.value for s in scores] == ["eu", "us"]  # same significance: the positive gap leads


def test_values_below_min_count_are_not_tested_and_noise_is_not_significant() -> None:
    scores = rank_attributes({"a": {"x": 2, "y": 48}}, {"a": {"x": 1, "y": 49}}, 50, 50, min_count=5)
    assert [(s.value, s.significant) for s in scores] == [("y", False)]
    assert rank_attributes({}, {}, 1, 1) == []
    with pytest.raises(ValueError, match="exceed the group sizes"):
        rank_attributes({"a": {"x": 11}}, {}, 10, 10)


def degraded_instance() -> tuple[dict, dict, int, int]:
    """Errors (selection) vs good spins (baseline): us-east-1 has two instances, use1-2 fails 5 % of its spins.

    Traffic: use1-1 2000, use1-2 2000, euw1-1 3000, euw1-2 3000 spins; background error rate 0.5 %.
    Errors: use1-1 10, use1-2 110, euw1-1 15, euw1-2 15 = 150; good = 9850.
    """
    errors = {
        "service.instance.id": {"use1-1": 10, "use1-2": 110, "euw1-1": 15, "euw1-2": 15},
        "cloud.region": {"us-east-1": 120, "eu-west-1": 30},
        "slot.channel": {"mobile": 90, "desktop": 60},
    }
    good = {
        "service.instance.id": {"use1-1": 1990, "use1-2": 1890, "euw1-1": 2985, "euw1-2": 2985},
        "cloud.region": {"us-east-1": 3880, "eu-west-1": 5970},
        "slot.channel": {"mobile": 5910, "desktop": 3940},
    }
    return errors, good, 150, 9850


def test_the_injected_instance_ranks_first_above_its_region() -> None:
    scores = rank_attributes(*degraded_instance())
    top = scores[0]
    assert (top.attribute, top.value, top.significant) == ("service.instance.id", "use1-2", True)
    assert scores[1].value == "us-east-1"  # the parent is enriched too, diluted by its healthy sibling
    assert top.gap > scores[1].gap
    assert top.explained_share == pytest.approx((110 / 150 - 1890 / 9850) / (1 - 1890 / 9850))
    assert next(s for s in scores if s.value == "mobile").significant is False  # 60 % vs 60 %: no signal


def test_high_cardinality_rule() -> None:
    assert is_high_cardinality(201, 1_000_000)  # too many values
    assert is_high_cardinality(600, 1000)
    assert is_high_cardinality(150, 200)  # 0.75 values per event: an id
    assert not is_high_cardinality(8, 1_000_000)  # service.instance.id: a handful of hosts
    assert not is_high_cardinality(3, 4)  # too few events to judge by ratio
    assert not is_high_cardinality(200, 1_000_000)


def test_a_baseline_overlapping_the_selection_is_refused_before_any_query() -> None:
    from datetime import UTC, datetime, timedelta

    from spinscope.errors import UserError
    from spinscope.rca.rank import BaselineOverlapError, RcaRequestError, rank

    end = datetime(2026, 3, 15, 12, tzinfo=UTC)
    start = end - timedelta(hours=1)
    # the client is never reached: the refusal comes first
    with pytest.raises(BaselineOverlapError, match=r"overlaps the selection .*baseline_end=2026-03-15T11:00:00Z"):
        rank(None, "errors", start, end, end - timedelta(hours=3), start + timedelta(minutes=1))  # type: ignore[arg-type]
    with pytest.raises(BaselineOverlapError):  # inside it, and around it
        rank(None, "latency", start, end, start + timedelta(minutes=5), end - timedelta(minutes=5))  # type: ignore[arg-type]
    with pytest.raises(BaselineOverlapError):
        rank(None, "rtp", start, end, start - timedelta(hours=1), end + timedelta(hours=1))  # type: ignore[arg-type]
    with pytest.raises(RcaRequestError, match="baseline_start is given without baseline_end"):
        rank(None, "errors", start, end, start - timedelta(hours=1), None)  # type: ignore[arg-type]
    assert issubclass(BaselineOverlapError, UserError)
