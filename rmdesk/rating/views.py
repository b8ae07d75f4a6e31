"""Screens of the annual re-rating: my re-ratings, one screen per rating, the approval queue, history.

Every object is looked up within the user's scope first (404 alike for missing and not yours);
what a person may do with a rating they can see is then the services' to decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rmdesk.core.routes import scoped_object
from rmdesk.customers.models import Customer
from rmdesk.domain import rating as rules
from rmdesk.rating.display import factor_rows, lift_texts
from rmdesk.rating.forms import AnswersForm, DecisionForm, OverrideForm
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.rating.selectors import (
    approval_queue,
    customer_ratings,
    override_of,
    rating_configuration,
    rating_for_page,
    rerating_queue,
)
from rmdesk.rating.services import (
    rating_answer,
    rating_confirm,
    rating_override_decide,
    rating_override_request,
    rating_result,
)

PAGE_SIZE = 50


@login_required
def rating_queue(request: HttpRequest) -> HttpResponse:
    """My re-ratings: the ratings prepared for the customers in my scope, waiting for a person."""
    page = Paginator(rerating_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rating/queue.html", {"page": page})


def _page(request: HttpRequest, rating: Rating, *, status: int = 200, **forms) -> HttpResponse:
    configuration = rating_configuration()
    card = rating.scorecard.as_rules()
    result = rating_result(rating, card, configuration)
    previous = rating.previous.weighted_points() if rating.previous else None
    override = override_of(rating)
    may_change = rating.status == RatingStatus.PROPOSED and Rating.objects.restrict(request.user, "change").filter(pk=rating.pk).exists()
    may_decide = (
        override is not None
        and rating.status == RatingStatus.OVERRIDE_REQUESTED
        and rules.override_approval_problem(
            requested_by=override.requested_by_id, decided_by=request.user.pk, decider_role=request.user.role_id,
            notches_moved=override.notches, policy=configuration.policy,
        ) is None
    )
    answers = forms.get("answers_form") or AnswersForm(initial=rating.answers, card=card)
    context = {
        "rating": rating,
        "card": card,
        "result": result,
        "rows": factor_rows(card, result, previous),
        "lifts": lift_texts(card, rules.grade_lift(card, result)),
        "band": card.band(result.score_grade),
        "override": override,
        "may_change": may_change,
        "may_decide": may_decide,
        "answers_form": answers,
        "has_questions": bool(answers.fields),
        "override_form": forms.get("override_form") or OverrideForm(initial={"grade": rating.proposed_grade}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "errors": forms.get("errors", []),
    }
    return render(request, "rating/detail.html", context, status=status)


@scoped_object(Rating)
@login_required
def rating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One customer's rating: grade, the factors that moved it, what would lift it, the decisions."""
    return _page(request, rating_for_page(user=request.user, pk=pk))


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@scoped_object(Rating)
@require_POST
@login_required
def rating_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the answers to the qualitative questions; the proposal is rescored with them."""
    rating = rating_for_page(user=request.user, pk=pk)
    form = AnswersForm(request.POST, card=rating.scorecard.as_rules())
    if not form.is_valid():
        return _page(request, rating, status=400, answers_form=form)
    try:
        rating_answer(rating_id=rating.pk, user=request.user, answers=form.cleaned_data)
    except ValidationError as error:
        return _page(request, rating, status=400, answers_form=form, errors=_messages_of(error))
    messages.success(request, _("The answers are saved and the proposal rescored."))
    return redirect("rating_detail", pk=rating.pk)


@scoped_object(Rating)
@require_POST
@login_required
def rating_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the proposed grade."""
    rating = rating_for_page(user=request.user, pk=pk)
    try:
        rating = rating_confirm(rating_id=rating.pk, user=request.user)
    except ValidationError as error:
        return _page(request, rating, status=400, errors=_messages_of(error))
    messages.success(request, _("%(customer)s is rated %(grade)s until %(until)s.") % {
        "customer": rating.customer, "grade": rating.grade, "until": rating.valid_until})
    return redirect("rating_detail", pk=rating.pk)


@scoped_object(Rating)
@require_POST
@login_required
def rating_override(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for another grade than the proposed one, with a reason; it waits for the next level."""
    rating = rating_for_page(user=request.user, pk=pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _page(request, rating, status=400, override_form=form)
    try:
        rating_override_request(rating_id=rating.pk, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _page(request, rating, status=400, override_form=form, errors=_messages_of(error))
    messages.success(request, _("The override waits for the approval of the next level."))
    return redirect("rating_detail", pk=rating.pk)


@scoped_object(Rating)
@require_POST
@login_required
def rating_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The next level approves or rejects an override."""
    rating = rating_for_page(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, rating, status=400, decision_form=form)
    try:
        rating = rating_override_decide(
            rating_id=rating.pk, user=request.user, approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return _page(request, rating, status=400, decision_form=form, errors=_messages_of(error))
    messages.success(request, _("Decided: %(customer)s is rated %(grade)s.") % {"customer": rating.customer, "grade": rating.grade})
    return redirect("rating_approvals")


@login_required
def rating_approvals(request: HttpRequest) -> HttpResponse:
    """Overrides waiting for the decision of the next level, within the user's scope."""
    configuration = rating_configuration()
    overrides = approval_queue(user=request.user, policy=configuration.policy)
    allowed = configuration.policy.approver_notches(request.user.role_id)
    if not allowed and not request.user.sees_unit:
        raise PermissionDenied
    rows = [(override, abs(override.notches) <= allowed) for override in overrides]
    return render(request, "rating/approvals.html", {"overrides": rows, "allowed_notches": allowed})


@scoped_object(Customer)
@login_required
def customer_rating_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every rating of one customer, newest first, with who decided what and why."""
    customer = get_object_or_404(Customer.objects.restrict(request.user), pk=pk)
    return render(request, "rating/history.html", {"customer": customer, "ratings": customer_ratings(user=request.user, customer=customer)})
