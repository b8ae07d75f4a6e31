"""Statements for the small bank's rated customers, so that ratios have something to work on."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F

from rmdesk.core.testing import AS_OF
from rmdesk.credit.models import Instalment
from rmdesk.customers.models import FinancialStatement, FinancialStatementLine
from rmdesk.domain.statements import StatementBasis, statement_totals
from rmdesk.rating.models import Rating

FACTORY_2025 = {
    "cash": "500000", "accounts_receivable": "800000", "inventories": "600000", "fixed_assets_cost": "3000000",
    "accumulated_depreciation": "1000000", "short_term_borrowings": "900000", "accounts_payable": "700000",
    "long_term_borrowings": "500000", "paid_in_capital": "1500000", "retained_earnings": "300000",
    "revenue": "5000000", "cost_of_sales": "3800000", "administrative_expenses": "400000", "finance_expenses": "90000",
    "income_tax_expense": "35550",
}
FACTORY_2024 = {
    **FACTORY_2025, "revenue": "4500000", "cost_of_sales": "3500000", "accounts_receivable": "700000", "retained_earnings": "200000",
    "cash": "400000",
}
FARMER_2025 = {
    "cash_and_deposits": "82000", "farm_inventory": "30000", "machinery_and_equipment": "60000", "residential_property": "300000",
    "loans_this_bank": "200000", "private_borrowings": "20000", "net_worth": "252000",
    "crop_income": "180000", "transfer_income": "5000", "production_costs": "90000", "living_expenses": "40000", "interest_expenses": "6000",
}


def add_statement(customer, basis: StatementBasis, period_end: datetime.date, details: dict[str, str]) -> FinancialStatement:
    """A statement whose subtotals are those of its detail lines (it balances only if they do)."""
    amounts = {code: Decimal(v) for code, v in details.items()}
    statement = FinancialStatement.objects.create(customer=customer, basis=basis, period_end=period_end)
    lines = {**amounts, **statement_totals(basis, amounts)}
    FinancialStatementLine.objects.bulk_create(FinancialStatementLine(statement=statement, code=c, amount=a) for c, a in lines.items())
    return statement


@pytest.fixture
def rated_bank(bank):
    """The small bank, before its nightly proposal, with the factory's last two years and the farmer's year."""
    Rating.objects.all().delete()
    add_statement(bank.factory, StatementBasis.SMALL_ENTERPRISE, datetime.date(2025, 12, 31), FACTORY_2025)
    add_statement(bank.factory, StatementBasis.SMALL_ENTERPRISE, datetime.date(2024, 12, 31), FACTORY_2024)
    add_statement(bank.farmer, StatementBasis.HOUSEHOLD, datetime.date(2026, 2, 28), FARMER_2025)
    # The farmer has paid every instalment on its due date so far.
    Instalment.objects.filter(loan=bank.loan, due_on__lte=AS_OF).update(
        principal_paid=F("principal_due"), interest_paid=F("interest_due"), settled_on=F("due_on")
    )
    bank.as_of = AS_OF
    return bank
