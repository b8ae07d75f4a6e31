"""Risk policy on the administration site: classification rules, reserve rates, inspection rhythm.

No customer data: loans' risk records are not registered here (rmdesk.org.admin). Each policy
is one row, installed with the domain's defaults by migration risk 0002; an edit is checked by
the domain's rules (the model's ``clean``) before it is saved, with the message naming what is
wrong.
"""

from __future__ import annotations

from django.contrib import admin

from rmdesk.org.admin import AdministratorOnly, desk_admin
from rmdesk.risk.models import ClassificationPolicy, InspectionPolicy, ProvisionPolicy


class OneRowAdmin(AdministratorOnly, admin.ModelAdmin):
    """A policy of one row: it can be changed, and added only while it is missing."""

    def has_add_permission(self, request) -> bool:
        return self.admin_site.has_permission(request) and not self.model.objects.exists()


@admin.register(ClassificationPolicy, site=desk_admin)
class ClassificationPolicyAdmin(OneRowAdmin):
    list_display = ("__str__", "restructured_floor", "observation_months", "debtor_non_performing_share")


@admin.register(ProvisionPolicy, site=desk_admin)
class ProvisionPolicyAdmin(OneRowAdmin):
    list_display = ("__str__", "general_rate", "special_mention_rate", "substandard_rate", "doubtful_rate", "loss_rate")


@admin.register(InspectionPolicy, site=desk_admin)
class InspectionPolicyAdmin(OneRowAdmin):
    list_display = ("__str__", "first_within_days", "normal_months", "special_mention_months", "after_downgrade_within_days")
