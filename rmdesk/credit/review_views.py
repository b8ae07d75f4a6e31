"""Screens of the annual reviews of credit lines: the reviews due in my scope, and one review with
the facts and reasons the machine prepared and the form to confirm its outcome.

The review is looked up within the reader's scope first (404 alike for missing and not yours);
whether they may confirm it is the service's to decide, and a refusal is shown on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rmdesk.core.routes import scoped_object
from rmdesk.credit import reviews
from rmdesk.credit.models import CreditLineReview, ReviewOutcomeChoice
from rmdesk.credit.review_forms import ReviewConfirmForm
from rmdesk.credit.review_selectors import may_confirm, review_for_page, reviews_of

PAGE_SIZE = 50


@require_GET
@login_required
def credit_reviews(request: HttpRequest) -> HttpResponse:
    """The annual reviews of the lines in my scope, the earliest due first; waiting ones only, unless all are asked for."""
    show_all = request.GET.get("all") == "1"
    page = Paginator(reviews_of(user=request.user, open_only=not show_all), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/reviews.html", {"page": page, "show_all": show_all})


@scoped_object(CreditLineReview)
@login_required
def credit_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One annual review: the facts and reasons prepared, and (POST) the confirmation of its outcome."""
    review = review_for_page(user=request.user, pk=pk)
    form = ReviewConfirmForm(request.POST or None, initial={"outcome": review.recommended})
    if request.method == "POST" and form.is_valid():
        try:
            reviews.credit_review_confirm(
                review_id=review.pk, user=request.user, outcome=form.cleaned_data["outcome"], opinion=form.cleaned_data["opinion"]
            )
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("Review confirmed: %(outcome)s.") % {"outcome": ReviewOutcomeChoice(form.cleaned_data["outcome"]).label})
            return redirect("credit_review", pk=review.pk)
    context = {
        "review": review,
        "contract": review.contract,
        "application": review.contract.application,
        "customer": review.contract.application.customer,
        "form": form,
        "may_confirm": may_confirm(user=request.user, review=review),
    }
    return render(request, "credit/review.html", context, status=400 if form.errors else 200)
