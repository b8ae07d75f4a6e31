"""The statement screens: scope, errors on their lines, the page with ratios and flags."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from rmdesk.customers.models import FinancialStatement
from rmdesk.products.models import Holding, Transaction
from rmdesk.statements.forms import field_name
from rmdesk.statements.services import statement_record
from rmdesk.statements.tests.factories import (
    END_2024,
    END_2025,
    FACTORY_2024,
    FACTORY_2025,
    FARM_2025,
)

@pytest.fixture
def client():
    """Pages in English, the language these assertions are written in."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


ROUTES = ("statements", "statement_new", "statement_template", "statement_upload", "statement_subtotals")


def form_data(amounts, *, end=END_2025, **extra):
    data = {"period_end": end.isoformat(), "period_months": "12", **extra}
    data.update({field_name(code): str(amount) for code, amount in amounts.items()})
    return data


def two_years(bank):
    for end, amounts in ((END_2024, FACTORY_2024), (END_2025, FACTORY_2025)):
        statement_record(
            customer=bank.factory,
            user=bank.am_b,
            basis="small_enterprise",
            period_end=end,
            period_months=12,
            audited=False,
            amounts=amounts,
        )


@pytest.mark.parametrize("route", ROUTES)
def test_a_customer_outside_the_book_is_not_found_on_every_statement_route(client, bank, route):
    client.force_login(bank.am_a)
    url = reverse(route, kwargs={"pk": bank.factory.pk})
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code in (404, 405)
    assert client.get(url).status_code == 404 or client.post(url).status_code == 404


def test_who_reads_but_does_not_change_customers_sees_statements_but_cannot_enter_them(client, bank):
    two_years(bank)
    client.force_login(bank.risk)
    assert client.get(reverse("statements", kwargs={"pk": bank.factory.pk})).status_code == 200
    assert client.get(reverse("statement_new", kwargs={"pk": bank.factory.pk})).status_code == 403
    assert client.post(reverse("statement_new", kwargs={"pk": bank.factory.pk}), form_data(FACTORY_2025)).status_code == 403


def test_an_unbalanced_statement_is_refused_with_the_error_on_the_wrong_line(client, bank):
    client.force_login(bank.am_b)
    url = reverse("statement_new", kwargs={"pk": bank.factory.pk})
    response = client.post(url, form_data({**FACTORY_2025, "retained_earnings": Decimal(290_000)}))
    assert response.status_code == 400
    page = response.content.decode()
    row = page[page.index('data-testid="line-total_liabilities_and_equity"') :]
    row = row[: row.index("</tr>")]
    assert "does not balance" in row and "1,990,000.00" in row
    assert not FinancialStatement.objects.exists()


def test_a_bad_number_is_shown_on_its_line(client, bank):
    client.force_login(bank.am_b)
    response = client.post(
        reverse("statement_new", kwargs={"pk": bank.factory.pk}), form_data({**FACTORY_2025, "inventories": "lots"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    row = page[page.index('data-testid="line-inventories"') :]
    assert "errorlist" in row[: row.index("</tr>")]


def test_a_valid_statement_is_saved_and_the_page_shows_it(client, bank):
    client.force_login(bank.am_b)
    response = client.post(reverse("statement_new", kwargs={"pk": bank.factory.pk}), form_data(FACTORY_2025))
    assert response.status_code == 302 and response.url == reverse("statements", kwargs={"pk": bank.factory.pk})
    assert FinancialStatement.objects.get().lines.get(code="total_assets").amount == Decimal("2000000.00")


def test_a_duplicate_period_in_the_form_asks_for_replacement_then_replaces(client, bank):
    two_years(bank)
    client.force_login(bank.am_b)
    url = reverse("statement_new", kwargs={"pk": bank.factory.pk})
    changed = {**FACTORY_2025, "cash": Decimal(210_000), "cash_begin": Decimal(200_000), "retained_earnings": Decimal(310_000)}
    response = client.post(url, form_data(changed))
    assert response.status_code == 400 and "already on file" in response.content.decode()
    assert client.post(url, form_data(changed, replace="on", reason="audited")).status_code == 302
    assert FinancialStatement.objects.get(period_end=END_2025).lines.get(code="cash").amount == Decimal("210000.00")


def test_subtotals_are_computed_while_the_form_is_filled(client, bank):
    client.force_login(bank.am_b)
    response = client.post(
        reverse("statement_subtotals", kwargs={"pk": bank.factory.pk}),
        {field_name("cash"): "100", field_name("inventories"): "250.50", field_name("revenue"): "x"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert '<output id="subtotal-total_current_assets" hx-swap-oob="true">350.50</output>' in page


def test_the_statements_page_shows_ratios_trends_benchmarks_and_flags(client, bank):
    two_years(bank)
    client.force_login(bank.am_b)
    page = client.get(reverse("statements", kwargs={"pk": bank.factory.pk})).content.decode()
    current = page[page.index('data-testid="ratio-current_ratio"') :]
    current = current[: current.index("</tr>")]
    assert "2.00" in current  # 1,000,000 / 500,000 in 2025
    growth = page[page.index('data-testid="ratio-revenue_growth"') :]
    assert "20.00%" in growth[: growth.index("</tr>")]
    debt = page[page.index('data-testid="ratio-debt_to_assets"') :]
    debt = debt[: debt.index("</tr>")]
    # 71.39% in 2024, 60.00% in 2025: improving; between the quartiles 40 and 68 of all industries: typical.
    assert "71.39%" in debt and "60.00%" in debt and "improving" in debt and "typical" in debt
    # Receivables up 50% against revenue up 20%: 30 points, not more than the 30-point threshold; net profit up 50%: no jump.
    assert 'data-testid="anomaly-' not in page


def test_the_statements_page_compares_revenue_with_the_inflows_seen_here(client, bank):
    """The factory reports 3,000,000 for 2025, but 3,650,000 came in here from its customers."""
    two_years(bank)
    deposit = Holding.objects.get(customer=bank.factory)
    for day, amount, name in (
        (datetime.date(2025, 3, 1), "3000000.00", "县建材公司"),
        (datetime.date(2025, 9, 1), "650000.00", "县家具城"),
        (datetime.date(2025, 10, 1), "900000.00", bank.factory.name),
    ):
        Transaction.objects.create(
            holding=deposit,
            customer=bank.factory,
            booked_on=day,
            amount=Decimal(amount),
            direction="C",
            counterparty_name=name,
            channel="interbank",
            purpose="sales",
        )
    client.force_login(bank.am_b)
    page = client.get(reverse("statements", kwargs={"pk": bank.factory.pk})).content.decode()
    flows = page[page.index('data-testid="flows"') :]
    flows = flows[: flows.index("</table>")]
    assert "3,650,000.00" in flows  # the transfer from its own name is not income
    assert 'data-testid="flows-flag"' in flows


def test_the_customer_page_links_to_the_statements(client, bank):
    two_years(bank)
    client.force_login(bank.am_b)
    page = client.get(reverse("customer_detail", kwargs={"pk": bank.factory.pk})).content.decode()
    section = page[page.index('id="statements"') :]
    section = section[: section.index("</section>")]
    assert reverse("statements", kwargs={"pk": bank.factory.pk}) in section and section.count("<tr>") == 2


def test_a_household_page_shows_the_seasonal_cash_flow(client, bank):
    statement_record(
        customer=bank.farmer,
        user=bank.am_a,
        basis="household",
        period_end=END_2025,
        period_months=12,
        audited=False,
        amounts=FARM_2025,
    )
    client.force_login(bank.am_a)
    page = client.get(reverse("statements", kwargs={"pk": bank.farmer.pk})).content.decode()
    seasonal = page[page.index('data-testid="seasonal"') :]
    # April and May are each 40,000 short (45,000 out, 5,000 in); every other month breaks even or better.
    assert "80,000.00" in seasonal[: seasonal.index("</section>")]
