"""Writes over holdings: refreshing the positions that books and pages show."""

from __future__ import annotations

import datetime

from django.db import connection, transaction

from rmdesk.customers.models import Customer
from rmdesk.customers.services import book_positions_lock, book_positions_refresh
from rmdesk.domain.tiers import DEFAULT_TIER_POLICY, TierPolicy
from rmdesk.products.models import Holding, Product, ProductFamily


def _sum_of(families) -> tuple[str, list[str]]:
    """SQL of the open balance of `families` summed per customer, and its parameters."""
    families = sorted(families)
    marks = ", ".join(["%s"] * len(families))
    return f"COALESCE(SUM(CASE WHEN p.family IN ({marks}) THEN h.balance END), 0)", families


@transaction.atomic
def positions_refresh(*, as_of: datetime.date, policy: TierPolicy = DEFAULT_TIER_POLICY) -> int:
    """Recompute every customer's deposits, loans and value tier from open holdings.

    Deposits are deposit holdings; loans are what is owed on loans, discounted bills and cards;
    the tier follows assets under management (deposits and wealth products) by the bank's tier
    policy. Then the book positions of `as_of` are added up from the customers
    (`rmdesk.customers.services.book_positions_refresh`). Returns the customers refreshed.

    One UPDATE over the whole table joined to one pass of aggregation over the open holdings,
    never one query per customer, nor one subquery per customer (which at county scale is
    three index probes for each of 200,000 customers).
    """
    book_positions_lock()
    deposits, deposit_families = _sum_of({ProductFamily.DEPOSIT})
    loans, loan_families = _sum_of(ProductFamily.credit_families())
    aum, aum_families = _sum_of({ProductFamily.DEPOSIT, ProductFamily.WEALTH})
    # The minimum is cast because SQLite binds a Decimal as text, which no number equals.
    tier_cases = " ".join("WHEN s.aum >= CAST(%s AS NUMERIC) THEN %s" for _ in policy.tiers[:-1])
    tier_params = [value for code, minimum in policy.tiers[:-1] for value in (minimum, code)]
    customer, holding, product = Customer._meta.db_table, Holding._meta.db_table, Product._meta.db_table
    # UPDATE ... FROM is PostgreSQL's, and SQLite's from 3.33.
    sql = f"""
        UPDATE {customer}
        SET deposit_balance = s.deposits, loan_balance = s.loans, positions_as_of = %s,
            tier = CASE {tier_cases} ELSE %s END
        FROM (
            SELECT c.id AS customer_id, {deposits} AS deposits, {loans} AS loans, {aum} AS aum
            FROM {customer} c
            LEFT JOIN {holding} h ON h.customer_id = c.id AND h.closed_on IS NULL
            LEFT JOIN {product} p ON p.id = h.product_id
            GROUP BY c.id
        ) s
        WHERE {customer}.id = s.customer_id
    """
    params = [as_of, *tier_params, policy.codes[-1], *deposit_families, *loan_families, *aum_families]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        refreshed = cursor.rowcount
    book_positions_refresh(as_of=as_of)
    return refreshed
