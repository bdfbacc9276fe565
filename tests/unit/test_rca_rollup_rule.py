"""The rca_minutely rollup and the exact RCA leave out the same attributes, and windows split at whole minutes."""

from __future__ import annotations

import re
from datetime import datetime

from spinscope.rca.rank import ALWAYS_EXCLUDED, NO_MINUTES, whole_minutes
from spinscope.schema.migrate import load_migrations

LIST = re.compile(r"NOT has\(\[([^\]]*)\], (?:p\.1|k)\)")


def test_the_rollup_view_and_backfill_leave_out_exactly_the_rankings_ids_and_amounts() -> None:
    # 0071's view and 0072's backfill filter the pairs; 0090's view filters the spin span's map, then the pairs
    for name, lists in (("rca_minutely_mv", 1), ("rca_minutely_backfill", 1), ("rca_minutely_mv_by_value_sets", 2)):
        template = next(m.template for m in load_migrations() if m.name == name)
        found = LIST.findall(template)
        assert len(found) == lists, name
        for listed in found:
            assert {k.strip().strip("'") for k in listed.split(",")} == set(ALWAYS_EXCLUDED), name


def test_whole_minutes_are_the_minutes_inside_the_window() -> None:
    at = datetime(2026, 11, 2, 12, 0)
    assert whole_minutes(at, at.replace(hour=13)) == (at, at.replace(hour=13))
    assert whole_minutes(at.replace(second=17), at.replace(minute=9, second=41)) == (
        at.replace(minute=1),
        at.replace(minute=9),
    )
    assert whole_minutes(at.replace(second=1), at.replace(minute=1, second=59)) == NO_MINUTES
    assert whole_minutes(at.replace(second=1), at.replace(minute=1)) == NO_MINUTES
