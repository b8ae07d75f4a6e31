"""Reads of the annual reviews of credit lines, through the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rmdesk.credit.models import CreditLineReview
from rmdesk.org.models import User


def reviews_of(*, user: User, open_only: bool = True) -> QuerySet[CreditLineReview]:
    """The annual reviews of the lines in `user`'s scope, the earliest due first; by default only
    those nobody has confirmed yet."""
    reviews = CreditLineReview.objects.restrict(user).select_related(
        "contract", "contract__application", "contract__application__customer", "confirmed_by"
    )
    if open_only:
        reviews = reviews.filter(confirmed_on__isnull=True)
    return reviews.order_by("due_on", "pk")


def review_for_page(*, user: User, pk: int) -> CreditLineReview:
    """One review with what its page shows, or 404 when missing or outside `user`'s scope."""
    reviews = CreditLineReview.objects.restrict(user).select_related(
        "contract", "contract__application", "contract__application__customer", "contract__application__product", "confirmed_by"
    )
    return get_object_or_404(reviews, pk=pk)


def may_confirm(*, user: User, review: CreditLineReview) -> bool:
    """Whether `user` may confirm `review`: it waits, and they may change the customer."""
    return not review.confirmed and CreditLineReview.objects.restrict(user, "change").filter(pk=review.pk).exists()
