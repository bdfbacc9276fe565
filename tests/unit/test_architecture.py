"""The layers of docs/architecture.md, checked on the source: what may import what.

producers → ingest → schema/tables → queries (SQL models) → domain packages → front ends.
Read from the files with `ast`, so a violation fails here before anyone has to notice it in review.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Repository folder → the import name it installs as (pyproject's package-dir).
FOLDERS = {
    "spinscope": "spinscope",
    "ingest": "spinscope.ingest",
    "queries": "spinscope.queries",
    "app": "spinscope.app",
    "sim": "spinscope.sim",
    "config": "spinscope.config",
}
FRONT_ENDS = ("spinscope.app", "spinscope.cli", "spinscope.server", "spinscope.api", "spinscope.ui")
DOMAIN = (
    "spinscope.slo",
    "spinscope.rtp",
    "spinscope.rca",
    "spinscope.kpi",
    "spinscope.traces",
    "spinscope.export",
    "spinscope.catalog",
    "spinscope.configuration",
)


def modules() -> dict[str, set[str]]:
    """Every source module's import name → the modules it imports (absolute names)."""
    out: dict[str, set[str]] = {}
    for folder, package in FOLDERS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = path.relative_to(REPO / folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            imported: set[str] = set()
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    imported.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imported.add(node.module)
                    imported.update(f"{node.module}.{alias.name}" for alias in node.names)
            out[name] = imported
    return out


MODULES = modules()


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def offenders(importers: tuple[str, ...], forbidden: tuple[str, ...], *, exempt: tuple[str, ...] = ()) -> dict:
    found = {}
    for name, imported in MODULES.items():
        if under(name, importers) and not under(name, exempt):
            bad = sorted(i for i in imported if under(i, forbidden))
            if bad:
                found[name] = bad
    return found


def test_one_import_name_no_top_level_ingest_app_sim_or_queries() -> None:
    assert offenders(("spinscope",), ("ingest", "app", "sim", "queries", "config")) == {}


def test_only_the_connection_module_opens_clickhouse() -> None:
    # Other modules may name the Client type; only spinscope.db creates clients.
    users = {
        n
        for n, imported in MODULES.items()
        if "clickhouse_connect" in imported or "clickhouse_connect.get_client" in imported or "chdb" in imported
    }
    assert users == {"spinscope.db"}


def test_ingest_depends_on_nothing_above_the_tables() -> None:
    assert offenders(("spinscope.ingest",), (*DOMAIN, *FRONT_ENDS, "spinscope.queries", "spinscope.sim")) == {}


def test_schema_depends_on_nothing_above_it() -> None:
    assert offenders(("spinscope.schema",), (*DOMAIN, *FRONT_ENDS, "spinscope.ingest", "spinscope.queries")) == {}


def test_domain_packages_know_no_front_end() -> None:
    assert offenders(DOMAIN, (*FRONT_ENDS, "streamlit", "starlette", "uvicorn", "argparse")) == {}


def test_the_catalog_format_belongs_to_spinscope_not_the_simulator() -> None:
    assert offenders(("spinscope.catalog", "spinscope.configuration", "spinscope.rtp"), ("spinscope.sim",)) == {}


def test_only_the_app_and_its_host_import_streamlit() -> None:
    assert offenders(("spinscope",), ("streamlit",), exempt=("spinscope.app", "spinscope.ui")) == {}


def test_the_app_holds_no_sql() -> None:
    sql = re.compile(r"\b(SELECT|INSERT INTO|ALTER TABLE)\b.+\b(FROM|VALUES|ADD|MODIFY)\b")
    hits = [str(p.relative_to(REPO)) for p in (REPO / "app").rglob("*.py") if sql.search(p.read_text())]
    assert hits == []


@pytest.mark.parametrize("folder", ["spinscope", "ingest", "app", "sim", "queries", "bench"])
def test_every_document_a_file_cites_is_in_the_repository(folder: str) -> None:
    cited = re.compile(r"\b((?:docs|config|sim|spinscope|ingest|queries)/[\w./-]+\.(?:md|yaml|sql))\b")
    missing = {}
    for path in [*(REPO / folder).rglob("*.py"), *(REPO / folder).rglob("*.sql")]:
        text = path.read_text()
        outside = re.search(r"(\.\./|/work/)" + "shared/", text)
        assert outside is None, f"{path}: cites a document outside the repository; copy it to docs/ and cite that"
        gone = [c for c in cited.findall(text) if "*" not in c and not (REPO / c).exists()]
        if gone:
            missing[str(path.relative_to(REPO))] = gone
    assert missing == {}
