"""Single sign-on in a real browser against a real OpenID Connect provider.

The provider is panva's `oidc-provider` from npm (OpenID certified), run under Node by the test
with its development login pages (tests/ui/oidc/provider.mjs only configures it); the app is
hosted as `spinscope serve` hosts it (tests/ui/host.py), with auth.yaml mapping the ID token's
`groups` claim to roles and Streamlit's [auth] secrets pointing at the provider. Headless
Chromium signs in: unauthenticated -> the sign-in; a viewer sees the dashboards and no export;
an operator downloads one; a user without a mapped group is refused. The audit trail has them all.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spinscope.configuration import shipped_dir
from tests.conftest import REPO, free_port
from tests.ui.test_browser import ARGS, IDLE, chromium  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.slow  # npm install on first use, Node, a host with demo history, chromium

OIDC_PROVIDER = "oidc-provider@9.13.3"
PROVIDER_SCRIPT = Path(__file__).resolve().parent / "oidc" / "provider.mjs"
CACHE = Path(os.environ.get("SPINSCOPE_TEST_CACHE", Path.home() / ".cache" / "spinscope-tests"))
CLIENT_ID = "spinscope-app"
SHOTS = Path(__file__).resolve().parent / "screenshots"


def provider_dir() -> Path:
    """A folder with oidc-provider installed from npm (once; kept in the test cache)."""
    folder = CACHE / OIDC_PROVIDER.replace("@", "-")
    if not (folder / "node_modules" / "oidc-provider" / "package.json").exists():
        if shutil.which("npm") is None or shutil.which("node") is None:
            pytest.skip("node and npm are needed to run the OpenID Connect provider")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"name": "spinscope-test-oidc", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", OIDC_PROVIDER], cwd=folder, check=True, timeout=600
        )
    shutil.copy(PROVIDER_SCRIPT, folder / "provider.mjs")  # ESM resolves packages next to the script
    return folder


def wait_for_line(proc: subprocess.Popen[str], prefix: str, seconds: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line
        if not line and proc.poll() is not None:
            raise RuntimeError(f"the process exited before printing {prefix!r}")
    raise RuntimeError(f"no {prefix!r} within {seconds} s")


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(app URL, API URL) of a host whose app signs in at a live oidc-provider."""
    work = tmp_path_factory.mktemp("sso")
    op_port, ui_port = free_port(), free_port()
    client_secret = secrets.token_urlsafe(24)
    redirect = f"http://127.0.0.1:{ui_port}/oauth2callback"
    op = subprocess.Popen(
        ["node", "provider.mjs", str(op_port), CLIENT_ID, client_secret, redirect],
        cwd=provider_dir(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    host = None
    try:
        wait_for_line(op, "READY", 60)
        config = work / "config"
        shutil.copytree(shipped_dir(), config, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        (config / "auth.yaml").write_text("oidc:\n  role_claim: groups\n  roles: {sre: operator, support: viewer}\n")
        secrets_file = work / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{redirect}"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "http://127.0.0.1:{op_port}/.well-known/openid-configuration"\n'
            # Streamlit asks for prompt=select_account unless told otherwise; oidc-provider knows login.
            'client_kwargs = { prompt = "login" }\n'
        )
        host = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ui.host",
                "--data-dir",
                str(work / "data"),
                "--ui-port",
                str(ui_port),
                "--config",
                str(config),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=REPO,
            env={**os.environ, "SPINSCOPE_APP_SECRETS": str(secrets_file)},
        )
        _, app_url, api_url = wait_for_line(host, "READY ", 240).split()
        yield app_url, api_url
    finally:
        for proc in (host, op):
            if proc is not None:
                proc.terminate()
                proc.communicate(timeout=60)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


def sign_in(browser, app_url: str, login: str):  # type: ignore[no-untyped-def]
    """A fresh browser context signed in as `login` through the provider's pages; returns the page."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(app_url)
    page.get_by_role("button", name="Log in").click(timeout=60_000)
    page.wait_for_selector("input[name=login]", timeout=60_000)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.wait_for_selector("button[type=submit]", timeout=60_000)  # the consent page
    page.click("button[type=submit]")
    page.wait_for_url(f"{app_url}/**", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    return page


def test_unauthenticated_visitors_see_only_the_sign_in(sso_app: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    app_url, _ = sso_app
    page = browser.new_page()
    page.goto(app_url)
    page.get_by_role("button", name="Log in").wait_for(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    text = page.inner_text("body")
    assert "Sign in with your organisation's account" in text
    assert "Overview" not in page.inner_text('[data-testid="stMain"]')
    page.goto(f"{app_url}/kpis")
    page.get_by_role("button", name="Log in").wait_for(timeout=90_000)
    assert "Download" not in page.inner_text("body")
    page.close()


def test_a_viewer_sees_the_dashboards_but_no_export(sso_app: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    app_url, _ = sso_app
    page = sign_in(browser, app_url, "victor")
    page.wait_for_selector("h1", timeout=60_000)
    assert "Signed in as victor@example.test (viewer)" in page.inner_text('[data-testid="stSidebar"]')
    page.get_by_role("link", name="KPIs").click()
    page.wait_for_selector("text=they need the operator role", timeout=90_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "sso_viewer_kpis.png"), full_page=True)
    assert page.get_by_role("button", name="daily CSV").count() == 0
    page.context.close()


def test_an_operator_exports_and_everything_is_audited(sso_app: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    app_url, api_url = sso_app
    page = sign_in(browser, app_url, "olga")
    assert "(operator)" in page.inner_text('[data-testid="stSidebar"]')
    page.get_by_role("link", name="KPIs").click()
    button = page.get_by_role("button", name="daily CSV")
    button.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as caught:
        button.click()
    download = caught.value
    assert download.suggested_filename.startswith("spinscope-kpis-daily-")
    assert Path(download.path()).read_text().startswith("period_start,")
    page.context.close()

    refused = sign_in(browser, app_url, "mallory")
    refused.wait_for_selector("text=has no spinscope role", timeout=60_000)
    refused.context.close()

    deadline = time.monotonic() + 30
    while True:
        entries = httpx.get(f"{api_url}/api/v1/audit", timeout=60).json()["entries"]
        seen = {(e["who"], e["action"]) for e in entries}
        wanted = {
            ("victor@example.test", "login"),
            ("olga@example.test", "login"),
            ("olga@example.test", "export"),
            ("mallory@example.test", "login_failed"),
        }
        if wanted <= seen or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert wanted <= seen, seen
    exports = [e["what"] for e in entries if e["action"] == "export"]
    assert any(w.startswith("app: spinscope-kpis-daily-") for w in exports)
