"""Forms of the rating screens: the qualitative questions, an override, a decision on an override."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rmdesk.domain import rating as rules
from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.rating.display import label


class AnswersForm(forms.Form):
    """One choice per qualitative question of the scorecard; left empty, the question is unanswered."""

    def __init__(self, *args, card: rules.Scorecard, **kwargs):
        super().__init__(*args, **kwargs)
        for factor in card.factors:
            if factor.source != rules.FactorSource.QUESTION:
                continue
            self.fields[factor.code] = forms.ChoiceField(
                label=label(factor),
                required=False,
                choices=[("", _("Not answered"))] + [(a.code, label(a)) for a in factor.answers],
            )


class OverrideForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=[(g, g) for g in MASTER_SCALE])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve the override")), ("reject", _("Reject: the proposed grade stands"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
