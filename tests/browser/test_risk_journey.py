"""After the loan, in a real Chromium: a first inspection, a missed payment, and the repayment.

The farmer's account manager finds the loan from the customer page, records the first post-loan
inspection on the form the data pre-filled; the nightly run, a few days after an instalment's
due date, finds it unpaid and the floor of the 2023 Measures moves the loan to special mention;
the account manager records the repayment and days past due are back to 0, while the category
waits for a person's proposal and another's approval to improve. Each step is a function taking
the journey, so that the credit journey (application to disbursement) can be followed by these.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import Page, expect

from rmdesk.core.testing import AS_OF, TEST_PASSWORD
from rmdesk.credit.models import Instalment, Loan
from rmdesk.risk.models import Inspection, LoanRisk
from rmdesk.risk.tasks import risk_nightly

pytestmark = pytest.mark.browser


@dataclass
class RiskJourney:
    """The browser page signed in as the loan's account manager, the server, and the loan."""

    page: Page
    base: str
    loan: Loan
    shoot: object

    def refresh(self) -> Loan:
        self.loan.refresh_from_db()
        return self.loan


def sign_in(page: Page, base: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def open_the_loan_from_the_customer_page(journey: RiskJourney) -> None:
    page, loan = journey.page, journey.loan
    page.goto(f"{journey.base}/customers/{loan.customer_id}/")
    page.locator("#loans summary", has_text=loan.contract_number).click()
    page.get_by_test_id(f"loan-risk-{loan.pk}").click()
    expect(page.locator("h1")).to_contain_text(loan.contract_number)


def record_the_first_inspection(journey: RiskJourney, *, on: datetime.date) -> None:
    """The account manager opens the inspection form, reads what the data shows, and records findings."""
    page = journey.page
    open_the_loan_from_the_customer_page(journey)
    journey.shoot(page, "01-loan-risk-page")
    page.get_by_test_id("record-inspection").click()
    expect(page.get_by_test_id("inspection-facts")).to_be_visible()
    journey.shoot(page, "02-inspection-form-prefilled")
    page.locator("input[name=inspected_on]").fill(on.isoformat())
    for question in ("funds_used_as_agreed", "operations_normal", "guarantor_able"):
        page.locator(f"input[name={question}][value=yes]").check()
    page.locator("input[name=collateral_intact][value=na]").check()
    page.locator("textarea[name=findings]").fill("贷款用于购买化肥种子，发票齐全；作物长势良好，粮食收购款按时到账。")
    page.locator("input[name=conclusion][value=no_concern]").check()
    page.get_by_test_id("save-inspection").click()
    expect(page.get_by_test_id("inspection")).to_have_count(1)
    journey.shoot(page, "03-inspection-recorded")
    inspection = Inspection.objects.get(loan=journey.loan)
    assert (inspection.kind, inspection.inspected_on) == ("first", on)
    assert LoanRisk.objects.get(loan=journey.loan).last_inspected_on == on


def miss_a_payment(journey: RiskJourney) -> datetime.date:
    """The nightly run five days after the next instalment's due date finds it unpaid: special mention."""
    due = Instalment.objects.filter(loan=journey.loan, settled_on__isnull=True).order_by("number").first().due_on
    night = due + datetime.timedelta(days=5)
    risk_nightly(as_of=night)
    page = journey.page
    page.reload()
    expect(page.get_by_test_id("days-past-due")).to_have_text("5")
    expect(page.get_by_test_id("category")).to_have_class("category special_mention")
    expect(page.get_by_test_id("category-history").locator("tbody tr")).to_have_count(2)
    journey.shoot(page, "04-missed-payment-special-mention")
    return night


def repay(journey: RiskJourney, *, night: datetime.date) -> None:
    """The account manager records the instalment's payment: days past due are back to 0."""
    page = journey.page
    instalment = Instalment.objects.filter(loan=journey.loan, settled_on__isnull=True).order_by("number").first()
    paid_on = min(timezone.localdate(), night + datetime.timedelta(days=1))
    page.get_by_test_id("record-repayment").click()
    page.locator("input[name=amount]").fill(str(instalment.payment_due))
    page.locator("input[name=paid_on]").fill(paid_on.isoformat())
    page.locator("input[name=reference]").fill("PZ20261116001")
    journey.shoot(page, "05-repayment-form")
    page.get_by_test_id("save-repayment").click()
    expect(page.get_by_test_id("days-past-due")).to_have_text("0")
    # The floor is normal again; the category stays until a proposal is approved.
    expect(page.get_by_test_id("floor")).to_have_class("category normal")
    expect(page.get_by_test_id("category")).to_have_class("category special_mention")
    journey.shoot(page, "06-repaid-days-past-due-0")
    loan = journey.refresh()
    assert loan.days_past_due == 0
    instalment.refresh_from_db()
    assert instalment.settled_on == paid_on


def test_an_account_manager_inspects_sees_a_missed_payment_and_records_the_repayment(transactional_db, bank, live_server, page, screenshot):
    # The farmer has paid every instalment on its due date so far; the nightly run has classified the book.
    Instalment.objects.filter(loan=bank.loan, due_on__lte=AS_OF).update(
        principal_paid=F("principal_due"), interest_paid=F("interest_due"), settled_on=F("due_on")
    )
    paid = sum(i.principal_paid for i in bank.loan.instalments.all())
    Loan.objects.filter(pk=bank.loan.pk).update(outstanding_principal=bank.loan.principal - paid)
    risk_nightly(as_of=AS_OF)
    sign_in(page, live_server.url, bank.am_a)
    page.get_by_test_id("nav-risk").click()
    expect(page.get_by_test_id("past-due-count")).to_have_text("0")
    journey = RiskJourney(page, live_server.url, Loan.objects.get(pk=bank.loan.pk), screenshot)

    record_the_first_inspection(journey, on=datetime.date(2026, 11, 2))
    night = miss_a_payment(journey)
    repay(journey, night=night)
