"""Test set-up shared by the whole suite.

Outside CI a test that needs something this machine lacks (Debian's Chromium) is skipped with a
message naming what is missing; in CI (CI=true) the same test fails instead, so CI never passes by
skipping.
"""

import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["rmdesk.core.testing"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made beside it in
# the same thread are safe because nothing else uses that loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("RMDESK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("RMDESK_TEST_ARTIFACTS", Path(__file__).parent / "test-artifacts"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require(available: bool, missing: str) -> None:
    """Skip, or in CI fail, a test whose prerequisite `missing` is not on this machine."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must run every test, but {missing}", pytrace=False)
    pytest.skip(missing)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; `playwright install` cannot download here."""
    require(
        Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None,
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    """A fresh browser page; its screenshots go to test-artifacts/<test name>/."""
    context = chromium.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    browser_page = context.new_page()
    browser_page.set_default_timeout(15_000)
    yield browser_page
    context.close()


@pytest.fixture
def screenshot(request):
    """Keep a full-page screenshot as a test artefact: screenshot(page, "name")."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(browser_page, name: str) -> Path:
        path = folder / f"{name}.png"
        browser_page.screenshot(path=str(path), full_page=True)
        return path

    return take
