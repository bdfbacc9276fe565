"""A real browser (Debian's chromium, driven by Playwright) against a process hosting the receivers and
the app on one embedded demo store (tests/ui/host.py, as `spinscope serve` does).

Screenshots land in tests/ui/screenshots/ (git-ignored): look at them. With SPINSCOPE_DOCS_SHOTS=1 the
1,280 px dark-theme ones are also written to docs/screenshots/ (the README's walk-through).
"""

from __future__ import annotations

import os
import re
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
DOCS_SHOTS = REPO / "docs" / "screenshots"
WIDTH = 1280  # the narrow window the pages must stay readable in
BUDGET_S = float(os.environ.get("SPINSCOPE_PAGE_BUDGET_S", "2"))  # first content, per page, on an idle machine
# A label each page's tables must show (proves the grid check below reads the grid), and on KPIs money
# as the currency writes it: the symbol, separators, and the currency's decimals.
SHOWN = {
    "overview": "Budget left",
    "slos": "Long window",
    "rtp": "Observed RTP",
    "investigate": "Started",
    "kpis": "Handle",
}
# Money columns hold numbers (so the grid sorts them by amount) and show their currency's text, which the
# grid draws on its canvas; the DOM twin carries the numbers. The per-currency text is checked on the
# values Streamlit sends (tests/ui/test_pages.py, tests/unit/test_labels.py) and seen in the screenshots.
MONEY_COLUMNS = ("Handle", "Wins", "GGR")
GRID_COLUMNS = """(names) => {
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const heads = Array.from(grid.querySelectorAll('[role="columnheader"]')).map(c => c.textContent);
    if (!names.every(n => heads.includes(n))) continue;
    const rows = Array.from(grid.querySelectorAll('[role="row"]')).map(
      r => Array.from(r.querySelectorAll('[role="gridcell"]')).map(c => c.textContent)).filter(r => r.length);
    return Object.fromEntries(names.map(n => [n, rows.map(r => r[heads.indexOf(n)])]));
  }
  return null;
}"""
# Machine names a person must never read (the models' columns); labels come from app/labels.py.
RAW_NAMES = ("handle_amount", "ggr_amount", "hold_ratio", "rtp_ratio", "spins_per_session", "error_rate_ratio")
# A label is cut when CSS clips its text: any visible element that clips (text-overflow: ellipsis, or
# overflow hidden/clip without wrapping) and whose text is wider than its box. Streamlit truncates on
# inner containers (a metric label's or a button's stMarkdownContainer), so every element is looked
# at, not only the ones that carry a test id (the first version looked at those and missed them:
# tests/ui/test_cut_check.py shows the check catching each kind). Charts: Vega ends a label it cut
# with an ellipsis. The grids draw on a canvas, out of reach of this check.
CUT_CHECK = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid="stApp"] *')) {
    if (el.offsetParent === null || el.closest('svg')) continue;  // hidden (another tab), or a chart
    const text = (el.innerText || '').trim();
    if (!text || el.clientWidth <= 2) continue;  // nothing, or visually hidden (the 'skip to content' link)
    const cs = getComputedStyle(el);
    const clips = cs.textOverflow === 'ellipsis'
      || (['hidden', 'clip'].includes(cs.overflowX) && cs.whiteSpace.startsWith('nowrap'));
    if (clips && el.scrollWidth > el.clientWidth + 1) cut.push(text.slice(0, 80));
  }
  for (const t of document.querySelectorAll('.vega-embed svg text')) {
    if (t.textContent.endsWith('…')) cut.push('chart: ' + t.textContent);
  }
  return cut;
}"""
# The grids draw on a canvas; their accessible twin (headers and the visible cells) is in the DOM.
GRID_TEXT = """() => Array.from(document.querySelectorAll(
  '[data-testid="stDataFrame"] [role="columnheader"], [data-testid="stDataFrame"] [role="gridcell"]'))
  .map(c => c.textContent).join(' | ')"""
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


@pytest.mark.parametrize("scheme", ["dark", "light"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_is_readable_at_1280_px(hosted_app: str, browser, name: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": WIDTH, "height": 2400}, color_scheme=scheme)
    started = time.perf_counter()
    page.goto(f"{hosted_app}/{PAGES[name]}")
    page.wait_for_selector("h1", timeout=60_000)
    first_content = time.perf_counter() - started
    settle(page)
    page.wait_for_selector('[data-testid="stDataFrame"] [role="columnheader"]', state="attached", timeout=30_000)
    complete = time.perf_counter() - started
    SHOTS.mkdir(exist_ok=True)
    shot = SHOTS / f"{name}-{scheme}.png"
    page.screenshot(path=str(shot), full_page=True)
    if scheme == "dark" and os.environ.get("SPINSCOPE_DOCS_SHOTS"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SHOTS / f"{name}.png"), full_page=False)
    with (SHOTS / "timings.txt").open("a") as timings:
        timings.write(
            f"{name} {scheme} first content {first_content:.2f} s, complete {complete:.2f} s, "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n"
        )
    body = page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in body and "Page not found" not in body
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, body[:2000]
    shown = body + " " + page.evaluate(GRID_TEXT)
    assert [n for n in RAW_NAMES if n in shown] == [], f"raw column names on {name}"
    assert page.evaluate(CUT_CHECK) == [], f"cut labels on {name} ({shot})"
    assert SHOWN[name] in shown, f"{SHOWN[name]!r} not read from the tables of {name}"
    if name == "kpis":
        columns = page.evaluate(GRID_COLUMNS, list(MONEY_COLUMNS))
        assert columns and all(columns.values()), "no money column in the KPI table"
        for header, cells in columns.items():  # numbers the grid sorts by, not text sorted alphabetically
            assert all(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?", c) for c in cells if c), (header, cells[:5])
    # The budget holds on an idle machine; a machine shared by more runnable processes than cores is
    # slower by about that ratio, so the budget scales with it (the figures are in timings.txt).
    load = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert first_content <= BUDGET_S * load, f"{name}: first content after {first_content:.2f} s (load ×{load:.1f})"
    page.close()


def test_a_drill_down_link_reopens_the_same_investigation(hosted_app: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": WIDTH, "height": 3200}, color_scheme="dark")
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
    if os.environ.get("SPINSCOPE_DOCS_SHOTS"):
        page.screenshot(path=str(DOCS_SHOTS / "investigate-drilled.png"), full_page=False)
    page.close()

    again = browser.new_page(viewport={"width": WIDTH, "height": 3200}, color_scheme="dark")
    again.goto(link)
    settle(again)
    assert parse_qs(urlparse(again.url).query) == state
    assert again.locator("button", has_text="✕").first.inner_text() == chip
    assert again.get_by_role("heading", name="Trace ").first.inner_text() == trace_title
    assert again.locator('[data-testid="stException"]').count() == 0
    again.screenshot(path=str(SHOTS / "investigate-reopened.png"), full_page=True)
    again.close()
