"""One enterprise loan through the whole credit lifecycle in a real Chromium, step by step.

The factory's account manager applies for a working-capital loan with its workshop as collateral,
investigates (checklist, notes, a photo), runs the policy check; the branch's credit approver, a
second person, signs in with the one-time code and approves; the account manager signs the
contract and disburses. Ten days later the account manager records the first post-loan
inspection on the form the data pre-filled. Five days after the first instalment's due date the
nightly run finds it unpaid: the floor of the 2023 Measures moves the loan to special mention and
the credit is marked overdue. The next day the account manager records the payment the form
offers, the instalment and its penalty interest: days past due are back to 0 and the credit is
current again, while the category waits for a person's
proposal and another's approval to improve.

The clock of the test and of the server travels (time-machine) from the disbursement to the
inspection, the missed payment and the repayment; the browser only sees the server's dates, and
the account manager signs in again each day (the session ends after 30 idle minutes).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from rmdesk.core.testing import TEST_PASSWORD
from rmdesk.credit.models import CreditApplication, Drawdown, Instalment, Loan
from rmdesk.credit.tests.helpers import decided_rating, working_capital_product
from rmdesk.domain.lifecycle import CreditState
from rmdesk.domain.statements import StatementBasis
from rmdesk.rating.tests.conftest import FACTORY_2024, FACTORY_2025, add_statement
from rmdesk.risk.models import Inspection, LoanRisk
from rmdesk.risk.selectors import penalty_owed
from rmdesk.risk.tasks import risk_nightly

pytestmark = pytest.mark.browser

PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Journey:
    """Where the journey stands: the browser page, the server, the bank, and the credit once opened."""

    page: Page
    base: str
    bank: object
    shoot: object
    approver_device: TOTPDevice
    clock: time_machine.Traveller
    application: CreditApplication | None = None
    loan: Loan | None = None

    def refresh(self) -> CreditApplication:
        self.application.refresh_from_db()
        return self.application

    def travel_to(self, day: datetime.date) -> None:
        """Move the clock of the test and the server to 09:00 on `day`."""
        self.clock.move_to(datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_current_timezone()))
        assert timezone.localdate() == day


def sign_in(journey: Journey, user, *, device: TOTPDevice | None = None) -> None:
    """Sign in as `user`, confirming the one-time code when the role needs one."""
    page = journey.page
    page.context.clear_cookies()
    page.goto(f"{journey.base}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    if device is not None:
        expect(page).to_have_url(re.compile(r"/second-factor/verify/"))
        page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
        page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/login/|/second-factor/"))


def fill(page: Page, values: dict[str, str], *, within: str = "main") -> None:
    for name, value in values.items():
        field = page.locator(f"{within} [name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def apply(journey: Journey) -> None:
    """The account manager opens the application from the customer's page and offers the workshop."""
    page, bank = journey.page, journey.bank
    sign_in(journey, bank.am_b)
    page.goto(f"{journey.base}/customers/{bank.factory.pk}/")
    page.get_by_test_id("new-credit-application").click()
    fill(page, {
        "product": str(working_capital_product().pk), "amount": "800000", "term_months": "12", "annual_rate_percent": "4.35",
        "purpose": "收购毛竹原料", "repayment_source": "竹制品销售回款，月均回笼约40万元", "industry_code": "C2041",
    })
    journey.shoot(page, "01-new-application")
    page.get_by_test_id("save-application").click()
    expect(page.get_by_test_id("credit-state")).to_be_visible()
    journey.application = CreditApplication.objects.get(customer=bank.factory)

    page.get_by_test_id("add-collateral").click()
    valued = (datetime.date.today() - datetime.timedelta(days=20)).isoformat()
    insured = (datetime.date.today() + datetime.timedelta(days=300)).isoformat()
    fill(page, {
        "kind": "industrial_property", "description": "柳河工业园3号厂房", "owner": bank.factory.name, "value": "3000000",
        "valued_on": valued, "valuer": "浙江中信评估", "insurer": "人保财险", "insured_amount": "3000000", "insured_until": insured,
    }, within="#collateral")
    page.get_by_test_id("save-collateral").click()
    expect(page.locator("#collateral table")).to_contain_text("柳河工业园3号厂房")
    journey.shoot(page, "02-application-with-collateral")


def investigate(journey: Journey) -> None:
    """Submitted and investigated: every checklist item seen, a photo of the workshop, a conclusion."""
    page = journey.page
    page.get_by_test_id("step-submit").click()
    page.get_by_test_id("step-start_investigation").click()
    expect(page).to_have_url(re.compile(r"/investigation/$"))
    expect(page.locator("#report")).to_contain_text("1,250,000.00")
    page.locator("#files input[name=file]").set_input_files({"name": "workshop.png", "mimeType": "image/png", "buffer": PHOTO})
    page.locator("#files [name=caption]").fill("3号厂房外景")
    page.locator("#files [name=checklist_item]").select_option("site_visit")
    page.get_by_test_id("upload").click()
    expect(page.locator("#files")).to_contain_text("3号厂房外景")
    for checkbox in page.locator("#checklist input[type=checkbox]").all():
        checkbox.check()
    page.locator("[name=note_operations_and_market]").fill("订单稳定，主要客户为安吉、德清两家家具厂。")
    page.locator("[name=note_post_loan_plan]").fill("每季度核对销售回款，关注原料价格。")
    page.locator("[name=site_visit_on]").fill(datetime.date.today().isoformat())
    page.locator("[name=conclusion]").fill("经营正常，抵押充足，建议授信80万元。")
    journey.shoot(page, "03-investigation")
    page.get_by_test_id("complete-investigation").click()
    expect(page.get_by_test_id("credit-state")).to_have_text(re.compile("."))
    assert journey.refresh().state == CreditState.POLICY_CHECK


def policy_check(journey: Journey) -> None:
    """The policy check runs on what the database holds and lists every rule with its figures."""
    page = journey.page
    page.get_by_test_id("policy-check-link").click()
    page.get_by_test_id("run-policy-check").click()
    expect(page.locator("[data-testid=policy-rules] tbody tr")).to_have_count(12)
    expect(page.locator("tr[data-rule=loan_to_value]")).to_contain_text("26.67")
    journey.shoot(page, "04-policy-check")
    application = journey.refresh()
    assert (application.state, application.pending_level) == (CreditState.IN_APPROVAL, "credit_approver")


def approve(journey: Journey) -> None:
    """A second person, the credit approver, signs in with the one-time code and approves."""
    page, bank = journey.page, journey.bank
    sign_in(journey, bank.approver, device=journey.approver_device)
    page.goto(f"{journey.base}/credit/approvals/")
    expect(page.get_by_test_id("approval-queue")).to_contain_text(journey.application.reference)
    journey.shoot(page, "05-approval-queue")
    page.get_by_role("link", name=journey.application.reference).click()
    page.locator("#decision input[value=approve]").check()
    page.locator("#decision [name=opinion]").fill("同意。抵押率26.67%，还款来源可靠。")
    journey.shoot(page, "06-approver-decides")
    page.get_by_test_id("sign").click()
    expect(page).to_have_url(re.compile(r"/credit/approvals/$"))
    application = journey.refresh()
    assert application.state == CreditState.APPROVED
    assert application.transitions.get(action="approve").by == bank.approver
    memo = page.request.get(f"{journey.base}/credit/{application.pk}/memo.pdf?lang=zh-hans")
    assert memo.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(memo.body())).pages)
    assert "柳河竹木制品有限公司" in text and "抵押率26.67%" in re.sub(r"\s+", "", text)


def disburse(journey: Journey) -> None:
    """Back with the account manager: contract and credit line, then the drawdown opens the loan."""
    page, bank = journey.page, journey.bank
    sign_in(journey, bank.am_b)
    page.goto(f"{journey.base}/credit/{journey.application.pk}/")
    page.get_by_test_id("contract-link").click()
    page.get_by_test_id("sign-contract").click()
    expect(page.get_by_test_id("contract")).to_be_visible()
    page.get_by_test_id("drawdown-link").click()
    expect(page.locator("input[name=payment_method][value=borrower]")).to_be_checked()
    journey.shoot(page, "07-drawdown")
    page.get_by_test_id("draw").click()
    drawdown = Drawdown.objects.get(contract__application=journey.application)
    expect(page.get_by_test_id("loan-1")).to_have_text(drawdown.loan.contract_number)
    journey.shoot(page, "08-disbursed")
    assert journey.refresh().state == CreditState.DISBURSED
    assert drawdown.loan.instalments.count() == 12
    assert drawdown.loan.principal == Decimal("800000.00")
    journey.loan = drawdown.loan
    page.get_by_test_id("loan-1").click()
    expect(page.locator("#loans")).to_contain_text(drawdown.loan.contract_number)
    journey.shoot(page, "09-customer-page-with-the-loan")


def open_the_loan_from_the_customer_page(journey: Journey) -> None:
    page, loan = journey.page, journey.loan
    page.goto(f"{journey.base}/customers/{loan.customer_id}/")
    page.locator("#loans summary", has_text=loan.contract_number).click()
    page.get_by_test_id(f"loan-risk-{loan.pk}").click()
    expect(page.locator("h1")).to_contain_text(loan.contract_number)


def inspect_first(journey: Journey) -> None:
    """Ten days after the disbursement the account manager reads the pre-filled inspection form and records findings."""
    page = journey.page
    on = journey.loan.disbursed_on + datetime.timedelta(days=10)
    journey.travel_to(on)
    sign_in(journey, journey.bank.am_b)
    open_the_loan_from_the_customer_page(journey)
    journey.shoot(page, "10-loan-risk-page")
    page.get_by_test_id("record-inspection").click()
    expect(page.get_by_test_id("inspection-facts")).to_be_visible()
    journey.shoot(page, "11-inspection-form-prefilled")
    page.locator("input[name=inspected_on]").fill(on.isoformat())
    for question in ("funds_used_as_agreed", "operations_normal", "collateral_intact"):
        page.locator(f"input[name={question}][value=yes]").check()
    page.locator("input[name=guarantor_able][value=na]").check()
    page.locator("textarea[name=findings]").fill("贷款用于收购毛竹，发票与入库单相符；3号厂房正常使用，销售回款按月到账。")
    page.locator("input[name=conclusion][value=no_concern]").check()
    page.get_by_test_id("save-inspection").click()
    expect(page.get_by_test_id("inspection")).to_have_count(1)
    journey.shoot(page, "12-inspection-recorded")
    inspection = Inspection.objects.get(loan=journey.loan)
    assert (inspection.kind, inspection.inspected_on, inspection.inspected_by) == ("first", on, journey.bank.am_b)
    assert LoanRisk.objects.get(loan=journey.loan).last_inspected_on == on


def miss_a_payment(journey: Journey) -> None:
    """The nightly run five days after the first instalment's due date finds it unpaid: special
    mention by the floor, and the credit marked overdue by the nightly run."""
    due = Instalment.objects.get(loan=journey.loan, number=1).due_on
    night = due + datetime.timedelta(days=5)
    journey.travel_to(night)
    risk_nightly(as_of=night)
    page = journey.page
    sign_in(journey, journey.bank.am_b)
    open_the_loan_from_the_customer_page(journey)
    expect(page.get_by_test_id("days-past-due")).to_have_text("5")
    expect(page.get_by_test_id("category")).to_have_class("category special_mention")
    expect(page.get_by_test_id("category-history").locator("tbody tr")).to_have_count(2)
    journey.shoot(page, "13-missed-payment-special-mention")
    application = journey.refresh()
    assert application.state == CreditState.OVERDUE
    marked = application.transitions.get(action="mark_overdue")
    assert (marked.by, marked.on) == (None, night)


def repay(journey: Journey) -> None:
    """The next day the account manager records the instalment's payment: days past due are back
    to 0 and the credit is current; the category stays until a proposal is approved."""
    page = journey.page
    instalment = Instalment.objects.get(loan=journey.loan, number=1)
    paid_on = instalment.due_on + datetime.timedelta(days=6)
    journey.travel_to(paid_on)
    sign_in(journey, journey.bank.am_b)
    open_the_loan_from_the_customer_page(journey)
    page.get_by_test_id("record-repayment").click()
    # The form offers what is overdue today: the instalment and six days of penalty interest.
    penalty = penalty_owed(journey.loan, as_of=paid_on)
    assert penalty > 0
    expect(page.locator("input[name=amount]")).to_have_value(str(instalment.payment_due + penalty))
    expect(page.locator("input[name=paid_on]")).to_have_value(paid_on.isoformat())
    page.locator("input[name=reference]").fill("PZ20270104001")
    journey.shoot(page, "14-repayment-form")
    page.get_by_test_id("save-repayment").click()
    expect(page.get_by_test_id("days-past-due")).to_have_text("0")
    expect(page.get_by_test_id("floor")).to_have_class("category normal")
    expect(page.get_by_test_id("category")).to_have_class("category special_mention")
    journey.shoot(page, "15-repaid-days-past-due-0")
    instalment.refresh_from_db()
    assert instalment.settled_on == paid_on
    assert journey.loan.repayments.get().penalty == penalty
    application = journey.refresh()
    assert application.state == CreditState.REPAYING
    cured = application.transitions.get(action="cure")
    assert (cured.by, cured.on) == (journey.bank.am_b, paid_on)
    page.goto(f"{journey.base}/credit/{application.pk}/")
    expect(page.get_by_test_id("history")).to_contain_text("夜间批处理")
    journey.shoot(page, "16-credit-history")


@pytest.fixture
def journey(transactional_db, bank, live_server, page, screenshot) -> Journey:
    """The small bank with the factory's statements handed in, its grade decided and the approver enrolled."""
    add_statement(bank.factory, StatementBasis.SMALL_ENTERPRISE, datetime.date(2025, 12, 31), FACTORY_2025)
    add_statement(bank.factory, StatementBasis.SMALL_ENTERPRISE, datetime.date(2024, 12, 31), FACTORY_2024)
    decided_rating(bank.factory, "BBB", by=bank.am_b)
    working_capital_product()
    device = TOTPDevice.objects.create(user=bank.approver, name="phone", confirmed=True)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        yield Journey(page, live_server.url, bank, screenshot, device, clock)


def test_an_enterprise_loan_from_application_to_repayment(journey):
    apply(journey)
    investigate(journey)
    policy_check(journey)
    approve(journey)
    disburse(journey)
    inspect_first(journey)
    miss_a_payment(journey)
    repay(journey)
