"""Positions: deposits, loans and value tier recomputed from open holdings in one statement."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rmdesk.customers.models import Customer, Tier
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


def test_positions_refresh_is_one_statement_whatever_the_number_of_customers(bank):
    with CaptureQueriesContext(connection) as captured:
        positions_refresh(as_of=AS_OF)
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
    assert len(statements) == 1
    assert statements[0].lstrip().upper().startswith("UPDATE")
