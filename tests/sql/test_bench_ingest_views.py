"""bench/ingest_views.py runs on a small insert and reports every materialized view of the ingest path.

A smoke test (the figures themselves are the benchmark's, not a test's): the script finds the views and
their targets from the store, so a view added by a migration appears without touching the script.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from spinscope.db import Store

REPO = Path(__file__).resolve().parents[2]


def test_every_view_is_reported_with_its_query_and_write(store: Store) -> None:
    expected = {
        r[0]
        for r in store.client()
        .query(
            "SELECT name FROM system.tables WHERE database = {db:String} AND engine = 'MaterializedView'",
            parameters={"db": store.database},
        )
        .result_rows
    }

    script = str(REPO / "bench" / "ingest_views.py")
    out = subprocess.run(
        [sys.executable, script, "--spans", "2000", "--children", "2", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    # 2 requests of 333 spins with 2 children each (1,000 spans a request, as bench/ingest.py sends them)
    assert "otel_traces 1,998 rows" in out and "spins 666 rows" in out and "child_spans 1,332 rows" in out
    reported = set(re.findall(r"^(\w+_mv\w*)\s+-?[\d.]+\s+-?[\d.]+\s+[\d.]+$", out, re.M))
    assert reported == expected
