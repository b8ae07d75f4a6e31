"""The statement entry form: the header, then one amount per entered line in reading order."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from rmdesk.domain.statements import (
    MAX_PERIOD_MONTHS,
    StatementBasis,
    StatementPart,
    detail_codes,
    statement_lines,
)
from rmdesk.statements.services import LineError, line_label

PART_TITLES = {
    StatementPart.ASSETS: _("Assets"),
    StatementPart.LIABILITIES: _("Liabilities"),
    StatementPart.EQUITY: _("Equity"),
    StatementPart.INCOME: _("Income statement"),
    StatementPart.CASH_FLOW: _("Cash-flow statement (optional)"),
    StatementPart.SEASONAL: _("Money in and out by month (optional)"),
}
HOUSEHOLD_PART_TITLES = {
    StatementPart.EQUITY: _("Net worth"),
    StatementPart.INCOME: _("Income and expenses of the year"),
}


def part_title(basis: StatementBasis, part: StatementPart) -> str:
    """The heading of a part of a statement of ``basis``."""
    if basis is StatementBasis.HOUSEHOLD and part in HOUSEHOLD_PART_TITLES:
        return HOUSEHOLD_PART_TITLES[part]
    return PART_TITLES[part]


def field_name(code: str) -> str:
    return f"line_{code}"


class StatementForm(forms.Form):
    """A statement of one basis: period, audited, the detail lines, and a replacement's reason.

    Subtotals are not fields: they are computed from the lines (and shown); errors the service
    finds on them are kept in ``line_errors`` and shown on their row.
    """

    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    period_months = forms.IntegerField(
        label=_("Months in period"), min_value=1, max_value=MAX_PERIOD_MONTHS, initial=MAX_PERIOD_MONTHS
    )
    audited = forms.BooleanField(label=_("Audited"), required=False)
    replace = forms.BooleanField(label=_("Replace the statement on file for this period"), required=False)
    reason = forms.CharField(label=_("Reason for the replacement"), max_length=200, required=False)

    def __init__(self, *args, basis: StatementBasis, **kwargs):
        super().__init__(*args, **kwargs)
        self.basis = basis
        self.line_errors: dict[str, list[str]] = {}
        for code in detail_codes(basis):
            line = next(line for line in statement_lines(basis) if line.code == code)
            self.fields[field_name(code)] = forms.DecimalField(
                label=line_label(line),
                required=False,
                max_digits=18,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "class": "amount", "inputmode": "decimal"}),
            )

    def header_fields(self) -> list[forms.BoundField]:
        """The fields of the statement's header (period, audited, replacement), not its lines."""
        return [self[name] for name in ("period_end", "period_months", "audited", "replace", "reason")]

    def amounts(self) -> dict[str, Decimal]:
        """The lines entered (an empty field is a line left out), by code."""
        return {
            code: self.cleaned_data[field_name(code)]
            for code in detail_codes(self.basis)
            if self.cleaned_data.get(field_name(code)) is not None
        }

    def entered_amounts(self) -> dict[str, Decimal]:
        """The lines that parse as amounts, for the running subtotals while the form is filled in."""
        entered = {}
        for code in detail_codes(self.basis):
            field = self.fields[field_name(code)]
            try:
                value = field.clean(field.widget.value_from_datadict(self.data, self.files, self.add_prefix(field_name(code))))
            except forms.ValidationError:
                continue
            if value is not None:
                entered[code] = value
        return entered

    def add_line_errors(self, errors: tuple[LineError, ...]) -> None:
        """Put the service's errors on their fields, or on their subtotal rows."""
        for error in errors:
            name = field_name(error.line)
            if name in self.fields:
                self.add_error(name, error.message)
            elif error.line in self.fields:
                self.add_error(error.line, error.message)
            else:
                self.line_errors.setdefault(error.line, []).append(error.message)

    def rows(self, subtotals: dict[str, Decimal]):
        """The form in reading order: (part title, [(line, bound field or None, subtotal, errors)])."""
        parts: dict[StatementPart, list] = {}
        for line in statement_lines(self.basis):
            name = field_name(line.code)
            bound = self[name] if name in self.fields else None
            parts.setdefault(line.part, []).append((line, bound, subtotals.get(line.code), self.line_errors.get(line.code, [])))
        return [(line_part, part_title(self.basis, line_part), rows) for line_part, rows in parts.items()]


class StatementUploadForm(forms.Form):
    """A filled-in statement template (XLSX) and, to replace a statement on file, the reason."""

    file = forms.FileField(label=_("Filled-in template (.xlsx)"))
    replace = forms.BooleanField(label=_("Replace the statement on file for this period"), required=False)
    reason = forms.CharField(label=_("Reason for the replacement"), max_length=200, required=False)
