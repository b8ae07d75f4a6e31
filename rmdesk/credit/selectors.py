"""Reads of loans, through the user's scope."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from rmdesk.credit.models import Instalment, Loan
from rmdesk.customers.models import Customer
from rmdesk.org.models import User


def loans_with_schedules(*, user: User, customer: Customer) -> QuerySet[Loan]:
    """The customer's loans, newest first, each with its repayment schedule."""
    return (
        Loan.objects.restrict(user)
        .filter(customer=customer)
        .select_related("holding__product")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
    )
