"""A credit line with its annual review for the small bank of the tests (rmdesk.core.testing), so
that the route sweep can ask for a review outside a caller's scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

from rmdesk.credit.models import CreditApplication, CreditContract, CreditLineReview
from rmdesk.credit.reviews import credit_reviews_prepare
from rmdesk.customers.models import Customer
from rmdesk.domain.amortisation import add_months
from rmdesk.domain.lifecycle import CreditState
from rmdesk.org.models import User
from rmdesk.products.models import Product


def add_review_example(*, customer: Customer, product: Product, manager: User, on: datetime.date) -> CreditLineReview:
    """A two-year line of ``customer``, signed by ``manager`` a year less ten days before ``on`` and
    not drawn yet, and its first annual review as the nightly run of ``on`` prepares it. The
    credit is stored as the lifecycle leaves it at signing: the steps before are not the point."""
    signed_on = add_months(on, -12) + datetime.timedelta(days=10)
    application = CreditApplication.objects.create(
        customer=customer, product=product, amount=Decimal("300000.00"), term_months=12, annual_rate=Decimal("0.0520"),
        repayment_method="equal_instalment", purpose="周转备货", repayment_source="经营收入", industry_code=customer.industry,
        state=CreditState.CONTRACT_SIGNED, originators=[str(manager.pk)], approved_amount=Decimal("300000.00"),
        opened_by=manager, opened_on=signed_on - datetime.timedelta(days=20),
    )
    application.reference = f"SX{signed_on.year}{application.pk:06d}"
    application.save(update_fields=["reference"])
    contract = CreditContract.objects.create(
        application=application, number=f"SXHT{signed_on.year}{application.pk:06d}", signed_on=signed_on, signed_by=manager,
        line_amount=Decimal("300000.00"), valid_from=signed_on, valid_until=add_months(signed_on, 24) - datetime.timedelta(days=1),
        revolving=True, annual_rate=Decimal("0.0520"), repayment_method="equal_instalment",
    )
    credit_reviews_prepare(as_of=on)
    return CreditLineReview.objects.get(contract=contract)
