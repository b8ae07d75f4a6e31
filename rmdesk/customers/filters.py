"""The filters of the book: search, kind, tier, industry, outlet, account manager, order."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rmdesk.core.widgets import QuickSelect
from rmdesk.customers.models import Customer, CustomerKind, Industry, Tier
from rmdesk.customers.selectors import managers_in_scope, units_in_scope
from rmdesk.org.models import OrgUnit


class BookFilter(django_filters.FilterSet):
    """Narrows a book that is already restricted to the user's scope; never widens it."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CustomerKind.choices, empty_label=_("All kinds"))
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices, empty_label=_("All tiers"))
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices, empty_label=_("All industries"))
    outlet = django_filters.ModelChoiceFilter(
        label=_("Outlet"), queryset=OrgUnit.objects.none(), method="filter_outlet", empty_label=_("All outlets")
    )
    manager = django_filters.ModelChoiceFilter(
        label=_("Account manager"), field_name="primary_manager", queryset=None, empty_label=_("All account managers")
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
        self.filters["outlet"].queryset = units_in_scope(user)
        self.filters["manager"].queryset = managers_in_scope(user)
        if not user.sees_unit:
            del self.filters["manager"]
        for name in ("kind", "tier", "industry", "outlet", "manager", "sort"):
            if name in self.filters:
                self.filters[name].extra["widget"] = QuickSelect

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_outlet(self, queryset, name, unit: OrgUnit):
        return queryset.filter(org_unit__path__startswith=unit.path)
