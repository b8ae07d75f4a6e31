"""Writes over holdings: refreshing the positions that books and pages show."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, DecimalField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from rmdesk.customers.models import Customer
from rmdesk.domain.tiers import DEFAULT_TIER_POLICY, TierPolicy
from rmdesk.products.models import Holding, ProductFamily

_MONEY = DecimalField(max_digits=18, decimal_places=2)


def _open_balance_of(families) -> Coalesce:
    balances = (
        Holding.objects.filter(customer=OuterRef("pk"), closed_on__isnull=True, product__family__in=list(families))
        .order_by()
        .values("customer")
        .annotate(total=Sum("balance"))
        .values("total")
    )
    return Coalesce(Subquery(balances, output_field=_MONEY), Value(Decimal(0)), output_field=_MONEY)


@transaction.atomic
def positions_refresh(*, as_of: datetime.date, policy: TierPolicy = DEFAULT_TIER_POLICY) -> int:
    """Recompute every customer's deposits, loans and value tier from open holdings.

    Deposits are deposit holdings; loans are what is owed on loans, discounted bills and cards;
    the tier follows assets under management (deposits and wealth products) by the bank's tier
    policy. One UPDATE over the whole table, never one query per customer.
    """
    aum = _open_balance_of({ProductFamily.DEPOSIT, ProductFamily.WEALTH})
    tier = Case(
        *(When(then=Value(code), aum__gte=minimum) for code, minimum in policy.tiers[:-1]),
        default=Value(policy.codes[-1]),
    )
    return (
        Customer.objects.annotate(aum=aum)
        .update(
            deposit_balance=_open_balance_of({ProductFamily.DEPOSIT}),
            loan_balance=_open_balance_of(ProductFamily.credit_families()),
            tier=tier,
            positions_as_of=as_of,
        )
    )
