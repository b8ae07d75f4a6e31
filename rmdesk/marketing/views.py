"""Screens of marketing: the customer 360, the pipeline (leads, opportunities, campaigns), the
attrition radar with its win-back tasks, customers won and lost, competitors, and how well the
bank knows its customers.

Every object is looked up within the user's scope first (404 alike for missing and not
yours); what a person may do with what they can see is then the services' to decide (403).
Actions on a customer's records post to the customer's own address, naming the record.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rmdesk.core.routes import scoped_object
from rmdesk.customers.models import Customer, Tier
from rmdesk.marketing import selectors, services
from rmdesk.marketing.forms import (
    AnswerForm,
    CampaignForm,
    ConfirmForm,
    InterestForm,
    LeadConvertForm,
    LeadDropForm,
    LeadForm,
    LoseForm,
    OpportunityForm,
    OtherBankForm,
    ServiceRequestForm,
    TargetForm,
    WinBackForm,
    WinForm,
)
from rmdesk.marketing.models import Campaign, CampaignTarget, Lead, LifecycleChoice, Opportunity, OtherBankProduct, ServiceRequest, WinBackTask
from rmdesk.org.models import User


def _customer(request: HttpRequest, pk: int) -> Customer:
    return get_object_or_404(Customer.objects.restrict(request.user).select_related("primary_manager", "org_unit"), pk=pk)


def _customer_page(request: HttpRequest, customer: Customer, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "customer": customer,
        **selectors.customer_360(user=request.user, customer=customer),
        "interest_form": forms.get("interest_form") or InterestForm(),
        "other_bank_form": forms.get("other_bank_form") or OtherBankForm(),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "request_form": forms.get("request_form") or ServiceRequestForm(),
        "answer_form": AnswerForm(),
        "target_form": TargetForm(),
        "may_change": Customer.objects.restrict(request.user, "change").filter(pk=customer.pk).exists(),
    }
    return render(request, "marketing/customer_360.html", context, status=status)


@scoped_object(Customer)
@login_required
def customer_360(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a customer a marketer needs on one page (see rmdesk.marketing.selectors)."""
    return _customer_page(request, _customer(request, pk))


def _post_on_customer(request: HttpRequest, pk: int, form_class, form_name: str, act) -> HttpResponse:
    """Validate ``form_class`` from the post, call ``act(customer, cleaned_data)``; back to the
    360, or the 360 with the form's errors."""
    customer = _customer(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(customer, form.cleaned_data)
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            return redirect("marketing_customer", pk=customer.pk)
    return _customer_page(request, customer, status=400, **{form_name: form})


@scoped_object(Customer)
@require_POST
@login_required
def interest_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_customer(
        request, pk, InterestForm, "interest_form",
        lambda c, d: services.interest_record(customer_id=c.pk, user=request.user, topic=d["topic"], note=d["note"], on=timezone.localdate()),
    )


@scoped_object(Customer)
@require_POST
@login_required
def other_bank_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_customer(
        request, pk, OtherBankForm, "other_bank_form",
        lambda c, d: services.other_bank_product_record(
            customer_id=c.pk, user=request.user, bank=d["bank"], family=d["family"], balance=d["balance"], note=d["note"], on=timezone.localdate()
        ),
    )


@scoped_object(Customer)
@require_POST
@login_required
def other_bank_end(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    record = get_object_or_404(OtherBankProduct.objects.restrict(request.user), pk=request.POST.get("record") or 0, customer=customer)
    services.other_bank_product_end(record_id=record.pk, user=request.user, on=timezone.localdate())
    return redirect("marketing_customer", pk=customer.pk)


@scoped_object(Customer)
@require_POST
@login_required
def knowledge_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_customer(
        request, pk, ConfirmForm, "confirm_form",
        lambda c, d: services.knowledge_confirm(customer_id=c.pk, user=request.user, areas=d["areas"], on=timezone.localdate()),
    )


@scoped_object(Customer)
@require_POST
@login_required
def service_request_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_customer(
        request, pk, ServiceRequestForm, "request_form",
        lambda c, d: services.service_request_record(
            customer_id=c.pk, user=request.user, kind=d["kind"], channel=d["channel"], subject=d["subject"], detail=d["detail"],
            received_at=timezone.now(),
        ),
    )


@scoped_object(Customer)
@require_POST
@login_required
def service_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    entry = get_object_or_404(ServiceRequest.objects.restrict(request.user), pk=request.POST.get("request") or 0, customer=customer)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.service_request_answer(request_id=entry.pk, user=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Write the answer given."))
    return redirect("marketing_customer", pk=customer.pk)


@scoped_object(Customer)
@require_POST
@login_required
def offer_take(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the offer of the product posted becomes an opportunity of the signed-in manager."""
    customer = _customer(request, pk)
    try:
        opportunity = services.opportunity_from_offer(
            customer_id=customer.pk, user=request.user, product_id=int(request.POST.get("product") or 0), on=timezone.localdate()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("marketing_customer", pk=customer.pk)
    messages.success(request, _("The offer is now an opportunity in your pipeline."))
    return redirect("marketing_opportunity", pk=opportunity.pk)


@scoped_object(Customer)
@require_POST
@login_required
def campaign_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = TargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome."))
        return redirect("marketing_customer", pk=customer.pk)
    target = get_object_or_404(CampaignTarget.objects.restrict(request.user), pk=form.cleaned_data["target"], customer=customer)
    try:
        services.campaign_target_record(
            target_id=target.pk, user=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"], on=timezone.localdate()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("marketing_campaign", pk=target.campaign_id)


@scoped_object(Customer)
@require_POST
@login_required
def win_back_close(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = WinBackForm(request.POST)
    if form.is_valid():
        task = get_object_or_404(WinBackTask.objects.restrict(request.user), pk=form.cleaned_data["task"], customer=customer)
        try:
            services.win_back_close(task_id=task.pk, user=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"], on=timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The win-back task is closed."))
    else:
        messages.error(request, _("Say what came of it and what was done."))
    return redirect("marketing_radar")


# --- opportunities ----------------------------------------------------------------------------------


@scoped_object(Opportunity)
@login_required
def opportunity(request: HttpRequest, pk: int) -> HttpResponse:
    """An opportunity: its stage and chance, the offer's reason; move it on, win it or lose it."""
    item = get_object_or_404(Opportunity.objects.restrict(request.user).select_related("customer", "product", "owner", "campaign"), pk=pk)
    form = OpportunityForm(initial={"stage": item.stage, "probability": item.probability * 100, "amount": item.amount, "expected_on": item.expected_on})
    win_form, lose_form = WinForm(), LoseForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "win":
                win_form = WinForm(request.POST)
                if win_form.is_valid():
                    services.opportunity_win(opportunity_id=item.pk, user=request.user, on=win_form.cleaned_data["closed_on"])
                    messages.success(request, _("Won. Well done."))
                    return redirect("marketing_opportunity", pk=item.pk)
            elif action == "lose":
                lose_form = LoseForm(request.POST)
                if lose_form.is_valid():
                    d = lose_form.cleaned_data
                    services.opportunity_lose(opportunity_id=item.pk, user=request.user, reason=d["reason"], note=d["note"], on=d["closed_on"])
                    return redirect("marketing_opportunity", pk=item.pk)
            else:
                form = OpportunityForm(request.POST)
                if form.is_valid():
                    d = form.cleaned_data
                    services.opportunity_update(
                        opportunity_id=item.pk, user=request.user, stage=d["stage"],
                        probability=None if d["probability"] is None else d["probability"] / 100, amount=d["amount"], expected_on=d["expected_on"],
                    )
                    return redirect("marketing_opportunity", pk=item.pk)
        except ValidationError as error:
            {"win": win_form, "lose": lose_form}.get(action, form).add_validation_error(error)
        status = 400
    return render(request, "marketing/opportunity.html", {"item": item, "form": form, "win_form": win_form, "lose_form": lose_form}, status=status)


@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    """The pipeline: open opportunities by stage, recently won and lost, open leads."""
    return render(request, "marketing/pipeline.html", selectors.pipeline(user=request.user))


# --- leads -------------------------------------------------------------------------------------------


def _colleagues(user: User):
    return User.objects.filter(org_unit=user.org_unit, is_active=True).exclude(pk=user.pk).order_by("display_name")


@login_required
def lead_new(request: HttpRequest) -> HttpResponse:
    """Record a prospective customer, referred or not, to follow up."""
    if not request.user.holds_book:
        raise PermissionDenied
    form = LeadForm(request.POST or None, customers=Customer.objects.restrict(request.user).order_by("name"), colleagues=_colleagues(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lead = services.lead_create(
                user=request.user, name=d["name"], kind=d["kind"], source=d["source"], phone=d["phone"], township=d["township"], need=d["need"],
                referred_by_customer_id=d["referred_by_customer"].pk if d["referred_by_customer"] else None,
                referred_by_colleague=d["referred_by_colleague"], on=timezone.localdate(),
            )
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            return redirect("marketing_lead", pk=lead.pk)
    return render(request, "marketing/lead_form.html", {"form": form}, status=400 if form.errors else 200)


@scoped_object(Lead)
@login_required
def lead(request: HttpRequest, pk: int) -> HttpResponse:
    """A lead: who, how they came; mark them converted (a customer in the book) or dropped."""
    item = get_object_or_404(Lead.objects.restrict(request.user).select_related("manager", "referred_by_colleague"), pk=pk)
    customers = Customer.objects.restrict(request.user, "change").order_by("name")
    convert_form, drop_form = LeadConvertForm(customers=customers), LeadDropForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "convert":
                convert_form = LeadConvertForm(request.POST, customers=customers)
                if convert_form.is_valid():
                    services.lead_convert(lead_id=item.pk, user=request.user, customer_id=convert_form.cleaned_data["customer"].pk, on=timezone.localdate())
                    return redirect("marketing_lead", pk=item.pk)
            else:
                drop_form = LeadDropForm(request.POST)
                if drop_form.is_valid():
                    services.lead_drop(lead_id=item.pk, user=request.user, reason=drop_form.cleaned_data["drop_reason"], on=timezone.localdate())
                    return redirect("marketing_lead", pk=item.pk)
        except ValidationError as error:
            drop_form.add_validation_error(error)
        status = 400
    referrer = Customer.objects.restrict(request.user).filter(pk=item.referred_by_customer_id).first() if item.referred_by_customer_id else None
    customer = Customer.objects.restrict(request.user).filter(pk=item.customer_id).first() if item.customer_id else None
    return render(
        request, "marketing/lead.html",
        {"item": item, "referrer": referrer, "customer": customer, "convert_form": convert_form, "drop_form": drop_form},
        status=status,
    )


# --- campaigns ---------------------------------------------------------------------------------------


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "marketing/campaigns.html", {"campaigns": selectors.campaigns_for(user=request.user)})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Aim a campaign at a segment: its target list is drawn from the latest batch."""
    if not (request.user.sees_unit or request.user.holds_book):
        raise PermissionDenied
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.campaign_create(
                user=request.user, name=d["name"], product_id=d["product"].pk, kinds=d["kinds"], tiers=d["tiers"], stages=d["stages"],
                offered_only=d["offered_only"], starts_on=d["starts_on"], ends_on=d["ends_on"],
            )
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            return redirect("marketing_campaign", pk=item.pk)
    return render(request, "marketing/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


@scoped_object(Campaign)
@login_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign: its segment, its targets in the user's scope, and its results."""
    item = get_object_or_404(selectors.campaigns_for(user=request.user), pk=pk)
    return render(request, "marketing/campaign.html", {"item": item, "target_form": TargetForm(), **selectors.campaign_results(user=request.user, campaign=item)})


# --- radar, books, competitors, knowledge ----------------------------------------------------------


@login_required
def radar(request: HttpRequest) -> HttpResponse:
    """Customers drifting away, with their signals and win-back tasks."""
    return render(request, "marketing/radar.html", {**selectors.radar(user=request.user), "win_back_form": WinBackForm()})


@login_required
def movements(request: HttpRequest) -> HttpResponse:
    """New customers won and customers lost per account manager per month."""
    return render(request, "marketing/movements.html", selectors.movements(user=request.user))


@login_required
def competitors(request: HttpRequest) -> HttpResponse:
    """Which other banks serve our customers, with what, and how that changes."""
    return render(request, "marketing/competitors.html", selectors.competitors(user=request.user))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """How many customers we really know, segments by tier and stage, who is overdue for contact."""
    context = selectors.knowledge_overview(user=request.user)
    context["tiers"] = Tier.choices
    context["stages"] = LifecycleChoice.choices
    return render(request, "marketing/overview.html", context)
