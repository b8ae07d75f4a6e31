"""Screens of a customer's financial statements: the analysis page, entry, template, upload.

Every view finds the customer through ``Customer.objects.restrict(request.user)`` (404 alike for
missing and out of scope); entering needs a role that changes customers, within that scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rmdesk.core.routes import scoped_object
from rmdesk.customers.models import Customer
from rmdesk.customers.models import StatementBasis as BasisChoice
from rmdesk.domain.statements import StatementBasis, statement_totals
from rmdesk.statements.forms import StatementForm, StatementUploadForm
from rmdesk.statements.selectors import statement_analysis
from rmdesk.statements.services import (
    BASES_FOR_KIND,
    RecordedStatement,
    StatementRefused,
    statement_record,
)
from rmdesk.statements.xlsx import (
    UnreadableWorkbook,
    read_statement_workbook,
    statement_template,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _customer(request: HttpRequest, pk: int, *, change: bool = False) -> Customer:
    customer = get_object_or_404(Customer.objects.restrict(request.user), pk=pk)
    if change and not Customer.objects.restrict(request.user, "change").filter(pk=pk).exists():
        raise PermissionDenied
    return customer


def _basis(request: HttpRequest, customer: Customer) -> StatementBasis:
    allowed = BASES_FOR_KIND[customer.kind]
    asked = request.GET.get("basis") or request.POST.get("basis")
    return StatementBasis(asked) if asked in allowed else allowed[0]


def _bases(customer: Customer) -> list[tuple[StatementBasis, str]]:
    return [(basis, BasisChoice(basis).label) for basis in BASES_FOR_KIND[customer.kind]]


def _recorded(request: HttpRequest, customer: Customer, recorded: RecordedStatement) -> HttpResponse:
    statement = recorded.statement
    if recorded.replaced:
        messages.success(
            request,
            _("The statement for the period ending %(end)s is replaced; the change is in the audit trail.")
            % {"end": statement.period_end},
        )
    else:
        messages.success(request, _("The statement for the period ending %(end)s is recorded.") % {"end": statement.period_end})
    for note in recorded.notes:
        messages.warning(request, note.message)
    return redirect("statements", pk=customer.pk)


@scoped_object(Customer)
@require_GET
@login_required
def statements(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's statements side by side: lines, ratios with trend and industry position,
    anomaly flags and the comparison with the inflows the bank sees."""
    customer = _customer(request, pk)
    context = {
        "customer": customer,
        "analyses": statement_analysis(user=request.user, customer=customer),
        "bases": _bases(customer),
        "may_enter": request.user.changes_customers,
    }
    return render(request, "statements/statements.html", context)


def _entry_page(request, customer, basis, form, upload_form, *, upload_errors=(), status=200) -> HttpResponse:
    subtotals = statement_totals(basis, form.entered_amounts()) if form.is_bound else {}
    context = {
        "customer": customer,
        "basis": basis,
        "bases": _bases(customer),
        "form": form,
        "rows": form.rows(subtotals),
        "upload_form": upload_form,
        "upload_errors": upload_errors,
    }
    return render(request, "statements/statement_form.html", context, status=status)


@scoped_object(Customer)
@login_required
def statement_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a statement line by line; refused with the errors on their lines, nothing saved."""
    customer = _customer(request, pk, change=True)
    basis = _basis(request, customer)
    form = StatementForm(request.POST or None, basis=basis, initial={"period_months": 12})
    if request.method == "POST" and form.is_valid():
        try:
            recorded = statement_record(
                customer=customer,
                user=request.user,
                basis=basis,
                period_end=form.cleaned_data["period_end"],
                period_months=form.cleaned_data["period_months"],
                audited=form.cleaned_data["audited"],
                amounts=form.amounts(),
                replace=form.cleaned_data["replace"],
                reason=form.cleaned_data["reason"],
                source="form",
            )
        except StatementRefused as refused:
            form.add_line_errors(refused.errors)
        else:
            return _recorded(request, customer, recorded)
    status = 400 if form.errors or form.line_errors else 200
    return _entry_page(request, customer, basis, form, StatementUploadForm(), status=status)


@scoped_object(Customer)
@require_POST
@login_required
def statement_subtotals(request: HttpRequest, pk: int) -> HttpResponse:
    """The subtotals of the lines entered so far, swapped into the entry form as it is filled."""
    customer = _customer(request, pk, change=True)
    basis = _basis(request, customer)
    form = StatementForm(request.POST, basis=basis)
    return render(
        request, "statements/statement_form.html#subtotals", {"totals": statement_totals(basis, form.entered_amounts())}
    )


@scoped_object(Customer)
@require_GET
@login_required
def statement_template_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The XLSX template of the customer's basis, labelled in the user's language."""
    customer = _customer(request, pk)
    basis = _basis(request, customer)
    response = HttpResponse(
        statement_template(customer=customer, basis=basis),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="statement-{customer.number}-{basis}.xlsx"'
    return response


@scoped_object(Customer)
@require_POST
@login_required
def statement_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a statement from a filled-in template; errors name the sheet, cell and line."""
    customer = _customer(request, pk, change=True)
    upload_form = StatementUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    basis = _basis(request, customer)
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        parsed = None
        if upload.size > MAX_UPLOAD_BYTES:
            errors.append(_("The file is larger than 5 MB; a statement template is far smaller."))
        else:
            try:
                parsed = read_statement_workbook(upload.read())
            except UnreadableWorkbook:
                errors.append(_("This file is not an XLSX workbook. Download the template, fill it in and upload it."))
        if parsed is not None:
            errors = list(parsed.errors)
            if parsed.customer_number and parsed.customer_number != customer.number:
                errors.append(
                    _("%(where)s: this file is for customer %(number)s, not for %(customer)s.")
                    % {"where": parsed.where("customer_number"), "number": parsed.customer_number, "customer": customer.number}
                )
            if not errors:
                basis = parsed.basis
                try:
                    recorded = statement_record(
                        customer=customer,
                        user=request.user,
                        basis=parsed.basis,
                        period_end=parsed.period_end,
                        period_months=parsed.period_months,
                        audited=parsed.audited,
                        amounts=parsed.amounts,
                        replace=upload_form.cleaned_data["replace"],
                        reason=upload_form.cleaned_data["reason"],
                        source="xlsx",
                    )
                except StatementRefused as refused:
                    errors = parsed.located(refused.errors)
                else:
                    return _recorded(request, customer, recorded)
    form = StatementForm(basis=basis, initial={"period_months": 12})
    return _entry_page(request, customer, basis, form, upload_form, upload_errors=errors, status=400)
