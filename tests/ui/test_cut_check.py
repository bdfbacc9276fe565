"""The browser tests' "no cut label" check (tests/ui/test_browser.py CUT_CHECK), seen failing: on a page
whose metric label and value, button label and chart labels are cut it names each of them, and on the
same page with short labels it names none."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port
from tests.ui.test_browser import ARGS, CUT_CHECK, IDLE, WIDTH, chromium  # noqa: F401 (fixture)

PAGE = Path(__file__).resolve().parent / "cut_labels_page.py"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PAGE), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait(timeout=30)


def cut_labels(chromium: str, url: str) -> list[str]:  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 1200})
        page.goto(url)
        page.wait_for_selector("h1", timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.wait_for_selector(".vega-embed svg text", timeout=30_000)
        page.wait_for_timeout(500)
        found = page.evaluate(CUT_CHECK)
        browser.close()
    return found


def test_the_check_names_every_cut_label(chromium: str, page_url: str) -> None:  # noqa: F811
    found = cut_labels(chromium, page_url)
    assert set(found) == {
        "A metric label far too long to fit in one eighth of the page",
        "1,234,567,890.12345678 BTC",
        "A button label far too long for its narrow column",
        "chart: db.system.name = po…",
        "chart: slot.bet.amount = 0.2…",
    }, found


def test_the_check_passes_the_same_page_with_short_labels(chromium: str, page_url: str) -> None:  # noqa: F811
    assert cut_labels(chromium, page_url + "?cut=0") == []
