"""An account manager's first journey through a real Chromium: sign in, find, open, switch language."""

import re

import pytest
from playwright.sync_api import expect

from rmdesk.core.testing import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_account_manager_finds_a_customer_and_switches_language(transactional_db, bank, live_server, page, screenshot):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    screenshot(page, "01-sign-in")

    page.get_by_label("用户名").fill(bank.am_a.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的管户")).to_be_visible()
    expect(page.get_by_test_id("total-customers")).to_have_text("2")
    screenshot(page, "02-my-book")

    page.get_by_test_id("book-search").fill("张大")
    expect(page.locator("#book-results tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("total-customers")).to_have_text("1")
    screenshot(page, "03-book-search")

    page.get_by_role("link", name="张大山").click()
    expect(page.get_by_role("heading", name="张大山")).to_be_visible()
    expect(page.locator("#loans")).to_contain_text(bank.loan.contract_number)
    screenshot(page, "04-customer-page")

    page.get_by_test_id("language-en").click()
    expect(page.get_by_role("heading", name="Holdings")).to_be_visible()
    expect(page.get_by_role("link", name="My book")).to_be_visible()
    screenshot(page, "05-customer-page-english")

    bank.am_a.refresh_from_db()
    assert bank.am_a.language == "en"


def test_signing_in_with_a_wrong_password_says_so(transactional_db, bank, live_server, page, screenshot):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(bank.am_a.username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error")).to_be_visible()
    screenshot(page, "sign-in-refused")
