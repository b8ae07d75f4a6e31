"""Screens of credit: my applications, a new application, the application page with its actions and
history, the investigation and its report, the policy check, the approval queue, the credit memo,
the contract and the drawdowns, and delegation while away.

Every object is looked up within the user's scope first (404 alike for missing and not yours);
what a person may do with a credit they can see is the services' and the domain's to decide, and
a refusal is shown with its message on the page it came from.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from rmdesk.core.routes import scoped_object
from rmdesk.credit import services
from rmdesk.credit.display import ACTION_VERBS, rule_rows, state_label
from rmdesk.credit.forms import (
    ApplicationForm,
    CollateralForm,
    ContractForm,
    DecisionForm,
    DelegationForm,
    DrawdownForm,
    FileForm,
    GuarantorForm,
    InvestigationForm,
    ListingEndForm,
    ReasonForm,
    RelatedPartyForm,
)
from rmdesk.credit.memo import MEMO_LANGUAGES, credit_memo_pdf
from rmdesk.credit.models import CreditApplication, CreditContract, Investigation, RelatedParty
from rmdesk.credit.selectors import (
    application_for_page,
    applications_of,
    approval_queue,
    credit_policy,
    customer_credit,
    delegates_for,
    delegations_of,
    guarantor_figures,
    history_of,
    investigation_of,
    latest_policy_check,
    level_names,
)
from rmdesk.credit.report import investigation_report
from rmdesk.customers.models import Customer
from rmdesk.domain.amortisation import add_months
from rmdesk.domain.lifecycle import Action, CreditState, allowed_actions
from rmdesk.domain.origination import payment_method_required

PAGE_SIZE = 50
# The steps of the lifecycle taken by a button on the application page, and the service of each.
STEPS = {
    Action.SUBMIT.value: services.credit_application_submit,
    Action.START_INVESTIGATION.value: services.credit_investigation_start,
    Action.SEND_TO_POLICY_CHECK.value: services.credit_investigation_complete,
    Action.RESUME_INVESTIGATION.value: services.credit_investigation_resume,
    Action.RENEW.value: services.credit_renew,
    Action.CLOSE.value: services.credit_close,
}
STEP_LABELS = {
    Action.SUBMIT.value: gettext_lazy("Submit the application"),
    Action.START_INVESTIGATION.value: gettext_lazy("Start the investigation"),
    Action.SEND_TO_POLICY_CHECK.value: gettext_lazy("Investigation complete: to the policy check"),
    Action.RESUME_INVESTIGATION.value: gettext_lazy("Resume the investigation"),
    Action.RENEW.value: gettext_lazy("Open the renewal"),
    Action.CLOSE.value: gettext_lazy("Close the credit"),
}


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _may_change(request: HttpRequest, application: CreditApplication) -> bool:
    return CreditApplication.objects.restrict(request.user, "change").filter(pk=application.pk).exists()


def _may_sign(request: HttpRequest, application: CreditApplication) -> bool:
    if application.state != CreditState.IN_APPROVAL:
        return False
    try:
        services.signer_for(application=application, person=request.user, on=timezone.localdate())
    except ValidationError:
        return False
    return True


@login_required
def credit_applications(request: HttpRequest) -> HttpResponse:
    """My applications: the open credit applications of the customers in my scope (or all, on request)."""
    show_all = request.GET.get("all") == "1"
    page = Paginator(applications_of(user=request.user, open_only=not show_all), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/applications.html", {"page": page, "show_all": show_all})


@scoped_object(Customer)
@login_required
def credit_application_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new credit application for one customer (or its group) in the account manager's scope."""
    customer = get_object_or_404(Customer.objects.restrict(request.user), pk=pk)
    if not Customer.objects.restrict(request.user, "change").filter(pk=customer.pk).exists():
        raise PermissionDenied
    initial = {"industry_code": customer.industry, "repayment_method": "equal_instalment", "term_months": 12}
    form = ApplicationForm(request.POST or None, initial=initial, customer_kind=customer.kind)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.credit_application_create(customer=customer, by=request.user, **form.terms())
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("Application %(reference)s opened in draft.") % {"reference": application.reference})
            return redirect("credit_application", pk=application.pk)
    return render(request, "credit/application_form.html", {"form": form, "customer": customer}, status=400 if form.errors else 200)


def _available(application: CreditApplication, contract: CreditContract | None) -> Decimal:
    """What can still be drawn on the line, as the domain counts it (lifecycle.Credit.available)."""
    return services.credit_of(application).available if contract else Decimal(0)


def _page(request: HttpRequest, application: CreditApplication, *, status: int = 200, **extra) -> HttpResponse:
    may_change = _may_change(request, application)
    allowed = allowed_actions(CreditState(application.state))
    contract = CreditContract.objects.filter(application=application).first()
    context = {
        "application": application,
        "customer": application.customer,
        "state_label": state_label(application.state),
        "allowed": [(action.value, ACTION_VERBS[action]) for action in allowed],
        "steps": [
            (action.value, STEP_LABELS[action.value])
            for action in allowed
            if action.value in STEPS and not (action is Action.CLOSE and application.outstanding > 0)
        ] if may_change else [],
        "may_draw": Action.DRAW in allowed,
        "may_change": may_change,
        "may_amend": may_change and Action.AMEND in allowed,
        "may_withdraw": may_change and Action.WITHDRAW in allowed,
        "may_sign": _may_sign(request, application),
        "history": history_of(application),
        "levels": level_names(),
        "collateral": application.collateral.all(),
        "guarantors": application.guarantors.select_related("customer"),
        "investigation": investigation_of(application),
        "check": latest_policy_check(application),
        "contract": contract,
        "drawdowns": contract.drawdowns.select_related("loan") if contract else [],
        "available": _available(application, contract),
        "collateral_form": extra.pop("collateral_form", None) or CollateralForm(),
        "guarantor_form": extra.pop("guarantor_form", None) or GuarantorForm(customers=Customer.objects.restrict(request.user).exclude(pk=application.customer_id)),
        "decision_form": extra.pop("decision_form", None) or DecisionForm(),
        "withdraw_form": extra.pop("withdraw_form", None) or ReasonForm(),
        "errors": extra.pop("errors", []),
        **extra,
    }
    template = "credit/application.html"
    if request.htmx and request.htmx.target in {"security"}:
        template = "credit/application.html#security"
    return render(request, template, context, status=status)


@scoped_object(CreditApplication)
@login_required
def credit_application(request: HttpRequest, pk: int) -> HttpResponse:
    """One credit: its terms, where it stands, what may be done now, and every step so far."""
    return _page(request, application_for_page(user=request.user, pk=pk))


@scoped_object(CreditApplication)
@login_required
def credit_application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Amend the terms of an application before approval (recorded as an amendment)."""
    application = application_for_page(user=request.user, pk=pk)
    if not _may_change(request, application):
        raise PermissionDenied
    initial = {
        **{name: getattr(application, name) for name in services.TERMS if name != "annual_rate"},
        "annual_rate_percent": (application.annual_rate * 100).quantize(Decimal("0.0001")),
    }
    form = ApplicationForm(request.POST or None, initial=initial, customer_kind=application.customer.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_application_update(application=application, by=request.user, **form.terms())
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("The application is amended."))
            return redirect("credit_application", pk=application.pk)
    context = {"form": form, "customer": application.customer, "application": application}
    return render(request, "credit/application_form.html", context, status=400 if form.errors else 200)


@scoped_object(CreditApplication)
@require_POST
@login_required
def credit_security(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or remove collateral and guarantors (htmx swaps the section)."""
    application = application_for_page(user=request.user, pk=pk)
    what = request.POST.get("what", "")
    forms = {}
    try:
        if what == "collateral":
            form = forms["collateral_form"] = CollateralForm(request.POST)
            if form.is_valid():
                services.credit_collateral_add(application=application, by=request.user, **form.cleaned_data)
                forms.pop("collateral_form")
        elif what == "guarantor":
            customers = Customer.objects.restrict(request.user).exclude(pk=application.customer_id)
            form = forms["guarantor_form"] = GuarantorForm(request.POST, customers=customers)
            if form.is_valid():
                services.credit_guarantor_add(application=application, by=request.user, **_guarantor_fields(form.cleaned_data))
                forms.pop("guarantor_form")
        elif what == "remove_collateral":
            services.credit_collateral_remove(application=application, by=request.user, collateral_id=_int(request.POST.get("item")))
        elif what == "remove_guarantor":
            services.credit_guarantor_remove(application=application, by=request.user, guarantor_id=_int(request.POST.get("item")))
        else:
            raise Http404
    except ValidationError as error:
        return _page(request, application_for_page(user=request.user, pk=pk), status=400, errors=_errors(error), **forms)
    status = 400 if forms else 200
    return _page(request, application_for_page(user=request.user, pk=pk), status=status, **forms)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


def _guarantor_fields(data: dict) -> dict:
    """The guarantor as the service takes it; for a customer of the bank, what the bank knows of it
    (name, kind, net worth or income from its statements) fills what was left blank."""
    customer = data["customer"]
    fields = {
        "customer": customer, "name": (data.get("name") or "").strip(), "kind": data.get("kind"), "amount": data["amount"],
        "existing_guarantees": data["existing_guarantees"], "net_worth": data.get("net_worth"), "annual_income": data.get("annual_income"),
    }
    if customer is not None:
        known = guarantor_figures(customer)
        fields["name"] = fields["name"] or customer.name
        fields["kind"] = fields["kind"] or known.kind
        fields["net_worth"] = fields["net_worth"] if fields["net_worth"] is not None else known.net_worth
        fields["annual_income"] = fields["annual_income"] if fields["annual_income"] is not None else known.annual_income
    return fields


@scoped_object(CreditApplication)
@require_POST
@login_required
def credit_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one step of the lifecycle by its button: submit, start, complete or resume the
    investigation, withdraw, open the renewal (then shown), close."""
    application = application_for_page(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == Action.WITHDRAW.value:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return _page(request, application, status=400, withdraw_form=form)
            services.credit_application_withdraw(application=application, by=request.user, reason=form.cleaned_data["reason"])
        elif action in STEPS:
            result = STEPS[action](application=application, by=request.user)
        else:
            raise Http404
    except ValidationError as error:
        return _page(request, application_for_page(user=request.user, pk=pk), status=400, errors=_errors(error))
    if action == Action.RENEW.value:
        messages.success(request, _("Renewal %(reference)s opened in draft with the same terms and security.") % {"reference": result.reference})
        return redirect("credit_application", pk=result.pk)
    application.refresh_from_db()
    messages.success(request, _("Done: the application is now %(state)s.") % {"state": state_label(application.state)})
    if application.state == CreditState.INVESTIGATION and action != Action.RESUME_INVESTIGATION.value:
        return redirect("credit_investigation", pk=application.pk)
    return redirect("credit_application", pk=application.pk)


# --- the investigation -----------------------------------------------------------------------------------


def _investigation_page(request, application, investigation, *, form=None, file_form=None, errors=(), status=200) -> HttpResponse:
    kind = application.customer.kind
    editable = _may_change(request, application) and application.state == CreditState.INVESTIGATION and investigation is not None
    context = {
        "application": application,
        "customer": application.customer,
        "investigation": investigation,
        "editable": editable,
        "form": form or InvestigationForm(initial=InvestigationForm.initial_from(investigation) if investigation else None, customer_kind=kind),
        "file_form": file_form or FileForm(customer_kind=kind),
        "report": investigation_report(user=request.user, application=application, investigation=investigation),
        "errors": list(errors),
    }
    return render(request, "credit/investigation.html", context, status=status)


@scoped_object(CreditApplication)
@login_required
def credit_investigation(request: HttpRequest, pk: int) -> HttpResponse:
    """The pre-loan investigation: the checklist of the customer's kind, and the report generated
    from what the bank knows plus what the account manager adds."""
    application = application_for_page(user=request.user, pk=pk)
    investigation = investigation_of(application)
    if request.method != "POST":
        return _investigation_page(request, application, investigation)
    form = InvestigationForm(request.POST, customer_kind=application.customer.kind)
    if not form.is_valid():
        return _investigation_page(request, application, investigation, form=form, status=400)
    try:
        services.credit_investigation_save(
            application=application, by=request.user, checklist=form.checklist(),
            site_visit_on=form.cleaned_data["site_visit_on"], conclusion=form.cleaned_data["conclusion"],
        )
        if request.POST.get("complete"):
            services.credit_investigation_complete(application=application, by=request.user)
    except ValidationError as error:
        return _investigation_page(request, application, investigation_of(application), form=form, errors=_errors(error), status=400)
    if request.POST.get("complete"):
        messages.success(request, _("The investigation is complete: the application goes to the policy check."))
        return redirect("credit_application", pk=application.pk)
    messages.success(request, _("The investigation is saved."))
    return redirect("credit_investigation", pk=application.pk)


@scoped_object(CreditApplication)
@require_POST
@login_required
def credit_investigation_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a photo or file to the investigation."""
    application = application_for_page(user=request.user, pk=pk)
    form = FileForm(request.POST, request.FILES, customer_kind=application.customer.kind)
    investigation = investigation_of(application)
    if not form.is_valid():
        return _investigation_page(request, application, investigation, file_form=form, status=400)
    try:
        services.credit_investigation_attach(application=application, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _investigation_page(request, application, investigation, file_form=form, errors=_errors(error), status=400)
    messages.success(request, _("The file is attached."))
    return redirect("credit_investigation", pk=application.pk)


@scoped_object(CreditApplication)
@require_GET
@login_required
def credit_investigation_file(request: HttpRequest, pk: int) -> FileResponse:
    """One photo or file of the investigation (`?file=<id>`), looked up among the application's own."""
    application = application_for_page(user=request.user, pk=pk)
    investigation = get_object_or_404(Investigation, application=application)
    attached = get_object_or_404(investigation.files, pk=_int(request.GET.get("file")))
    return FileResponse(attached.file.open("rb"), as_attachment=False, filename=attached.file.name.rsplit("/", 1)[-1])


# --- policy check, approval and the memo ----------------------------------------------------------------------


@scoped_object(CreditApplication)
@login_required
def credit_policy_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest policy check of the application, every rule with its figures and reason; POST runs it."""
    application = application_for_page(user=request.user, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.credit_policy_check_run(application=application, by=request.user)
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("credit_policy_check", pk=application.pk)
    check = latest_policy_check(application)
    context = {
        "application": application,
        "customer": application.customer,
        "check": check,
        "rows": rule_rows(check) if check else [],
        "levels": level_names(),
        "may_run": _may_change(request, application) and application.state == CreditState.POLICY_CHECK,
        "errors": errors,
    }
    return render(request, "credit/policy_check.html", context, status=400 if errors else 200)


@scoped_object(CreditApplication)
@require_POST
@login_required
def credit_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, reject with a reason, or return for more information, at the level the application waits for."""
    application = application_for_page(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, application, status=400, decision_form=form)
    try:
        services.credit_decide(
            application=application, by=request.user, decision=form.cleaned_data["decision"],
            opinion=form.cleaned_data["opinion"], approved_amount=form.cleaned_data["approved_amount"],
        )
    except ValidationError as error:
        return _page(request, application_for_page(user=request.user, pk=pk), status=400, decision_form=form, errors=_errors(error))
    application.refresh_from_db()
    messages.success(request, _("Signed: the application is now %(state)s.") % {"state": state_label(application.state)})
    return redirect("credit_approvals")


@login_required
def credit_approvals(request: HttpRequest) -> HttpResponse:
    """The approval queue: applications waiting for a signature the signed-in person may give."""
    entries = approval_queue(user=request.user, on=timezone.localdate())
    return render(request, "credit/approvals.html", {"entries": entries, "levels": level_names()})


@scoped_object(CreditApplication)
@require_GET
@login_required
def credit_memo(request: HttpRequest, pk: int) -> HttpResponse:
    """The credit memo (the approval document) as PDF, in Chinese or English (`?lang=`)."""
    application = application_for_page(user=request.user, pk=pk)
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    if language not in MEMO_LANGUAGES:
        raise Http404
    pdf = credit_memo_pdf(user=request.user, application=application, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.reference}-{language}.pdf"'
    return response


# --- contract and drawdowns --------------------------------------------------------------------------------------


@scoped_object(CreditApplication)
@login_required
def credit_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the contract of an approved credit and set its credit line."""
    application = application_for_page(user=request.user, pk=pk)
    if not _may_change(request, application):
        raise PermissionDenied
    today = timezone.localdate()
    initial = {
        "line_amount": application.approved_amount or application.amount,
        "valid_from": today,
        "valid_until": add_months(today, 12) - datetime.timedelta(days=1),
        "annual_rate_percent": (application.annual_rate * 100).quantize(Decimal("0.0001")),
        "repayment_method": application.repayment_method,
    }
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.credit_contract_sign(application=application, by=request.user, **form.terms())
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("Contract %(number)s signed.") % {"number": contract.number})
            return redirect("credit_application", pk=application.pk)
    context = {"form": form, "application": application, "customer": application.customer}
    return render(request, "credit/contract_form.html", context, status=400 if form.errors else 200)


@scoped_object(CreditApplication)
@login_required
def credit_drawdown(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw down on the credit line: the loan and its repayment schedule open; entrusted payment
    where the policy requires it."""
    application = application_for_page(user=request.user, pk=pk)
    contract = get_object_or_404(CreditContract, application=application)
    if not _may_change(request, application):
        raise PermissionDenied
    today = timezone.localdate()
    available = _available(application, contract)
    policy = credit_policy().disbursement_policy()
    initial = {
        "amount": available,
        "term_months": application.term_months,
        "first_due_on": add_months(today, 1),
        "payment_method": payment_method_required(application.customer.kind, available, policy).value,
    }
    form = DrawdownForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            drawdown = services.credit_drawdown(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("Loan %(number)s disbursed.") % {"number": drawdown.loan.contract_number})
            return redirect("credit_application", pk=application.pk)
    threshold = policy.entrusted_payment_above.get(application.customer.kind)
    context = {"form": form, "application": application, "customer": application.customer, "contract": contract,
               "available": available, "threshold": threshold}
    return render(request, "credit/drawdown_form.html", context, status=400 if form.errors else 200)


# --- delegation while away ----------------------------------------------------------------------------------------


@login_required
def credit_delegations(request: HttpRequest) -> HttpResponse:
    """An approver's delegations: who signs for them while they are away; POST records or cancels one."""
    form = DelegationForm(request.POST or None, delegates=delegates_for(request.user))
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("cancel"):
        delegation = get_object_or_404(delegations_of(user=request.user), pk=_int(request.POST.get("cancel")))
        services.approval_delegation_cancel(delegation=delegation, by=request.user)
        messages.success(request, _("The delegation is cancelled."))
        return redirect("credit_delegations")
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_delegation_create(delegator=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The delegation is recorded."))
            return redirect("credit_delegations")
    context = {"form": form, "delegations": delegations_of(user=request.user), "errors": errors, "today": timezone.localdate()}
    return render(request, "credit/delegations.html", context, status=400 if (errors or form.errors) else 200)


@scoped_object(Customer)
@login_required
def customer_credit_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every credit application of one customer, latest first."""
    customer = get_object_or_404(Customer.objects.restrict(request.user), pk=pk)
    return render(request, "credit/customer_credit.html", {"customer": customer, "applications": customer_credit(user=request.user, customer=customer)})


# --- the bank's related parties ----------------------------------------------------------------------------


def _related_parties_page(request: HttpRequest, form: RelatedPartyForm, *, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    listings = RelatedParty.objects.restrict(request.user).select_related("customer").order_by(F("ended_on").desc(nulls_first=True), "-listed_on", "-pk")
    context = {"form": form, "listings": listings, "end_form": ListingEndForm(), "errors": errors or []}
    return render(request, "credit/related_parties.html", context, status=status)


@login_required
def related_parties(request: HttpRequest) -> HttpResponse:
    """The bank's list of related parties (关联方) that the policy check's related-party limits
    read, kept by compliance: who is listed, why and since when; list a customer, end a listing."""
    if not request.user.maintains_related_parties:
        raise PermissionDenied
    form = RelatedPartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = Customer.objects.restrict(request.user).filter(number=data["customer_number"].strip()).first()
        if customer is None:
            form.add_error("customer_number", _("No customer numbered %(number)s among those you see.") % {"number": data["customer_number"]})
        else:
            try:
                services.related_party_record(
                    customer=customer, by=request.user, basis=data["basis"], listed_on=data["listed_on"], related_group=data["related_group"]
                )
            except ValidationError as error:
                form.add_validation_error(error)
            else:
                messages.success(request, _("%(customer)s is listed as a related party.") % {"customer": customer.name})
                return redirect("related_parties")
    return _related_parties_page(request, form, status=400 if form.errors else 200)


@scoped_object(RelatedParty)
@require_POST
@login_required
def related_party_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End one listing on the day given."""
    listing = get_object_or_404(RelatedParty.objects.restrict(request.user), pk=pk)
    if not request.user.maintains_related_parties:
        raise PermissionDenied
    form = ListingEndForm(request.POST)
    if not form.is_valid():
        return _related_parties_page(request, RelatedPartyForm(), errors=[e for errors in form.errors.values() for e in errors], status=400)
    try:
        services.related_party_end(listing=listing, by=request.user, ended_on=form.cleaned_data["ended_on"])
    except ValidationError as error:
        return _related_parties_page(request, RelatedPartyForm(), errors=_errors(error), status=400)
    messages.success(request, _("The listing of %(customer)s ended.") % {"customer": listing.customer.name})
    return redirect("related_parties")
