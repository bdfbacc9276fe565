"""Maintenance windows that exclude their minutes from SLO budgets, set from the CLI on a real store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from spinscope.alerts.api import silence_from_json
from tests.conftest import run_cli


def test_cli_creates_a_budget_excluding_maintenance_window_and_lists_it(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%MZ")  # planned: listed until it ends
    assert run_cli("db", "migrate", "--data-dir", data_dir).returncode == 0
    made = run_cli(
        "alerts", "silence", "add", "--match", "slo=spin-availability", "--start", tomorrow,
        "--duration", "30m", "--author", "ops@example", "--comment", "wallet upgrade", "--exclude-budget",
        "--data-dir", data_dir,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    listed = run_cli("alerts", "silence", "list", "--json", "--data-dir", data_dir)
    assert listed.returncode == 0, listed.stderr
    (window,) = json.loads(listed.stdout)["silences"]
    assert (window["matchers"], window["is_maintenance"], window["excludes_budget"]) == (
        {"slo": "spin-availability"},
        True,
        True,
    )
    table = run_cli("alerts", "silence", "list", "--data-dir", data_dir)
    assert "excludes_budget" in table.stdout


def test_the_api_body_sets_the_flag_and_an_excluding_window_is_a_maintenance_window() -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    base = {"matchers": {"slo": "x"}, "ends_at": "2026-11-24T11:00Z", "created_by": "a", "comment": "c"}
    assert silence_from_json(base, now)["excludes_budget"] is False
    fields = silence_from_json({**base, "excludes_budget": True}, now)
    assert (fields["excludes_budget"], fields["is_maintenance"]) == (True, True)
