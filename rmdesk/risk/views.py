"""Screens of risk after the loan: a loan's risk page, repayments, judgement and its approval,
inspections due, the inspection form, late inspections, and the reserves rolled up.

Every loan is looked up within the user's scope first (404 alike for missing and not yours);
what a person may do with a loan they can see is then the services' to decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rmdesk.core.routes import scoped_object
from rmdesk.domain.repayment import arrears
from rmdesk.credit.models import Loan
from rmdesk.risk.forms import DecisionForm, InspectionForm, ProposalForm, RepaymentForm, RestructuringDecisionForm, RestructuringForm
from rmdesk.risk.models import CategoryChoice, Conclusion, LoanRisk
from rmdesk.risk.selectors import (
    escalated,
    inspection_facts,
    inspections_due,
    loan_in_scope,
    loan_risk_page,
    loans_past_due,
    overdue_inspections,
    penalty_owed,
    pending_proposals,
    provision_roll_up,
    risk_configuration,
    schedule_of,
)
from rmdesk.risk.services import (
    category_decide,
    category_propose,
    inspection_record,
    loan_risk_refresh,
    may_decide,
    repayment_record,
    restructuring_decide,
    restructuring_propose,
)

PAGE_SIZE = 50


def _changeable(request: HttpRequest, pk: int) -> Loan:
    """The loan if the user sees it (else 404) and may change its customer (else 403)."""
    loan = loan_in_scope(user=request.user, pk=pk)
    if not Loan.objects.restrict(request.user, "change").filter(pk=loan.pk).exists():
        raise PermissionDenied
    return loan


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def risk_home(request: HttpRequest) -> HttpResponse:
    """Risk in my scope: the loans past due, and what waits for me."""
    today = timezone.localdate()
    configuration = risk_configuration()
    page = Paginator(loans_past_due(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "due_count": inspections_due(user=request.user, today=today, configuration=configuration).count(),
        "overdue_count": overdue_inspections(user=request.user, today=today, configuration=configuration).count(),
        "proposal_count": pending_proposals(user=request.user).count(),
        "non_performing": LoanRisk.objects.restrict(request.user).filter(
            category__in=[CategoryChoice.SUBSTANDARD, CategoryChoice.DOUBTFUL, CategoryChoice.LOSS], balance__gt=0
        ).count(),
    }
    return render(request, "risk/home.html", context)


def _loan_page(request: HttpRequest, loan: Loan, *, status: int = 200, **forms) -> HttpResponse:
    today = timezone.localdate()
    configuration = risk_configuration()
    page = loan_risk_page(loan=loan, today=today, configuration=configuration)
    changeable = Loan.objects.restrict(request.user, "change").filter(pk=loan.pk).exists()
    context = {
        "p": page,
        "loan": loan,
        "may_change": changeable,
        "may_decide": page.pending is not None and may_decide(user=request.user, proposal=page.pending, configuration=configuration),
        "may_classify": changeable or request.user.role_id in configuration.change_approvers,
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "may_decide_restructuring": page.pending_restructuring is not None
        and may_decide(user=request.user, proposal=page.pending_restructuring, configuration=configuration),
        "restructuring_decision_form": forms.get("restructuring_decision_form") or RestructuringDecisionForm(),
        "today": today,
    }
    return render(request, "risk/loan.html", context, status=status)


@scoped_object(Loan)
@login_required
def loan_risk(request: HttpRequest, pk: int) -> HttpResponse:
    """A loan's risk page: schedule and what is paid, days past due, category with its floor and
    history, reserves, proposals, repayments and inspections."""
    return _loan_page(request, loan_in_scope(user=request.user, pk=pk))


@scoped_object(Loan)
@require_POST
@login_required
def loan_classify(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply the rules to the loan now: its days past due today, its debtor's classification and reserves."""
    loan = loan_in_scope(user=request.user, pk=pk)
    if not (Loan.objects.restrict(request.user, "change").filter(pk=loan.pk).exists() or request.user.role_id in risk_configuration().change_approvers):
        raise PermissionDenied
    risk = loan_risk_refresh(loan_id=loan.pk, as_of=max(timezone.localdate(), loan.status_as_of))
    messages.success(request, _("Classified by the rules today: %(category)s.") % {"category": risk.get_category_display()})
    return redirect("loan_risk", pk=loan.pk)


@scoped_object(Loan)
@login_required
def repayment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a payment received on the loan; it goes to the penalty interest owed, then to the
    oldest instalment due. The form offers what is overdue today, penalty included."""
    loan = _changeable(request, pk)
    today = timezone.localdate()
    schedule = schedule_of(loan.instalments.order_by("number"))
    overdue = arrears(schedule, as_of=today) + penalty_owed(loan, as_of=today)
    form = RepaymentForm(request.POST or None, initial={"amount": overdue or None})
    if request.method == "POST" and form.is_valid():
        try:
            repayment = repayment_record(loan_id=loan.pk, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(amount)s yuan recorded: %(interest)s to interest, %(principal)s to principal.")
                % {"amount": repayment.amount, "interest": repayment.interest, "principal": repayment.principal},
            )
            return redirect("loan_risk", pk=loan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "risk/repayment.html", {"loan": loan, "form": form, "overdue": overdue}, status=status)


@scoped_object(Loan)
@login_required
def category_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose another category for the loan, with a reason; it waits for an approver."""
    loan = _changeable(request, pk)
    configuration = risk_configuration()
    page = loan_risk_page(loan=loan, today=timezone.localdate(), configuration=configuration)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category_propose(loan_id=loan.pk, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The proposal waits for an approver."))
            return redirect("loan_risk", pk=loan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "risk/proposal.html", {"loan": loan, "p": page, "form": form}, status=status)


def _decided(request: HttpRequest, pk: int, form_class, form_name: str, decide):
    """Read a decision form and apply `decide` (a service taking loan_id, user, approve, reason):
    the loan and what was decided, or the loan page again with the form and its refusal."""
    loan = loan_in_scope(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            decided = decide(loan_id=loan.pk, user=request.user, approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return loan, decided, None
    return loan, None, _loan_page(request, loan, status=400, **{form_name: form})


@scoped_object(Loan)
@require_POST
@login_required
def category_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject the proposal waiting on the loan."""
    loan, proposal, refused = _decided(request, pk, DecisionForm, "decision_form", category_decide)
    if refused:
        return refused
    messages.success(request, _("The proposal is %(status)s.") % {"status": proposal.get_status_display().lower()})
    if request.POST.get("next") == "approvals":
        return redirect("category_approvals")
    return redirect("loan_risk", pk=loan.pk)


@login_required
def category_approvals(request: HttpRequest) -> HttpResponse:
    """Changes of category waiting for a decision, in my scope, oldest first."""
    configuration = risk_configuration()
    proposals = list(pending_proposals(user=request.user))
    rows = [(p, may_decide(user=request.user, proposal=p, configuration=configuration)) for p in proposals]
    return render(request, "risk/approvals.html", {"rows": rows, "decision_form": DecisionForm(auto_id=False)})


@login_required
def inspections_due_list(request: HttpRequest) -> HttpResponse:
    """My inspections due: late ones first, then those due within the policy's days ahead."""
    today = timezone.localdate()
    configuration = risk_configuration()
    page = Paginator(inspections_due(user=request.user, today=today, configuration=configuration), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risk/inspections_due.html", {"page": page, "today": today, "days_ahead": configuration.inspection_row.list_days_ahead})


@login_required
def inspections_overdue(request: HttpRequest) -> HttpResponse:
    """Late inspections in my unit, escalated by the inspection policy (the team leader's list)."""
    today = timezone.localdate()
    configuration = risk_configuration()
    page = Paginator(overdue_inspections(user=request.user, today=today, configuration=configuration), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = escalated(page.object_list, today=today, configuration=configuration)
    return render(request, "risk/inspections_overdue.html", {"page": page, "rows": rows, "today": today})


@scoped_object(Loan)
@login_required
def inspection_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection form, pre-filled with what the data says since the last inspection."""
    loan = _changeable(request, pk)
    configuration = risk_configuration()
    today = timezone.localdate()
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_record(loan_id=loan.pk, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The inspection is recorded; the next one is scheduled."))
            if inspection.conclusion == Conclusion.RECLASSIFY:
                return redirect("category_proposal", pk=loan.pk)
            return redirect("loan_risk", pk=loan.pk)
    facts = inspection_facts(user=request.user, loan=loan, today=today, configuration=configuration)
    status = 400 if request.method == "POST" else 200
    return render(request, "risk/inspection.html", {"loan": loan, "form": form, "facts": facts}, status=status)


@login_required
def provisions(request: HttpRequest) -> HttpResponse:
    """Loan-loss reserves in my scope by account manager, by managing unit and in all (risk view)."""
    if not request.user.sees_unit:
        raise PermissionDenied
    return render(request, "risk/provisions.html", {"rollup": provision_roll_up(user=request.user)})


@scoped_object(Loan)
@login_required
def restructuring_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose to restructure the loan (its remaining principal over a new term); another person decides."""
    loan = _changeable(request, pk)
    form = RestructuringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restructuring_propose(loan_id=loan.pk, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The restructuring waits for an approver."))
            return redirect("loan_risk", pk=loan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "risk/restructuring.html", {"loan": loan, "form": form}, status=status)


@scoped_object(Loan)
@require_POST
@login_required
def restructuring_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject the restructuring waiting on the loan."""
    loan, restructuring, refused = _decided(request, pk, RestructuringDecisionForm, "restructuring_decision_form", restructuring_decide)
    if refused:
        return refused
    messages.success(request, _("The restructuring is %(status)s.") % {"status": restructuring.get_status_display().lower()})
    return redirect("loan_risk", pk=loan.pk)
