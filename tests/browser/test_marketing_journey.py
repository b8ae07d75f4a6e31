"""An account manager's marketing journey through a real Chromium: from the customer page to the
customer's 360, the best offers with the reason to say aloud, one offer turned into an
opportunity in one click, and the opportunity won."""

import re

import pytest
from playwright.sync_api import expect

from rmdesk.core.testing import AS_OF, TEST_PASSWORD
from rmdesk.marketing.models import OfferSnapshot, Opportunity
from rmdesk.marketing.services import marketing_batch
from rmdesk.products.models import Product, ProductFamily

pytestmark = pytest.mark.browser


def test_account_manager_turns_an_offer_into_an_opportunity_and_wins_it(transactional_db, bank, live_server, page, screenshot):
    Product.objects.create(code="WM-90", family=ProductFamily.WEALTH, name_zh="稳盈理财90天", name_en="Steady 90-day wealth product")
    Product.objects.create(code="DEP-TIME", family=ProductFamily.DEPOSIT, name_zh="整存整取定期", name_en="Time deposit")
    marketing_batch(as_of=AS_OF)
    best = OfferSnapshot.objects.filter(customer=bank.farmer).order_by("rank").first()
    assert best is not None

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(bank.am_a.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/customers/{bank.farmer.pk}/")
    page.get_by_test_id("customer-360").click()
    expect(page).to_have_url(re.compile(rf"/customers/{bank.farmer.pk}/360/$"))
    expect(page.get_by_role("heading", name=re.compile(bank.farmer.name))).to_be_visible()

    offers = page.get_by_test_id("offer")
    expect(offers.first).to_contain_text(best.product.name_zh)
    expect(page.get_by_test_id("offer-reason").first).not_to_be_empty()
    expect(page.locator("#balance-trend")).to_have_attribute("data-drawn", "true")
    screenshot(page, "01-customer-360")

    page.get_by_test_id(f"take-offer-{best.product.code}").click()
    expect(page.get_by_test_id("opportunity-stage")).to_be_visible()
    expect(page.get_by_test_id("opportunity-reason")).not_to_be_empty()
    screenshot(page, "02-opportunity-from-the-offer")

    page.get_by_test_id("win").click()
    opportunity = Opportunity.objects.get(customer=bank.farmer, product=best.product)
    expect(page.get_by_test_id("opportunity-stage")).to_have_text(opportunity.get_stage_display())
    assert opportunity.stage == "won" and opportunity.owner == bank.am_a
    screenshot(page, "03-opportunity-won")

    page.goto(f"{live_server.url}/pipeline/")
    expect(page.locator("body")).to_contain_text(bank.farmer.name)
    screenshot(page, "04-pipeline")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
