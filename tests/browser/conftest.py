"""Browser tests: Playwright (sync API) driving Debian's /usr/bin/chromium against `live_server`.

Off unless WARMWINTER_BROWSER_TESTS=1 (CI sets it). When it is set and Chromium is missing
the tests fail instead of skipping, so CI cannot pass without having clicked anything.
One browser per session, one fresh context (cookies, viewport) per test; every test leaves a
full-page screenshot in var/screenshots/<test name>.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in this thread; Django's ORM would
# otherwise refuse to run here ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
TIMEOUT_MS = 15_000


def browser_tests_on() -> bool:
    return os.environ.get("WARMWINTER_BROWSER_TESTS", "").strip() == "1"


def pytest_collection_modifyitems(config, items):
    """Skip at collection time so that neither the live server nor Chromium is started."""
    if browser_tests_on():
        return
    skip = pytest.mark.skip(reason="browser tests are off; set WARMWINTER_BROWSER_TESTS=1 to run them")
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents and item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"WARMWINTER_BROWSER_TESTS=1 but {CHROMIUM} is missing: install Debian's chromium "
            "(apt-get install chromium) or unset WARMWINTER_BROWSER_TESTS.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}


@pytest.fixture
def open_page(request, browser, live_server, append_only_flushable):
    """open_page(**context_options) -> a page in a fresh browser context (desktop, zh-CN by default).

    When the test ends, a full-page screenshot of the last page opened is saved to
    var/screenshots/<test name>.png, pass or fail.
    """
    contexts = []

    def _open(**options):
        context = browser.new_context(**{**DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _open
    try:
        if contexts and contexts[-1].pages:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            contexts[-1].pages[-1].screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def server_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def sign_in(server_url):
    """sign_in(page, username, password): fill in the login form and submit it."""

    def _sign_in(page, username: str, password: str) -> None:
        if "/accounts/login/" not in page.url or "/otp/" in page.url:
            page.goto(f"{server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    return _sign_in
