"""Rating policy on the administration site: scorecards, master scale and policy, no customer data.

Ratings themselves hold customer data and are not registered here (rmdesk.org.admin). Edits are
checked by the domain rules before they are saved, with the message naming what is wrong and
where; a scorecard in use is better replaced by a new version than edited, so that the ratings
made with it still explain themselves (they keep their own contributions either way).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from rmdesk.domain import rating as rules
from rmdesk.org.admin import AdministratorOnly, desk_admin
from rmdesk.rating.models import MasterScaleGrade, RatingPolicy, Scorecard


@admin.register(Scorecard, site=desk_admin)
class ScorecardAdmin(AdministratorOnly, admin.ModelAdmin):
    """Expert scorecards per customer kind, checked by the rating rules (Scorecard.clean) on save."""

    list_display = ("code", "version", "customer_kind", "name_zh", "name_en", "in_force")
    list_filter = ("customer_kind", "in_force")


class MasterScaleGradeForm(forms.ModelForm):
    class Meta:
        model = MasterScaleGrade
        fields = ("grade", "pd", "pd_lower", "pd_upper")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        grades = {g.grade: g.as_rules() for g in MasterScaleGrade.objects.exclude(pk=self.instance.pk)}
        # The grade itself is read-only once created: it is the instance's.
        grade = cleaned.get("grade") or self.instance.grade
        grades[grade] = rules.GradePD(grade, cleaned["pd"], cleaned["pd_lower"], cleaned["pd_upper"])
        try:
            rules.MasterScale(tuple(grades[g] for g in rules.MASTER_SCALE if g in grades))
        except rules.ScorecardError as error:
            raise ValidationError(str(error)) from None
        return cleaned


@admin.register(MasterScaleGrade, site=desk_admin)
class MasterScaleGradeAdmin(AdministratorOnly, admin.ModelAdmin):
    """The master scale: each grade's PD band, checked as a whole scale on every change."""

    form = MasterScaleGradeForm
    list_display = ("grade", "pd", "pd_lower", "pd_upper")

    def get_readonly_fields(self, request, obj=None):
        return ("grade",) if obj else ()

    def has_add_permission(self, request) -> bool:
        # The grades are the master scale's; their PD bands are what the bank configures.
        return False


@admin.register(RatingPolicy, site=desk_admin)
class RatingPolicyAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ("validity_months", "renewal_window_days", "default_days_past_due", "statement_max_age_months")

    def has_add_permission(self, request) -> bool:
        return self.admin_site.has_permission(request) and not RatingPolicy.objects.exists()

