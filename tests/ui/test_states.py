"""Empty store, missing catalog, a locked store, a failed query, no store: a message in the page, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spinscope import ui
from spinscope.configuration import shipped_dir
from spinscope.db import Store, _acquire_lock
from spinscope.slo.metric_source import SloSpecError
from tests.ui.conftest import fresh_database

PAGES = [None, "slos", "rtp", "investigate", "kpis"]


def messages(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.value for e in at.error] + [e.value for e in at.info] + [e.value for e in at.warning]


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_store_says_there_are_no_spins_yet(store: Store, app_on, page) -> None:  # type: ignore[no-untyped-def]
    at = app_on(store, page)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(s in m for m in messages(at) for s in ("No spins", "No settled spins", "No events")), messages(at)


@pytest.mark.parametrize("page", PAGES)
def test_a_locked_store_names_its_holder(tmp_path: Path, app_on, page) -> None:  # type: ignore[no-untyped-def]
    lock = _acquire_lock(tmp_path)
    try:
        at = app_on(f"chdb://{tmp_path}", page)
    finally:
        lock.handle.close()
    assert not at.exception, at.exception
    assert any("is in use by process" in e.value and "spinscope serve" in e.value for e in at.error), messages(at)


@pytest.mark.parametrize("page", PAGES)
def test_a_store_without_schema_says_to_migrate(session_store: Store, app_on, page) -> None:  # type: ignore[no-untyped-def]
    admin = session_store.new_client(database=None)
    admin.command("CREATE DATABASE IF NOT EXISTS ui_no_schema")
    at = app_on(Store(dsn=session_store.dsn, database="ui_no_schema"), page)
    assert not at.exception, at.exception
    assert any("spinscope db migrate" in e.value for e in at.error), messages(at)


@pytest.mark.parametrize("page", PAGES)
def test_no_store_attached_says_how_to_start_the_app(app_on, page) -> None:  # type: ignore[no-untyped-def]
    at = app_on(None, page)
    assert not at.exception, at.exception
    assert any("No store is attached" in e.value for e in at.error), messages(at)


def test_rtp_without_a_catalog_says_where_to_add_one(demo_store: Store, app_on, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(shipped_dir() / "slos", tmp_path / "slos")  # SLO specs, no games.yaml
    at = app_on(demo_store, "rtp", config=str(tmp_path))
    assert not at.exception, at.exception
    assert any("No theoretical RTP" in w.value for w in at.warning), messages(at)


def test_bad_slo_specs_stop_the_app_at_start_with_file_and_field(store: Store, tmp_path: Path) -> None:
    (tmp_path / "slos").mkdir()
    (tmp_path / "slos" / "broken.yaml").write_text("apiVersion: openslo/v1\nkind: SLO\n")
    with pytest.raises(SloSpecError, match=r"broken.yaml: metadata: missing; add metadata"):
        ui.register(store, str(tmp_path))


def test_a_fresh_database_has_no_sidebar_choices(session_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    empty = fresh_database(session_store)
    at = app_on(empty)
    assert at.selectbox(key="game").options == ["(all)"]
