"""The small bank with its loans current, and a second borrower with two loans for the debtor rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import F

from rmdesk.core.testing import AS_OF
from rmdesk.credit.models import Instalment, Loan
from rmdesk.domain.amortisation import RepaymentMethod, repayment_schedule
from rmdesk.products.models import Holding, Product, ProductFamily


def add_loan(customer, *, number: str, principal: str, disbursed_on: datetime.date, months: int = 12, rate: str = "0.0600") -> Loan:
    """A loan with its account and monthly schedule (equal principal), nothing paid yet."""
    product, _ = Product.objects.get_or_create(
        code="LN-BIZ", defaults={"family": ProductFamily.LOAN, "name_zh": "经营贷款", "name_en": "Business loan"}
    )
    holding = Holding.objects.create(
        customer=customer, product=product, account_number=f"LN{number}", opened_on=disbursed_on,
        balance=Decimal(principal), balance_as_of=AS_OF,
    )
    first_due = disbursed_on.replace(month=disbursed_on.month % 12 + 1, year=disbursed_on.year + (disbursed_on.month == 12))
    loan = Loan.objects.create(
        holding=holding, customer=customer, contract_number=f"HT{number}", principal=Decimal(principal), annual_rate=Decimal(rate),
        term_months=months, repayment_method=RepaymentMethod.EQUAL_PRINCIPAL, guarantee_kind="mortgage", purpose="流动资金",
        disbursed_on=disbursed_on, maturity_on=disbursed_on + datetime.timedelta(days=31 * months),
        outstanding_principal=Decimal(principal), status_as_of=AS_OF,
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, number=i.number, due_on=i.due_date, principal_due=i.principal, interest_due=i.interest)
        for i in repayment_schedule(
            principal=loan.principal, annual_rate=loan.annual_rate, months=months, method=RepaymentMethod.EQUAL_PRINCIPAL, first_due_date=first_due
        )
    )
    return loan


def pay_on_due_dates(loan: Loan, *, through: datetime.date) -> None:
    """Every instalment of `loan` due by `through` paid in full on its due day."""
    Instalment.objects.filter(loan=loan, due_on__lte=through).update(
        principal_paid=F("principal_due"), interest_paid=F("interest_due"), settled_on=F("due_on")
    )
    paid = sum(i.principal_paid for i in loan.instalments.all())
    Loan.objects.filter(pk=loan.pk).update(outstanding_principal=loan.principal - paid)
    loan.refresh_from_db()


@pytest.fixture
def risk_bank(bank):
    """The small bank on 2026-10-31 with the farmer's loan paid to date (next instalment due
    2026-11-10), and the factory owing two loans: one current, one with nothing paid since June."""
    pay_on_due_dates(bank.loan, through=AS_OF)
    bank.factory_loan = add_loan(bank.factory, number="2026100", principal="900000.00", disbursed_on=datetime.date(2026, 1, 15))
    pay_on_due_dates(bank.factory_loan, through=AS_OF)
    bank.factory_old = add_loan(bank.factory, number="2025200", principal="120000.00", disbursed_on=datetime.date(2025, 12, 5))
    pay_on_due_dates(bank.factory_old, through=datetime.date(2026, 6, 5))
    bank.as_of = AS_OF
    return bank
