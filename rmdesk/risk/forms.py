"""Forms of the risk screens: a repayment, a proposed category, a decision on it, an inspection.

The forms check the shape of what is typed; the rules (what may be repaid, which category may
be proposed, who decides) are the services' and the domain's.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rmdesk.risk.models import Answer, CategoryChoice, Conclusion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (yuan)"), max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    reference = forms.CharField(label=_("Voucher or transaction reference"), max_length=40, required=False)


class ProposalForm(forms.Form):
    category = forms.ChoiceField(label=_("Proposed category"), choices=CategoryChoice.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RestructuringForm(forms.Form):
    term_months = forms.IntegerField(label=_("New term for the remaining principal (months)"), min_value=1, max_value=360)
    first_repayment_on = forms.DateField(label=_("First repayment on"), widget=DATE)
    reason = forms.CharField(label=_("The debtor's difficulty and what changes"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class RestructuringDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the restructuring")), ("reject", _("Reject: the schedule stands"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the change of category")), ("reject", _("Reject: the category in force stands"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE, initial=timezone.localdate)
    funds_used_as_agreed = forms.ChoiceField(label=_("Funds used for the agreed purpose"), choices=Answer.choices, widget=forms.RadioSelect)
    operations_normal = forms.ChoiceField(label=_("Operations and income as expected"), choices=Answer.choices, widget=forms.RadioSelect)
    collateral_intact = forms.ChoiceField(label=_("Collateral intact and insured"), choices=Answer.choices, widget=forms.RadioSelect)
    guarantor_able = forms.ChoiceField(label=_("Guarantors still able to pay"), choices=Answer.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices, widget=forms.RadioSelect)
