"""UI fixtures: a demo-seeded database shared by the AppTest module, and an AppTest factory.

The embedded engine admits one data directory per process, so these databases live in the
session's engine (tests/conftest.py `session_store`); the app reads whichever Store the test
registers through spinscope.ui.register.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from spinscope import ui
from spinscope.db import Store
from spinscope.schema.migrate import RenderOptions, migrate

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def fresh_database(session_store: Store) -> Store:
    database = "ui_" + uuid.uuid4().hex[:12]
    admin = session_store.new_client(database=None)
    admin.command(f"CREATE DATABASE {database}")
    migrate(admin, RenderOptions(database=database), log=lambda *_: None)
    return Store(dsn=session_store.dsn, database=database)


@pytest.fixture(scope="session")
def demo_store(session_store: Store) -> Iterator[Store]:
    """One day of simulated history (20,000 spins, seed 1), loaded once for the UI tests."""
    from spinscope.sim.demo import load_history

    store = fresh_database(session_store)
    load_history(store, days=1, spins_per_day=20_000, seed=1)
    yield store
    store.close()


@pytest.fixture
def app_on(request: pytest.FixtureRequest) -> Callable[..., AppTest]:
    """`app_on(store, page=None, params=None)`: an AppTest of the entry script on `store`, run once."""

    def make(
        store: Store | str | None,
        page: str | None = None,
        params: dict[str, str | list[str]] | None = None,
        config: str | None = None,
        timeout: float = 60,
    ) -> AppTest:
        ui.register(store, config)
        at = AppTest.from_file(MAIN, default_timeout=timeout)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        if page is not None:
            at.switch_page(f"app_pages/{page}.py")
            at.run()
        return at

    yield make
    ui.register(None)
