"""The audit trail from the command line: an export is recorded, and `spinscope audit` lists it."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from tests.conftest import run_cli


def test_an_export_is_audited_and_listed(tmp_path: Path) -> None:
    store = ["--data-dir", str(tmp_path / "data")]
    assert run_cli("db", "migrate", *store).returncode == 0
    export = run_cli(
        "export", "weekly", "--week", "2026-W47", "--format", "csv", "--out", str(tmp_path / "out"), *store
    )
    assert export.returncode == 0, export.stderr
    listed = run_cli("audit", "--json", *store)
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)["entries"]
    assert [(e["who"], e["action"], e["what"]) for e in entries] == [
        (getpass.getuser(), "export", f"weekly 2026-W47 csv to {tmp_path / 'out'}")
    ]
    assert entries[0]["client_address"].startswith("cli@")
