"""Marketing records for the small bank of the tests (rmdesk.core.testing): one of each kind that
has a page of its own, so that the route sweep can ask for one outside a caller's scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from rmdesk.customers.models import Customer
from rmdesk.marketing.models import Campaign
from rmdesk.marketing.services import lead_create, opportunity_create
from rmdesk.org.models import User
from rmdesk.products.models import Product


def add_marketing_examples(*, customer: Customer, product: Product, manager: User, on: datetime.date) -> None:
    """An opportunity for ``customer``, a lead they referred to ``manager``, and a campaign run
    by ``manager``'s unit, all as of ``on``."""
    opportunity_create(
        customer_id=customer.pk, user=manager, product_id=product.pk, amount=Decimal("50000.00"),
        expected_on=on + datetime.timedelta(days=30), on=on,
    )
    lead_create(user=manager, name="王小明", kind="individual", source="customer_referral", referred_by_customer_id=customer.pk, on=on)
    Campaign.objects.create(
        name="秋收存款季", product=product, org_unit=manager.org_unit, starts_on=on, ends_on=on + datetime.timedelta(days=60),
        segment_as_of=on, created_by=manager, created_at=timezone.now(),
    )
