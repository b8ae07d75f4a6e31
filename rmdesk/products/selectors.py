"""Reads of holdings and transactions, through the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from rmdesk.customers.models import Customer
from rmdesk.org.models import User
from rmdesk.products.models import Holding, Transaction

RECENT_TRANSACTIONS = 50


def holdings_of(*, user: User, customer: Customer) -> QuerySet[Holding]:
    """The customer's holdings, open first, with their products."""
    return (
        Holding.objects.restrict(user)
        .filter(customer=customer)
        .select_related("product")
        .order_by("closed_on", "product__family", "opened_on")
    )


def recent_transactions_of(*, user: User, customer: Customer, limit: int = RECENT_TRANSACTIONS) -> list[Transaction]:
    """The customer's latest transactions, newest first."""
    return list(
        Transaction.objects.restrict(user)
        .filter(customer=customer)
        .select_related("holding__product")
        .order_by("-booked_on", "-pk")[:limit]
    )
