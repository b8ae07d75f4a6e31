"""Screens of the book and the customer: every query goes through the user's scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rmdesk.core.audit import personal_data_viewed
from rmdesk.core.routes import scoped_object
from rmdesk.credit.selectors import loans_with_schedules
from rmdesk.customers.filters import BookFilter
from rmdesk.customers.forms import CustomerForm, CustomerProfileForm, HandoverForm
from rmdesk.customers.models import Customer, Handover
from rmdesk.customers.selectors import (
    C3_FIELDS,
    book_page,
    book_page_totals,
    customer_audit_trail,
    customer_for_page,
    handover_pack,
    managers_in_scope,
    team_books,
)
from rmdesk.customers.services import ConcurrentChange, book_handover, customer_create, customer_update
from rmdesk.desk.models import Document, Interaction
from rmdesk.products.selectors import holdings_of, recent_transactions_of

BOOK_PAGE_SIZE = 50


@login_required
def book(request: HttpRequest) -> HttpResponse:
    """The account manager's book, or the books of a leader's unit: search, filter, sort, page."""
    customers = Customer.objects.restrict(request.user)
    book_filter = BookFilter(request.GET or None, queryset=customers, user=request.user)
    filtered = book_filter.qs if book_filter.is_bound else customers
    if not book_filter.is_bound or not request.GET.get("sort"):
        filtered = filtered.order_by("name", "pk")
    else:
        filtered = filtered.order_by(*filtered.query.order_by, "pk")
    totals, page = book_page(
        user=request.user, customers=filtered, criteria=book_filter.criteria, number=request.GET.get("page"), per_page=BOOK_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": book_filter, "page": page, "totals": totals, "query": query.urlencode()}
    if request.htmx and request.htmx.target == "book-results":
        return render(request, "customers/book.html#book-results", context)
    return render(request, "customers/book.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """A leader's view of the books in their unit, one line per account manager."""
    if not request.user.sees_unit:
        raise PermissionDenied
    books = team_books(user=request.user)
    totals = book_page_totals(user=request.user, customers=Customer.objects.restrict(request.user), criteria={})
    return render(request, "customers/team.html", {"books": books, "totals": totals})


def _customer_page(request: HttpRequest, customer: Customer, *, status: int = 200, **extra) -> HttpResponse:
    context = {
        "customer": customer,
        "holdings": holdings_of(user=request.user, customer=customer),
        "loans": loans_with_schedules(user=request.user, customer=customer),
        "transactions": recent_transactions_of(user=request.user, customer=customer),
        "interactions": Interaction.objects.restrict(request.user).filter(customer=customer).select_related("manager")[:20],
        "documents": Document.objects.restrict(request.user).filter(customer=customer),
        "audit_entries": customer_audit_trail(customer=customer) if request.user.reads_audit else None,
        **extra,
    }
    return render(request, "customers/customer_detail.html", context, status=status)


@scoped_object(Customer)
@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one customer the desk holds; 404 alike for missing and out of scope.

    Personal data of class C3 is masked here; seeing it in full is customer_personal_data.
    """
    return _customer_page(request, customer_for_page(user=request.user, pk=pk))


@scoped_object(Customer)
@require_POST
@login_required
def customer_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer page with personal data in full, for a stated reason that is recorded."""
    customer = customer_for_page(user=request.user, pk=pk)
    if not request.user.may_unmask:
        raise PermissionDenied
    reason = request.POST.get("reason", "").strip()
    if not reason:
        return _customer_page(request, customer, status=400, unmask_error=_("Say why you need to see the personal data in full."))
    personal_data_viewed(customer=customer, fields=list(C3_FIELDS), reason=reason)
    return _customer_page(request, customer, personal_data_unmasked=True)


@login_required
def customer_new(request: HttpRequest) -> HttpResponse:
    """Register a new customer into the signed-in account manager's book."""
    if not request.user.holds_book:
        raise PermissionDenied
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(primary_manager=request.user, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("%(name)s is now in your book.") % {"name": customer.name})
            return redirect("customer_detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def handover_new(request: HttpRequest) -> HttpResponse:
    """A team leader hands an account manager's book to another and gets the handover pack."""
    if not request.user.hands_over_books:
        raise PermissionDenied
    form = HandoverForm(
        request.POST or None, managers=managers_in_scope(request.user), initial={"effective_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            handover = book_handover(
                from_manager=form.cleaned_data["from_manager"],
                to_manager=form.cleaned_data["to_manager"],
                decided_by=request.user,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["effective_on"],
            )
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("The book is handed over. Here is the handover pack."))
            return redirect("handover_detail", pk=handover.pk)
    return render(request, "customers/handover_form.html", {"form": form}, status=400 if form.errors else 200)


@scoped_object(Handover)
@login_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The handover pack: what the new manager must know about each customer handed over."""
    handover = get_object_or_404(
        Handover.objects.restrict(request.user).select_related("from_manager", "to_manager", "decided_by"), pk=pk
    )
    return render(request, "customers/handover_detail.html", {"handover": handover, "pack": handover_pack(user=request.user, handover=handover)})


@scoped_object(Customer)
@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a customer's profile; a save on top of someone else's change is refused and shown."""
    customer = get_object_or_404(Customer.objects.restrict(request.user), pk=pk)
    if not request.user.changes_customers:
        raise PermissionDenied
    form = CustomerProfileForm(request.POST or None, instance=customer)
    if request.method == "GET":
        # The form shows the phone and address in full: that is a recorded view of C3 data.
        personal_data_viewed(customer=customer, fields=["phone", "address"], reason=_("Editing the profile"))
    conflict = None
    if request.method == "POST" and form.is_valid():
        as_loaded = form.as_loaded()
        changes = {name: form.cleaned_data[name] for name in form.fields}
        try:
            customer_update(customer_id=customer.pk, user=request.user, as_loaded=as_loaded, changes=changes)
        except ConcurrentChange as error:
            conflict = [
                (Customer._meta.get_field(field).verbose_name, loaded, now) for field, (loaded, now) in error.changes.items()
            ]
            mine = {name: value for name, value in changes.items() if value != as_loaded[name]}
            form = _form_on_top_of(Customer.objects.get(pk=customer.pk), mine)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": customer.name})
            return redirect("customer_detail", pk=customer.pk)
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "customers/customer_edit.html", {"customer": customer, "form": form, "conflict": conflict}, status=status)


def _form_on_top_of(current: Customer, mine: dict) -> CustomerProfileForm:
    """The edit form after a refused save: the values now stored, with this person's own edits.

    Fields the person did not touch show the other change; fields they did keep their entry; the
    hidden 'as loaded' values are those now stored, so saving again applies only their edits.
    """
    blank = CustomerProfileForm(instance=current)
    data = {}
    for name, field in blank.fields.items():
        stored = field.prepare_value(getattr(current, name))
        entered = field.prepare_value(mine.get(name, getattr(current, name)))
        data[name] = "" if entered is None else entered
        data[blank.add_initial_prefix(name)] = "" if stored is None else stored
    return CustomerProfileForm(data, instance=current)
