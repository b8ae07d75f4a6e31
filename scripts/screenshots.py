"""Take the README's screenshots from a running demo desk (make demo), with Debian's Chromium.

    uv run python scripts/screenshots.py [http://127.0.0.1:8000]

Signs in as the demo account manager am1 and the team leader leader1 (password of the demo
bank) and writes docs/screenshots/*.png.
"""

import os
import sys
from pathlib import Path

import django
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from rmdesk.synthetic.services import DEMO_PASSWORD  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1360, "height": 860}, locale="zh-CN").new_page()
        page.goto(f"{base}/login/")
        page.screenshot(path=OUT / "01-sign-in.png")
        sign_in(page, base, "am1")
        page.screenshot(path=OUT / "02-my-book.png")
        page.locator("#book-results tbody tr a").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "04-customer-page.png", full_page=True)
        page.get_by_test_id("language-en").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "05-customer-page-english.png")
        page.get_by_test_id("language-zh-hans").click()
        page.context.clear_cookies()
        sign_in(page, base, "leader1")
        page.goto(f"{base}/team/")
        page.screenshot(path=OUT / "06-team-books.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
