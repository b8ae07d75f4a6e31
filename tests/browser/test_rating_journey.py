"""The annual re-rating in a real Chromium: the machine proposed, the people confirm or override.

An account manager opens a proposed rating and confirms it; another account manager overrides
one with a reason, it waits for approval, and the team leader of that unit approves it.
"""

import datetime
import re

import pytest
from django.db.models import F
from playwright.sync_api import expect

from rmdesk.core.testing import AS_OF, TEST_PASSWORD
from rmdesk.credit.models import Instalment
from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.domain.statements import StatementBasis
from rmdesk.org.models import RoleCode, User
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.rating.services import rating_propose_due
from rmdesk.rating.tests.conftest import FACTORY_2024, FACTORY_2025, FARMER_2025, add_statement

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.fixture
def proposals(bank):
    """The small bank's nightly proposal again, with statements handed in and the farmer's loan paid."""
    Rating.objects.all().delete()
    Instalment.objects.filter(loan=bank.loan, due_on__lte=AS_OF).update(
        principal_paid=F("principal_due"), interest_paid=F("interest_due"), settled_on=F("due_on")
    )
    add_statement(bank.factory, StatementBasis.SMALL_ENTERPRISE, datetime.date(2025, 12, 31), FACTORY_2025)
    add_statement(bank.factory, StatementBasis.SMALL_ENTERPRISE, datetime.date(2024, 12, 31), FACTORY_2024)
    add_statement(bank.farmer, StatementBasis.HOUSEHOLD, datetime.date(2026, 2, 28), FARMER_2025)
    rating_propose_due(as_of=AS_OF)
    return bank


def test_an_account_manager_confirms_and_another_overrides_with_the_leaders_approval(transactional_db, proposals, live_server, page, screenshot):
    bank, base = proposals, live_server.url
    farmer = Rating.objects.get(customer=bank.farmer)
    factory = Rating.objects.get(customer=bank.factory)

    _sign_in(page, base, bank.am_a.username)
    page.locator("nav a[href='/ratings/']").click()
    expect(page.get_by_test_id("rerating-queue")).to_contain_text(bank.farmer.name)
    expect(page.get_by_test_id("rerating-queue")).not_to_contain_text(bank.factory.name)
    screenshot(page, "01-my-re-ratings")

    page.get_by_role("link", name=bank.farmer.name).click()
    expect(page.get_by_test_id("proposed-grade")).to_have_text(farmer.proposed_grade)
    expect(page.get_by_test_id("factor-debt_to_assets")).to_contain_text("46.61%")
    expect(page.get_by_test_id("lifts")).to_be_visible()
    screenshot(page, "02-proposed-rating")

    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("grade-in-force")).to_have_text(farmer.proposed_grade)
    screenshot(page, "03-confirmed")
    farmer.refresh_from_db()
    assert (farmer.status, farmer.decided_by) == (RatingStatus.CONFIRMED, bank.am_a)

    worse = MASTER_SCALE[MASTER_SCALE.index(factory.proposed_grade) + 1]
    _sign_in(page, base, bank.am_b.username)
    page.goto(f"{base}/ratings/{factory.pk}/")
    page.locator("select[name=grade]").select_option(worse)
    page.locator("textarea[name=reason]").fill("主要客户应收账款回收放缓，库存积压")
    page.get_by_test_id("request-override").click()
    expect(page.get_by_test_id("override")).to_contain_text(worse)
    expect(page.get_by_test_id("confirm")).to_have_count(0)
    screenshot(page, "04-override-requested")
    factory.refresh_from_db()
    assert factory.status == RatingStatus.OVERRIDE_REQUESTED and factory.grade == ""

    leader_b = User.objects.create_user(
        username="leader_b", password=TEST_PASSWORD, display_name="黄磊", role_id=RoleCode.TEAM_LEADER, org_unit=bank.outlet_b
    )
    _sign_in(page, base, leader_b.username)
    page.goto(f"{base}/ratings/approvals/")
    expect(page.get_by_test_id("approval-queue")).to_contain_text("库存积压")
    screenshot(page, "05-approval-queue")
    page.get_by_role("link", name=bank.factory.name).click()
    page.locator("input[name=decision][value=approve]").check()
    page.locator("textarea[name=reason]").fill("同意，按调整后等级管理")
    page.get_by_test_id("decide").click()
    expect(page.get_by_test_id("approval-queue")).not_to_contain_text(bank.factory.name)
    factory.refresh_from_db()
    assert (factory.status, factory.grade, factory.decided_by) == (RatingStatus.APPROVED, worse, leader_b)
    page.goto(f"{base}/ratings/{factory.pk}/")
    expect(page.get_by_test_id("override-decision")).to_be_visible()
    screenshot(page, "06-override-approved")
