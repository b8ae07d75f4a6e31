"""Forms of the credit screens: they read and check input; the services decide and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rmdesk.credit.display import AREA_LABELS, checklist_text
from rmdesk.credit.models import CollateralKind, GuarantorKindChoice, InvestigationFileKind, PaymentMethodChoice, RepaymentMethodChoice
from rmdesk.customers.models import CustomerKind
from rmdesk.domain.origination import checklist_for
from rmdesk.products.models import Product, ProductFamily

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": Decimal("0.01")}
CREDIT_FAMILIES = sorted({*ProductFamily.credit_families(), ProductFamily.ACCEPTANCE_BILL})


class ServiceErrors:
    """Show a service's refusal on the form."""

    def add_validation_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class ApplicationForm(ServiceErrors, forms.Form):
    """The terms of a credit application; the rate is entered in percent, as contracts print it."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    for_group = forms.BooleanField(label=_("Credit line for the customer's group"), required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=360)
    annual_rate_percent = forms.DecimalField(label=_("Annual rate (%)"), max_digits=7, decimal_places=4, min_value=0, max_value=99)
    repayment_method = forms.ChoiceField(label=_("Repayment method"), choices=RepaymentMethodChoice.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    repayment_source = forms.CharField(label=_("Repayment source"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    industry_code = forms.CharField(
        label=_("Industry (GB/T 4754)"), max_length=8, required=False,
        help_text=_("The section letter, or a finer class such as C2021, of what the credit finances; empty: the customer's industry."),
    )

    def __init__(self, *args, customer_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = customer_kind in CustomerKind.organisations()
        offered = {"for_organisations": True} if organisation else {"for_individuals": True}
        self.fields["product"].queryset = Product.objects.filter(family__in=CREDIT_FAMILIES, withdrawn_on__isnull=True, **offered)

    def terms(self) -> dict:
        """The cleaned terms as the services take them."""
        data = dict(self.cleaned_data)
        data["annual_rate"] = (data.pop("annual_rate_percent") / 100).quantize(Decimal("0.000001"))
        return data


class CollateralForm(ServiceErrors, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CollateralKind.choices)
    description = forms.CharField(label=_("Description"), max_length=120)
    owner = forms.CharField(label=_("Owner"), max_length=100, required=False)
    value = forms.DecimalField(label=_("Appraised value (yuan)"), required=False, **MONEY)
    valued_on = forms.DateField(label=_("Valued on"), required=False, widget=DATE)
    valuer = forms.CharField(label=_("Valuer"), max_length=100, required=False)
    prior_claims = forms.DecimalField(label=_("Earlier charges (yuan)"), max_digits=18, decimal_places=2, min_value=0, required=False)
    insurer = forms.CharField(label=_("Insurer"), max_length=100, required=False)
    insured_amount = forms.DecimalField(label=_("Insured amount (yuan)"), required=False, **MONEY)
    insured_until = forms.DateField(label=_("Insured until"), required=False, widget=DATE)

    def clean_prior_claims(self):
        return self.cleaned_data["prior_claims"] or Decimal("0")


class GuarantorForm(ServiceErrors, forms.Form):
    """A guarantor: a customer of the bank (its figures are read from its statements) or someone else."""

    customer = forms.ModelChoiceField(label=_("Customer of the bank"), queryset=None, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False, help_text=_("Empty for a customer of the bank: its name is used."))
    kind = forms.ChoiceField(label=_("Kind"), choices=GuarantorKindChoice.choices, required=False)
    amount = forms.DecimalField(label=_("Amount guaranteed (yuan)"), **MONEY)
    existing_guarantees = forms.DecimalField(label=_("Already guarantees (yuan)"), max_digits=18, decimal_places=2, min_value=0, required=False)
    net_worth = forms.DecimalField(label=_("Net worth (yuan)"), max_digits=18, decimal_places=2, required=False)
    annual_income = forms.DecimalField(label=_("Annual income (yuan)"), max_digits=18, decimal_places=2, min_value=0, required=False)

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("customer") and not (cleaned.get("name") or "").strip():
            raise ValidationError(_("Choose a customer of the bank or give the guarantor's name."))
        if not cleaned.get("customer") and not cleaned.get("kind"):
            self.add_error("kind", _("Say whether the guarantor is an enterprise or an individual."))
        cleaned["existing_guarantees"] = cleaned.get("existing_guarantees") or Decimal("0")
        return cleaned


class InvestigationForm(ServiceErrors, forms.Form):
    """The checklist of the customer's kind, each item done or not with a note; the visit and conclusion."""

    site_visit_on = forms.DateField(label=_("Site visit on"), required=False, widget=DATE)
    conclusion = forms.CharField(label=_("Conclusion and recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, customer_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = checklist_for(customer_kind)
        for item in self.items:
            self.fields[f"done_{item.code}"] = forms.BooleanField(label=checklist_text(item.code), required=False)
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def areas(self):
        """The checklist grouped by area, each item with its two fields, for the template."""
        grouped: dict = {}
        for item in self.items:
            grouped.setdefault(item.area, []).append((item.code, self[f"done_{item.code}"], self[f"note_{item.code}"]))
        return [(AREA_LABELS[area], rows) for area, rows in grouped.items()]

    def checklist(self) -> dict[str, tuple[bool, str]]:
        return {item.code: (self.cleaned_data[f"done_{item.code}"], self.cleaned_data[f"note_{item.code}"]) for item in self.items}

    @staticmethod
    def initial_from(investigation) -> dict:
        initial = {"site_visit_on": investigation.site_visit_on, "conclusion": investigation.conclusion}
        for code, entry in investigation.checklist.items():
            initial[f"done_{code}"] = entry.get("done", False)
            initial[f"note_{code}"] = entry.get("note", "")
        return initial


class FileForm(ServiceErrors, forms.Form):
    file = forms.FileField(label=_("Photo or file"))
    kind = forms.ChoiceField(label=_("Kind"), choices=InvestigationFileKind.choices)
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)
    checklist_item = forms.ChoiceField(label=_("Checklist item"), required=False)

    def __init__(self, *args, customer_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist_item"].choices = [("", "—")] + [(i.code, checklist_text(i.code)) for i in checklist_for(customer_kind)]


class DecisionForm(ServiceErrors, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for more information")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    approved_amount = forms.DecimalField(label=_("Amount approved (yuan)"), required=False, help_text=_("Empty: the amount applied for."), **MONEY)
    opinion = forms.CharField(
        label=_("Opinion"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject or return: say why, or what is needed."),
    )


class ContractForm(ServiceErrors, forms.Form):
    line_amount = forms.DecimalField(label=_("Credit line (yuan)"), **MONEY)
    valid_from = forms.DateField(label=_("Line valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Line valid until"), widget=DATE)
    revolving = forms.BooleanField(label=_("Revolving: what is repaid may be drawn again"), required=False)
    annual_rate_percent = forms.DecimalField(label=_("Annual rate (%)"), max_digits=7, decimal_places=4, min_value=0, max_value=99)
    repayment_method = forms.ChoiceField(label=_("Repayment method"), choices=RepaymentMethodChoice.choices)

    def terms(self) -> dict:
        data = dict(self.cleaned_data)
        data["annual_rate"] = (data.pop("annual_rate_percent") / 100).quantize(Decimal("0.000001"))
        return data


class DrawdownForm(ServiceErrors, forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=360)
    first_due_on = forms.DateField(label=_("First instalment due on"), widget=DATE)
    payment_method = forms.ChoiceField(label=_("Payment"), choices=PaymentMethodChoice.choices, widget=forms.RadioSelect)
    counterparty_name = forms.CharField(label=_("Counterparty"), max_length=100, required=False)
    counterparty_account = forms.CharField(label=_("Counterparty account"), max_length=32, required=False)
    counterparty_bank = forms.CharField(label=_("Counterparty bank"), max_length=60, required=False)


class DelegationForm(ServiceErrors, forms.Form):
    delegate = forms.ModelChoiceField(label=_("Who signs for you"), queryset=None)
    starts_on = forms.DateField(label=_("Away from"), widget=DATE)
    ends_on = forms.DateField(label=_("Away until"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, delegates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = delegates


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RelatedPartyForm(ServiceErrors, forms.Form):
    """A customer put on the bank's list of related parties, found by customer number."""

    customer_number = forms.CharField(label=_("Customer number"), max_length=20)
    basis = forms.CharField(label=_("Why related"), max_length=200, help_text=_("For example: a director's company, a major shareholder, a relative of an insider."))
    related_group = forms.CharField(label=_("Related group"), max_length=60, required=False)
    listed_on = forms.DateField(label=_("Listed from"), widget=DATE, initial=timezone.localdate)


class ListingEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE, initial=timezone.localdate)
