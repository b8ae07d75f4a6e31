"""The form to register a customer; the identifier is checked by the standard of its kind."""

from __future__ import annotations

from django import forms
from django.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rmdesk.customers.models import Customer, CustomerKind, Industry
from rmdesk.customers.validators import validate_customer_identifier


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    id_number = forms.CharField(
        label=_("Identifier"),
        max_length=20,
        help_text=_("Resident identity number for individuals and farmer households; unified social credit code otherwise."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices, initial=Industry.NONE)

    def clean(self):
        cleaned = super().clean()
        kind, id_number = cleaned.get("kind"), cleaned.get("id_number")
        if kind and id_number:
            id_kind = "uscc" if kind in CustomerKind.organisations() else "resident_id"
            validate_customer_identifier(id_kind, id_number)
            cleaned["id_number"] = id_number.strip().upper()
        return cleaned

    def add_validation_error(self, error: ValidationError) -> None:
        """Show an error raised by the service on the field it names, or on the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class HandoverForm(forms.Form):
    """A leader hands one account manager's whole book to another in their unit."""

    from_manager = forms.ModelChoiceField(label=_("From account manager"), queryset=None)
    to_manager = forms.ModelChoiceField(label=_("To account manager"), queryset=None)
    effective_on = forms.DateField(label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_manager"].queryset = managers
        self.fields["to_manager"].queryset = managers

    def add_validation_error(self, error: ValidationError) -> None:
        self.add_error(None, error)


class CustomerProfileForm(forms.ModelForm):
    """The editable profile of a customer; each field carries the value it was loaded with.

    `show_hidden_initial` renders the loaded values as hidden inputs, so that the save can tell
    whether someone else changed the customer in between (customer_update).
    """

    class Meta:
        model = Customer
        fields = ["phone", "address", "township", "industry", "occupation", "established_on", "registered_capital"]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True

    def as_loaded(self) -> dict:
        """The values the person's page showed when it was loaded, as the model stores them."""
        loaded = {}
        for name, field in self.fields.items():
            raw = field.hidden_widget().value_from_datadict(self.data, self.files, self.add_initial_prefix(name))
            value = field.to_python(raw)
            loaded[name] = "" if value is None and isinstance(Customer._meta.get_field(name), models.CharField) else value
        return loaded
