"""The body budget: what the OTLP/HTTP receiver may hold before decoding, and when it refuses."""

from __future__ import annotations

import pytest

from spinscope.ingest.admission import BodyBudget, BudgetSpent


def test_an_empty_budget_admits_one_request_of_any_size() -> None:
    budget = BodyBudget(100)
    big = budget.charge()
    big.add(1_000)  # alone, so admitted: a legal request is never refused forever
    assert budget.held_bytes == 1_000
    with pytest.raises(BudgetSpent, match="1000 bytes"):
        budget.charge().add(1)
    assert budget.refused == 1
    big.release()
    assert (budget.held_bytes, budget.holders) == (0, 1)  # the refused charge is still open


def test_charges_add_up_and_release_exactly_once() -> None:
    budget = BodyBudget(100)
    a, b = budget.charge(), budget.charge()
    a.add(60)
    b.add(40)
    with pytest.raises(BudgetSpent):
        b.add(1)
    assert budget.held_bytes == 100
    a.drop(10)  # a compressed body given back once inflated
    b.add(10)
    a.release()
    a.release()
    assert (budget.held_bytes, budget.holders) == (50, 1)
    b.release()
    assert (budget.held_bytes, budget.holders, budget.refused) == (0, 0, 1)


def test_a_request_may_grow_past_the_limit_while_it_holds_everything() -> None:
    budget = BodyBudget(100)
    alone = budget.charge()
    alone.add(80)
    alone.add(80)  # chunked body: nobody else holds bytes, so it continues
    assert budget.held_bytes == 160
