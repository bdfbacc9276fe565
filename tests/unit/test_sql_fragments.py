"""The latency ladder and the rollup dimensions come from one constant: every SQL file agrees with it."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from spinscope.queries.loader import sql
from spinscope.schema.fragments import LATENCY_LADDER_MS, SPAN_DIMENSIONS, SPIN_DIMENSIONS, latency_pick
from spinscope.schema.migrate import load_migrations

COLUMN = re.compile(r"latency_le_(\d+)ms")
QUERIES = Path(str(resources.files("spinscope.queries")))


def models() -> list[str]:
    return sorted(str(p.relative_to(QUERIES).with_suffix("")) for p in QUERIES.rglob("*.sql"))


def test_every_latency_column_any_sql_file_names_is_on_the_ladder() -> None:
    texts = {f"schema {m.version:04d}": m.template for m in load_migrations()}
    texts.update({f"model {name}": (QUERIES / f"{name}.sql").read_text() for name in models()})
    off = {
        where: sorted({int(ms) for ms in COLUMN.findall(text)} - set(LATENCY_LADDER_MS))
        for where, text in texts.items()
    }
    assert {where: values for where, values in off.items() if values} == {}


def test_each_rollup_table_holds_exactly_the_ladder() -> None:
    for table in ("spin_minutely", "span_minutely"):
        ddl = " ".join(
            m.template
            for m in load_migrations()
            if m.is_table and (m.name == table or m.name.startswith(f"{table}_add"))
        )
        assert {int(ms) for ms in COLUMN.findall(ddl)} == set(LATENCY_LADDER_MS), table


def test_models_render_their_fragments_and_pick_every_threshold() -> None:
    for name in models():
        text = sql(name)
        assert "$" not in text, f"{name}: an unrendered placeholder"
    for name in ("slo/slo_series_spins", "slo/slo_series_spans", "app/app_signal_series"):
        assert latency_pick() in sql(name), name
        assert {int(ms) for ms in COLUMN.findall(sql(name))} == set(LATENCY_LADDER_MS), name


def test_the_dimension_fragments_name_every_dimension() -> None:
    assert f"k = 'wallet.provider', has(v, {SPAN_DIMENSIONS['wallet.provider']})" in sql("slo/slo_series_spans")
    for key in SPIN_DIMENSIONS:
        assert f"k = '{key}', has(v, {SPIN_DIMENSIONS[key]})" in sql("slo/slo_series_spins")
