"""bench/queries.py's ratio table marks the cases whose window is longer than the small store's history."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_queries", REPO / "bench" / "queries.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_case_names_its_window_in_hours() -> None:
    window_hours = _bench().window_hours
    assert window_hours("page:overview fleet_totals 7d") == 168
    assert window_hours("traces errors 24h where slot.game.id and cloud.region") == 24
    assert window_hours("alerts since 1d") == 24
    assert window_hours("rtp_plan (7d before now)") == 168
    assert window_hours("slo at end") is None
    assert window_hours("trace by id (errored)") is None
