"""Positions: deposits, loans and value tier recomputed from open holdings in one statement."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rmdesk.core.testing import resident_id
from rmdesk.customers.models import Customer, CustomerKind, Tier
from rmdesk.customers.services import customer_create
from rmdesk.products.models import Holding, Product, ProductFamily
from rmdesk.products.services import positions_refresh

AS_OF = datetime.date(2026, 11, 30)


def test_positions_sum_open_deposits_and_credit_holdings(bank):
    positions_refresh(as_of=AS_OF)
    farmer = Customer.objects.get(pk=bank.farmer.pk)
    assert farmer.deposit_balance == Decimal("82000.50")
    assert farmer.loan_balance == Decimal("200000.00")
    assert farmer.positions_as_of == AS_OF


def test_closed_holdings_no_longer_count(bank):
    Holding.objects.filter(customer=bank.farmer, product__family=ProductFamily.DEPOSIT).update(closed_on=AS_OF)
    positions_refresh(as_of=AS_OF)
    assert Customer.objects.get(pk=bank.farmer.pk).deposit_balance == 0


def test_tier_follows_assets_under_management_including_wealth(bank):
    wealth = Product.objects.create(code="WM-01", family=ProductFamily.WEALTH, name_zh="稳享理财", name_en="Steady wealth")
    Holding.objects.create(
        customer=bank.teacher, product=wealth, account_number="WM0001", opened_on=AS_OF, balance=Decimal("600000.00")
    )
    positions_refresh(as_of=AS_OF)
    tiers = dict(Customer.objects.values_list("name", "tier"))
    assert tiers["刘芳"] == Tier.WEALTH
    assert tiers["张大山"] == Tier.AFFLUENT
    assert tiers["青石镇刘记五金店"] == Tier.MASS
    assert tiers["柳河竹木制品有限公司"] == Tier.WEALTH


def _statements_of_a_refresh() -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        positions_refresh(as_of=AS_OF)
    return [
        q["sql"].strip() for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN", "LOCK"))
    ]


def test_positions_refresh_is_the_same_few_statements_whatever_the_number_of_customers(bank):
    few = _statements_of_a_refresh()
    for n in range(30):
        customer_create(
            kind=CustomerKind.INDIVIDUAL, name=f"测试客户{n:03d}", id_number=resident_id(f"33018119900101{n:03d}"),
            primary_manager=bank.am_a, created_by=bank.am_a, customer_since=datetime.date(2024, 1, 1),
        )
    more = _statements_of_a_refresh()
    assert len(more) == len(few) == 3
    assert [sql.split()[0].upper() for sql in more] == ["UPDATE", "DELETE", "INSERT"]
