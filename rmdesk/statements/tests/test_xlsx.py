"""The XLSX template: download, fill in with openpyxl, upload; errors name sheet, cell and line."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from rmdesk.customers.models import FinancialStatement
from rmdesk.statements.tests.factories import END_2025, FACTORY_2025, FARM_2025
from rmdesk.statements.xlsx import read_statement_workbook


def fill(template: bytes, amounts, *, period_end=END_2025, **header) -> bytes:
    """The template with the header and the amounts filled in, by the codes in column A."""
    workbook = load_workbook(io.BytesIO(template))
    values = {"period_end": period_end, **header}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_col=3):
            code = row[0].value
            if code in values:
                row[2].value = values[code]
            elif code in amounts:
                row[2].value = amounts[code] if isinstance(amounts[code], str) else float(amounts[code])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(client, customer, basis="small_enterprise") -> bytes:
    response = client.get(reverse("statement_template", kwargs={"pk": customer.pk}), {"basis": basis})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def upload(client, customer, content: bytes, **extra):
    return client.post(
        reverse("statement_upload", kwargs={"pk": customer.pk}),
        {"file": SimpleUploadedFile("statement.xlsx", content), **extra},
    )


def test_the_template_is_labelled_in_the_users_language_with_codes_and_formulas(client, bank):
    client.force_login(bank.am_b)
    workbook = load_workbook(io.BytesIO(download(client, bank.factory)))
    header, balance_sheet, income, cash_flow = workbook.worksheets
    assert header["C3"].value == bank.factory.number and header["C5"].value == "small_enterprise"
    rows = {row[0].value: row for row in balance_sheet.iter_rows(min_row=1, max_col=3)}
    assert rows["cash"][1].value == "货币资金"
    assert rows["fixed_assets_net"][2].value.startswith("=") and "-C" in rows["fixed_assets_net"][2].value
    assert {row[0].value for row in cash_flow.iter_rows(min_row=1, max_col=1)} >= {"cf_sales_receipts", "cash_end"}
    client.post(reverse("set_language"), {"language": "en"})
    english = load_workbook(io.BytesIO(download(client, bank.factory))).worksheets[1]
    assert {row[0].value: row[1].value for row in english.iter_rows(min_row=1, max_col=2)}["cash"] == "Cash and bank balances"


def test_a_filled_template_uploads_as_the_statement(client, bank):
    client.force_login(bank.am_b)
    response = upload(client, bank.factory, fill(download(client, bank.factory), FACTORY_2025, audited="是"))
    assert response.status_code == 302
    statement = FinancialStatement.objects.get()
    assert (statement.period_end, statement.period_months, statement.audited) == (END_2025, 12, True)
    lines = dict(statement.lines.values_list("code", "amount"))
    assert lines["total_assets"] == Decimal("2000000.00") and lines["net_operating_cash_flow"] == Decimal("250000.00")


def test_a_household_template_with_its_months_uploads(client, bank):
    client.force_login(bank.am_a)
    response = upload(client, bank.farmer, fill(download(client, bank.farmer, "household"), FARM_2025))
    assert response.status_code == 302
    assert FinancialStatement.objects.get().lines.get(code="seasonal_outflows").amount == Decimal("140000.00")


def test_a_cell_that_is_not_an_amount_is_named_by_sheet_cell_and_line(client, bank):
    client.force_login(bank.am_b)
    response = upload(client, bank.factory, fill(download(client, bank.factory), {**FACTORY_2025, "inventories": "四十万"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "资产负债表" in page or "Balance sheet" in page
    assert "C9" in page and "存货" in page and "四十万" in page
    assert not FinancialStatement.objects.exists()


def test_an_unbalanced_upload_names_the_cell_of_the_wrong_line(client, bank):
    client.force_login(bank.am_b)
    template = download(client, bank.factory)
    parsed = read_statement_workbook(fill(template, FACTORY_2025))
    sheet, cell = parsed.cells["total_liabilities_and_equity"]
    response = upload(client, bank.factory, fill(template, {**FACTORY_2025, "retained_earnings": Decimal(290_000)}))
    assert response.status_code == 400
    errors = response.content.decode().split('data-testid="upload-errors"')[1].split("</ul>")[0]
    assert sheet in errors and cell in errors and "2,000,000.00" in errors
    assert not FinancialStatement.objects.exists()


def test_a_subtotal_typed_over_its_formula_is_checked(client, bank):
    client.force_login(bank.am_b)
    response = upload(
        client, bank.factory, fill(download(client, bank.factory), {**FACTORY_2025, "total_current_assets": Decimal(1)})
    )
    assert response.status_code == 400
    assert "1,000,000.00" in response.content.decode()


def test_a_template_of_another_customer_is_refused(client, bank):
    client.force_login(bank.am_b)
    content = fill(download(client, bank.factory), FACTORY_2025)
    client.force_login(bank.am_a)
    response = upload(client, bank.shop, content)
    assert response.status_code == 400 and bank.factory.number in response.content.decode()
    assert not FinancialStatement.objects.exists()


def test_the_same_period_uploaded_again_is_refused_unless_replaced_with_a_reason(client, bank):
    client.force_login(bank.am_b)
    template = download(client, bank.factory)
    assert upload(client, bank.factory, fill(template, FACTORY_2025)).status_code == 302
    changed = fill(
        template,
        {**FACTORY_2025, "cash": Decimal(210_000), "cash_begin": Decimal(200_000), "retained_earnings": Decimal(310_000)},
    )
    assert upload(client, bank.factory, changed).status_code == 400
    assert upload(client, bank.factory, changed, replace="on").status_code == 400
    assert upload(client, bank.factory, changed, replace="on", reason="audited version").status_code == 302
    assert FinancialStatement.objects.get().lines.get(code="cash").amount == Decimal("210000.00")


def test_a_file_that_is_not_a_workbook_is_refused(client, bank):
    client.force_login(bank.am_b)
    response = upload(client, bank.factory, b"period,revenue\n2025-12-31,100\n")
    assert response.status_code == 400 and 'data-testid="upload-errors"' in response.content.decode()


def test_a_date_typed_as_text_is_read(client, bank):
    client.force_login(bank.am_b)
    parsed = read_statement_workbook(fill(download(client, bank.factory), FACTORY_2025, period_end="2025-12-31"))
    assert parsed.period_end == datetime.date(2025, 12, 31) and parsed.errors == []
