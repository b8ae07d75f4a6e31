"""Marketing policy on the administration site: service levels, packages and product terms, no
customer data. Edits are checked by the domain's rules before they are saved, the message naming
what is wrong (a higher tier promised less than a lower one, a package of one product...)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from rmdesk.domain.offers import OfferError, Package
from rmdesk.domain.segments import ServiceLevel, ServiceLevels
from rmdesk.marketing.models import ProductPackage, ProductTerms, ServiceLevelSetting
from rmdesk.org.admin import AdministratorOnly, desk_admin


class ServiceLevelForm(forms.ModelForm):
    class Meta:
        model = ServiceLevelSetting
        fields = ("tier", "contact_every_days", "respond_within_hours")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        levels = {row.tier: ServiceLevel(row.contact_every_days, row.respond_within_hours) for row in ServiceLevelSetting.objects.exclude(pk=self.instance.pk)}
        try:
            levels[cleaned["tier"]] = ServiceLevel(cleaned["contact_every_days"], cleaned["respond_within_hours"])
            ServiceLevels(levels)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        return cleaned


@admin.register(ServiceLevelSetting, site=desk_admin)
class ServiceLevelAdmin(AdministratorOnly, admin.ModelAdmin):
    """The service level of each value tier, checked as a whole set on every change."""

    form = ServiceLevelForm
    list_display = ("tier", "contact_every_days", "respond_within_hours")

    def get_readonly_fields(self, request, obj=None):
        return ("tier",) if obj else ()

    def has_add_permission(self, request) -> bool:
        # Every tier has its row from the start; what the bank configures is the levels.
        return False


class ProductPackageForm(forms.ModelForm):
    class Meta:
        model = ProductPackage
        fields = ("code", "name_zh", "name_en", "products", "kinds", "tiers", "active")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            Package(cleaned["code"], tuple(cleaned["products"] or ()), kinds=frozenset(cleaned["kinds"] or ()), tiers=frozenset(cleaned["tiers"] or ()))
        except (OfferError, TypeError) as error:
            raise ValidationError(str(error)) from None
        return cleaned


@admin.register(ProductPackage, site=desk_admin)
class ProductPackageAdmin(AdministratorOnly, admin.ModelAdmin):
    form = ProductPackageForm
    list_display = ("code", "name_zh", "name_en", "products", "kinds", "tiers", "active")


@admin.register(ProductTerms, site=desk_admin)
class ProductTermsAdmin(AdministratorOnly, admin.ModelAdmin):
    """A product's economics; a product without a row takes its family's defaults."""

    list_display = ("product", "customer_rate", "term_months", "fee_rate", "yearly_fee", "minimum_grade", "several_allowed", "typical_amount")
