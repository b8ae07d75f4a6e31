"""Industry benchmarks in the administration site: configuration, no customer data."""

from django.contrib import admin

from rmdesk.org.admin import AdministratorOnly, desk_admin
from rmdesk.statements.models import IndustryBenchmark


@admin.register(IndustryBenchmark, site=desk_admin)
class IndustryBenchmarkAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ("ratio", "basis", "industry", "lower_quartile", "median", "upper_quartile", "source")
    list_filter = ("basis", "industry", "ratio")
    list_editable = ("lower_quartile", "median", "upper_quartile")

    def has_delete_permission(self, request, obj=None) -> bool:
        # A benchmark removed falls back to the all-industries one: nothing points at it.
        return self.admin_site.has_permission(request)
