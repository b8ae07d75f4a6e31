"""Credit lines with their annual reviews for the small bank of the tests (rmdesk.core.testing), so
that the route sweep can ask for a review outside a caller's scope, whoever the caller is."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from rmdesk.credit.models import CreditApplication, CreditContract
from rmdesk.credit.reviews import credit_reviews_prepare
from rmdesk.customers.models import Customer
from rmdesk.domain.amortisation import add_months
from rmdesk.domain.lifecycle import CreditState
from rmdesk.products.models import Product


def add_review_examples(*, customers: Iterable[Customer], product: Product, on: datetime.date) -> None:
    """For each of ``customers``, a two-year line signed by its primary manager a year less ten days
    before ``on`` and not drawn yet; then the nightly preparation of ``on``, which gives each line
    its first annual review. The credits are stored as the lifecycle leaves them at signing: the
    steps before are not the point here."""
    signed_on = add_months(on, -12) + datetime.timedelta(days=10)
    for customer in customers:
        customer.refresh_from_db(fields=["primary_manager"])
        manager = customer.primary_manager
        application = CreditApplication.objects.create(
            customer=customer, product=product, amount=Decimal("300000.00"), term_months=12, annual_rate=Decimal("0.0520"),
            repayment_method="equal_instalment", purpose="周转备货", repayment_source="经营收入", industry_code=customer.industry,
            state=CreditState.CONTRACT_SIGNED, originators=[str(manager.pk)], approved_amount=Decimal("300000.00"),
            opened_by=manager, opened_on=signed_on - datetime.timedelta(days=20),
        )
        application.reference = f"SX{signed_on.year}{application.pk:06d}"
        application.save(update_fields=["reference"])
        CreditContract.objects.create(
            application=application, number=f"SXHT{signed_on.year}{application.pk:06d}", signed_on=signed_on, signed_by=manager,
            line_amount=Decimal("300000.00"), valid_from=signed_on, valid_until=add_months(signed_on, 24) - datetime.timedelta(days=1),
            revolving=True, annual_rate=Decimal("0.0520"), repayment_method="equal_instalment",
        )
    credit_reviews_prepare(as_of=on)
