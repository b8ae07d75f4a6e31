"""Forms of the marketing screens: they check the shape of what is typed; the rules are the
services' and the domain's, whose refusals are shown on the field they name."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rmdesk.customers.models import CustomerKind, Tier
from rmdesk.marketing.models import (
    ConfirmedArea,
    InterestTopic,
    LeadSource,
    LifecycleChoice,
    LostReason,
    OpportunityStage,
    ServiceChannel,
    ServiceRequestKind,
    TargetStatus,
    WinBackStatus,
)
from rmdesk.products.models import Product, ProductFamily

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrors:
    """Show an error a service raised on the field it names, or on the form."""

    def add_validation_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class InterestForm(ServiceErrors, forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=InterestTopic.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class OtherBankForm(ServiceErrors, forms.Form):
    bank = forms.CharField(label=_("Bank"), max_length=60)
    family = forms.ChoiceField(label=_("Product"), choices=ProductFamily.choices)
    balance = forms.DecimalField(label=_("About (yuan)"), max_digits=18, decimal_places=2, required=False, min_value=Decimal(0))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ConfirmForm(ServiceErrors, forms.Form):
    areas = forms.MultipleChoiceField(label=_("Confirmed with the customer today"), choices=ConfirmedArea.choices, widget=forms.CheckboxSelectMultiple)


class ServiceRequestForm(ServiceErrors, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceRequestKind.choices)
    channel = forms.ChoiceField(label=_("Received by"), choices=ServiceChannel.choices)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class AnswerForm(ServiceErrors, forms.Form):
    answer = forms.CharField(label=_("Answer given"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OpportunityForm(ServiceErrors, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=[(s, s.label) for s in OpportunityStage if s in OpportunityStage.open()])
    probability = forms.DecimalField(label=_("Chance of winning (%)"), max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=18, decimal_places=2, min_value=0, required=False)
    expected_on = forms.DateField(label=_("Expected on"), widget=DATE, required=False)


class WinForm(ServiceErrors, forms.Form):
    closed_on = forms.DateField(label=_("Won on"), widget=DATE, initial=timezone.localdate)


class LoseForm(ServiceErrors, forms.Form):
    reason = forms.ChoiceField(label=_("Why lost"), choices=LostReason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    closed_on = forms.DateField(label=_("Lost on"), widget=DATE, initial=timezone.localdate)


class LeadForm(ServiceErrors, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    township = forms.CharField(label=_("Township"), max_length=40, required=False)
    need = forms.CharField(label=_("What they need"), max_length=200, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices)
    referred_by_customer = forms.ModelChoiceField(label=_("Referred by customer"), queryset=None, required=False)
    referred_by_colleague = forms.ModelChoiceField(label=_("Referred by colleague"), queryset=None, required=False)

    def __init__(self, *args, customers, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_by_customer"].queryset = customers
        self.fields["referred_by_colleague"].queryset = colleagues


class LeadConvertForm(ServiceErrors, forms.Form):
    customer = forms.ModelChoiceField(label=_("The customer they became"), queryset=None)

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class LeadDropForm(ServiceErrors, forms.Form):
    drop_reason = forms.CharField(label=_("Why dropped"), max_length=200)


class CampaignForm(ServiceErrors, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.order_by("family", "code"))
    kinds = forms.MultipleChoiceField(label=_("Customer kinds (none: all)"), choices=CustomerKind.choices, required=False, widget=forms.CheckboxSelectMultiple)
    tiers = forms.MultipleChoiceField(label=_("Tiers (none: all)"), choices=Tier.choices, required=False, widget=forms.CheckboxSelectMultiple)
    stages = forms.MultipleChoiceField(label=_("Lifecycle stages (none: all)"), choices=LifecycleChoice.choices, required=False, widget=forms.CheckboxSelectMultiple)
    offered_only = forms.BooleanField(label=_("Only customers the product is offered to"), required=False, initial=True)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)


class TargetForm(ServiceErrors, forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Outcome"), choices=[(s, s.label) for s in TargetStatus if s != TargetStatus.TO_CONTACT])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WinBackForm(ServiceErrors, forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("What came of it"), choices=[(s, s.label) for s in WinBackStatus if s != WinBackStatus.OPEN])
    note = forms.CharField(label=_("What was done"), max_length=2000)
