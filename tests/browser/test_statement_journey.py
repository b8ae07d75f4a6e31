"""An account manager takes a customer's accounts through the desk in a real Chromium: downloads
the template, fills it in (openpyxl, as the customer's accountant would in Excel), uploads it,
has a wrong line pointed out, corrects it, and reads the ratios and the flags; after the night's
run has proposed the customer's rating from those accounts, she confirms it."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from rmdesk.core.testing import AS_OF, TEST_PASSWORD
from rmdesk.products.models import Holding, Transaction
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.rating.services import rating_propose_due
from rmdesk.statements.services import statement_record
from rmdesk.statements.tests.factories import END_2024, END_2025, FACTORY_2024, FACTORY_2025

pytestmark = pytest.mark.browser

# The year before, with much smaller sales and receivables: 2025's revenue jumps by two thirds
# and its receivables treble, moves the desk must flag.
FACTORY_2024_SMALLER = {
    **FACTORY_2024,
    "revenue": Decimal(1_800_000),
    "cost_of_sales": Decimal(1_450_000),
    "accounts_receivable": Decimal(80_000),
    "notes_receivable": Decimal(20_000),
    "cash": Decimal(290_000),
}


def filled(template: Path, amounts: dict[str, Decimal], period_end: datetime.date) -> bytes:
    workbook = load_workbook(template)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_col=3):
            if row[0].value == "period_end":
                row[2].value = period_end
            elif row[0].value in amounts:
                row[2].value = float(amounts[row[0].value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_account_manager_uploads_a_statement_and_sees_ratios_and_flags(
    transactional_db, bank, live_server, page, screenshot, tmp_path
):
    statement_record(
        customer=bank.factory,
        user=bank.am_b,
        basis="small_enterprise",
        period_end=END_2024,
        period_months=12,
        audited=False,
        amounts=FACTORY_2024_SMALLER,
    )
    # Through 2025 the factory's account here took in 3,600,000 from its buyers, more than the
    # 3,000,000 its accounts will report for the whole year.
    account = Holding.objects.get(customer=bank.factory)
    for month in range(1, 13):
        Transaction.objects.create(
            holding=account,
            customer=bank.factory,
            booked_on=datetime.date(2025, month, 15),
            amount=Decimal(300_000),
            direction="C",
            counterparty_name="县建材贸易公司",
            channel="interbank",
            purpose="sales",
        )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(bank.am_b.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/customers/{bank.factory.pk}/")
    page.get_by_test_id("statements-link").click()
    expect(page).to_have_url(re.compile(rf"/customers/{bank.factory.pk}/statements/$"))
    screenshot(page, "01-statements-before")

    page.get_by_test_id("enter-small_enterprise").click()
    # The form adds up as it is filled in.
    page.locator("input[name=line_cash]").fill("200000")
    page.locator("input[name=line_inventories]").fill("400000")
    expect(page.locator("#subtotal-total_current_assets")).to_have_text("600,000.00")
    screenshot(page, "02-entry-form-running-totals")

    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(filled(template, {**FACTORY_2025, "retained_earnings": Decimal(290_000)}, END_2025))
    page.locator("input[name=file]").set_input_files(wrong)
    page.get_by_test_id("upload").click()
    errors = page.get_by_test_id("upload-errors")
    expect(errors).to_contain_text("2,000,000.00")
    expect(errors).to_contain_text("C44")
    screenshot(page, "03-upload-refused-on-its-cell")

    right = tmp_path / "right.xlsx"
    right.write_bytes(filled(template, FACTORY_2025, END_2025))
    page.locator("input[name=file]").set_input_files(right)
    page.get_by_test_id("upload").click()
    expect(page).to_have_url(re.compile(rf"/customers/{bank.factory.pk}/statements/$"))
    expect(page.get_by_test_id("ratio-current_ratio")).to_contain_text("2.00")
    expect(page.get_by_test_id("ratio-revenue_growth")).to_contain_text("66.67%")
    expect(page.get_by_test_id("anomaly-revenue_jump")).to_be_visible()
    expect(page.get_by_test_id("anomaly-receivables_outpace_revenue")).to_be_visible()
    expect(page.get_by_test_id("flows-flag")).to_contain_text("3,600,000.00")
    screenshot(page, "04-ratios-and-flags")

    # The night after: the proposal made before these accounts came in is withdrawn and the
    # nightly step proposes again from the latest data.
    Rating.objects.filter(customer=bank.factory, status=RatingStatus.PROPOSED).delete()
    rating_propose_due(as_of=AS_OF)
    proposed = Rating.objects.get(customer=bank.factory, status=RatingStatus.PROPOSED)
    page.goto(f"{live_server.url}/ratings/")
    page.get_by_role("link", name=bank.factory.name).click()
    expect(page.get_by_test_id("proposed-grade")).to_have_text(proposed.proposed_grade)
    screenshot(page, "05-rating-proposed-from-the-accounts")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("grade-in-force")).to_have_text(proposed.proposed_grade)
    screenshot(page, "06-rating-confirmed")
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decided_by) == (RatingStatus.CONFIRMED, bank.am_b)
