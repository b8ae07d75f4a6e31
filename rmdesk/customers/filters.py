"""The filters of the book: search, kind, tier, industry, outlet, account manager, order."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rmdesk.core.widgets import QuickSelect
from rmdesk.customers.models import Customer, CustomerKind, Industry, Tier
from rmdesk.customers.selectors import managers_in_scope, units_in_scope


class BookFilter(django_filters.FilterSet):
    """Narrows a book that is already restricted to the user's scope; never widens it."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CustomerKind.choices, empty_label=_("All kinds"))
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices, empty_label=_("All tiers"))
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices, empty_label=_("All industries"))
    # Outlets and managers are offered from plain (id, name) rows read once per request: head
    # office chooses among hundreds of managers, and model instances cost more than the page.
    outlet = django_filters.ChoiceFilter(label=_("Outlet"), choices=[], method="filter_outlet", empty_label=_("All outlets"))
    manager = django_filters.ChoiceFilter(
        label=_("Account manager"), field_name="primary_manager_id", choices=[], empty_label=_("All account managers")
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("deposit_balance", "deposits"),
            ("loan_balance", "loans"),
            ("customer_since", "since"),
        ),
        field_labels={
            "name": _("Name"),
            "deposit_balance": _("Deposits"),
            "loan_balance": _("Loans"),
            "customer_since": _("Customer since"),
        },
        empty_label=_("Name"),
    )

    class Meta:
        model = Customer
        fields = ["q", "kind", "tier", "industry", "outlet", "manager"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.sees_unit:
            del self.filters["manager"]
        for name in ("kind", "tier", "industry", "outlet", "manager", "sort"):
            if name in self.filters:
                self.filters[name].extra["widget"] = QuickSelect
        # Given to the form's own fields, so that building the form does not deep-copy them.
        units = list(units_in_scope(user).values_list("pk", "name", "path"))
        self.unit_paths = {str(pk): path for pk, _, path in units}
        self.form.fields["outlet"].choices = [(pk, name) for pk, name, _ in units]
        if "manager" in self.form.fields:
            managers = managers_in_scope(user).order_by("org_unit__path", "display_name", "username")
            self.form.fields["manager"].choices = [
                (pk, display_name or username) for pk, display_name, username in managers.values_list("pk", "display_name", "username")
            ]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_outlet(self, queryset, name, unit_id: str):
        return queryset.filter(org_unit__path__startswith=self.unit_paths[unit_id])

    @property
    def criteria(self) -> dict[str, str]:
        """The filters that passed validation, an outlet as its unit's path (book_page_totals)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # cleaned_data then holds the valid filters only, as `qs` applies them
        criteria = {name: value for name, value in self.form.cleaned_data.items() if value}
        if "outlet" in criteria:
            criteria["outlet"] = self.unit_paths[criteria["outlet"]]
        return criteria
