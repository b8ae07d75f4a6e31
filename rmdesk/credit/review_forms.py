"""The form of an annual review's confirmation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rmdesk.credit.forms import ServiceErrors
from rmdesk.credit.models import ReviewOutcomeChoice


class ReviewConfirmForm(ServiceErrors, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcomeChoice.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("Opinion"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for an outcome more lenient than the recommendation: say why."),
    )
