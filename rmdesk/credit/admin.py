"""Credit policy on the administration site: the policy as data and the bank's net capital.

No customer data is registered here (rmdesk.org.admin). The policy is checked by the domain's
rules before it is saved (CreditPolicySetting.clean), with the message naming what is wrong.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rmdesk.credit.models import CreditPolicySetting, NetCapital
from rmdesk.org.admin import AdministratorOnly, desk_admin


@admin.register(CreditPolicySetting, site=desk_admin)
class CreditPolicySettingAdmin(AdministratorOnly, admin.ModelAdmin):
    """The one row of the bank's credit policy: limits, lists, validity and thresholds."""

    list_display = ("__str__", "single_customer_share", "group_share", "rating_validity_days", "approval_validity_days")
    fieldsets = (
        (None, {"fields": ("single_customer_share", "group_share", "restricted_industries", "rules")}),
        (_("Grades"), {"fields": ("minimum_grades", "default_minimum_grade", "rating_validity_days")}),
        (_("Collateral and guarantors"), {"fields": (
            "max_loan_to_value", "valuation_validity_days", "insured_collateral_kinds",
            "enterprise_guarantee_multiple", "individual_guarantee_multiple",
        )}),
        (_("Related parties"), {"fields": ("related_party_single_share", "related_party_group_share", "related_party_total_share")}),
        (_("Approval and disbursement"), {"fields": ("approval_validity_days", "entrusted_payment_above", "penalty_markup")}),
        (_("Annual review of credit lines"), {"fields": (
            "review_lead_days", "review_exit_days_past_due", "review_freeze_days_past_due", "review_freeze_notches",
            "review_utilisation_floor", "review_deposits_fall", "review_deposits_minimum", "review_inspections_late_allowed",
            "review_statement_flags_allowed",
        )}),
    )

    def has_add_permission(self, request) -> bool:
        return self.admin_site.has_permission(request) and not CreditPolicySetting.objects.exists()


@admin.register(NetCapital, site=desk_admin)
class NetCapitalAdmin(AdministratorOnly, admin.ModelAdmin):
    """The bank's net capital at each quarter end, the base of the concentration limits."""

    list_display = ("as_of", "amount")
