"""`spinscope export rtp-compliance` as a user runs it: a store without play says No Activity for every catalog game."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from spinscope.configuration import load_config
from tests.conftest import run_cli


def test_a_period_without_play_lists_every_catalog_version_as_no_activity(tmp_path: Path) -> None:
    data_dir, out = str(tmp_path / "data"), tmp_path / "out"
    assert run_cli("db", "migrate", "--data-dir", data_dir).returncode == 0
    done = run_cli(
        "export", "rtp-compliance", "--data-dir", data_dir, "--from", "2026-11-01", "--to", "2026-11-02",
        "--out", str(out), "--format", "csv",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outside"] == [] and len(result["files"]) == 5
    rows = list(csv.DictReader((out / "rtp-compliance-2026-11-01-2026-11-02/csv/by_currency.csv").open()))
    catalog = sorted(load_config().catalog)
    assert [(r["game_id"], r["game_version"]) for r in rows] == [key for key in catalog for _ in range(2)]
    assert {(r["currency"], r["decision"], r["spins"]) for r in rows} == {("*", "No Activity", "0")}
    assert [r["window_start"] for r in rows[:2]] == ["2026-10-03", "2026-10-04"]  # 30 days ending with the day


def test_a_reversed_period_is_refused_with_the_fix(tmp_path: Path) -> None:
    done = run_cli(
        "export", "rtp-compliance", "--data-dir", str(tmp_path), "--from", "2026-11-03", "--to", "2026-11-02"
    )
    assert done.returncode == 2
    assert "--from 2026-11-03 is after --to 2026-11-02: give the earlier day first" in done.stderr
