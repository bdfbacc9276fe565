"""A real browser (Debian's chromium, driven by Playwright) against a process hosting the receivers and
the app on one embedded demo store (tests/ui/host.py, as `spinscope serve` does).

Screenshots land in tests/ui/screenshots/ (git-ignored): look at them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import REPO, free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parent / "screenshots"
PAGES = {"overview": "", "slos": "slos", "rtp": "rtp", "investigate": "investigate", "kpis": "kpis"}
pytestmark = pytest.mark.slow  # ~35-45 s in all (host start-up, demo history, chromium): run with -m slow

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (CI runs as root with Debian's mirror)."""
    if not Path(CHROMIUM).exists():
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            pytest.skip("chromium is missing and cannot be installed here (needs root and apt-get)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, timeout=900)
    return CHROMIUM


@pytest.fixture(scope="module")
def hosted_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("browser_store")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.ui.host",
            "--data-dir",
            str(data_dir),
            "--ui-port",
            str(free_port()),
            "--scenario",
            "wallet-error-burst",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 180
    url = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("READY "):
            url = line.split()[1]
            break
        if not line and proc.poll() is not None:
            raise RuntimeError("the host process exited before it was ready")
    assert url, "the host process did not become ready"
    yield url
    proc.terminate()
    proc.communicate(timeout=60)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the script has run and the charts have drawn."""
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(700)
    page.wait_for_selector(IDLE, timeout=60_000)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_without_an_exception(hosted_app: str, browser, name: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 2400})  # the app scrolls inside: a tall view
    page.goto(f"{hosted_app}/{PAGES[name]}")
    settle(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    body = page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in body and "Page not found" not in body
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, body[:2000]
    page.close()


def test_a_drill_down_link_reopens_the_same_investigation(hosted_app: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 3200})
    end = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    page.goto(
        f"{hosted_app}/investigate?signal=errors&from={end - timedelta(days=1):%Y-%m-%dT%H:%M}&to={end:%Y-%m-%dT%H:%M}"
    )
    settle(page)
    page.get_by_role("button", name="Drill down").click()
    page.wait_for_function("() => location.search.includes('where=')", timeout=30_000)
    settle(page)
    page.get_by_role("button", name="Open trace").click()
    page.wait_for_function("() => location.search.includes('trace=')", timeout=30_000)
    settle(page)
    link = page.url
    state = parse_qs(urlparse(link).query)
    chip = page.locator("button", has_text="✕").first.inner_text()
    trace_title = page.get_by_role("heading", name="Trace ").first.inner_text()
    page.screenshot(path=str(SHOTS / "investigate-drilled.png"), full_page=True)
    page.close()

    again = browser.new_page(viewport={"width": 1400, "height": 3200})
    again.goto(link)
    settle(again)
    assert parse_qs(urlparse(again.url).query) == state
    assert again.locator("button", has_text="✕").first.inner_text() == chip
    assert again.get_by_role("heading", name="Trace ").first.inner_text() == trace_title
    assert again.locator('[data-testid="stException"]').count() == 0
    again.screenshot(path=str(SHOTS / "investigate-reopened.png"), full_page=True)
    again.close()
