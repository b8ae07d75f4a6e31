"""Searching the audit trail: who looked at this customer, what changed on this loan."""

from __future__ import annotations

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from rmdesk.customers.models import Customer

AUDIT_PAGE_SIZE = 50


class AuditSearchForm(forms.Form):
    customer = forms.CharField(label=_("Customer number"), required=False, max_length=20)
    person = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.TypedChoiceField(
        label=_("What"), required=False, coerce=int, empty_value=None, choices=[("", _("Everything")), *LogEntry.Action.choices]
    )
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, for those who read it.

    Readers whose unit is head office search the whole bank; others (a branch's risk officer)
    name a customer, which must be in their scope, and see its trail.
    """
    user = request.user
    if not user.reads_audit:
        raise PermissionDenied
    whole_bank = user.org_unit is not None and user.org_unit.parent_id is None
    form = AuditSearchForm(request.GET or None)
    entries = LogEntry.objects.none()
    needs_customer = False
    if form.is_valid():
        data = form.cleaned_data
        entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
        if data["customer"]:
            customer = get_object_or_404(Customer.objects.restrict(user), number=data["customer"].strip().upper())
            entries = entries.filter(additional_data__customer_id=customer.pk)
        elif not whole_bank:
            needs_customer = True
            entries = LogEntry.objects.none()
        if data["person"]:
            entries = entries.filter(actor__username=data["person"].strip())
        if data["action"] is not None:
            entries = entries.filter(action=data["action"])
        if data["since"]:
            entries = entries.filter(timestamp__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(timestamp__date__lte=data["until"])
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_search.html", {"form": form, "page": page, "needs_customer": needs_customer})
