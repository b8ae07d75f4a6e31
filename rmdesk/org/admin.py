"""Administration of people and the organisation, for the administrator role only.

The administrator manages users, their roles and org units, and sees no customer data: no model
that holds customer data (one with `scope_customer`) may be registered here, and a test holds
that. Users are never deleted, only deactivated, and only once their book is handed over.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rmdesk.org.models import ApprovalAuthority, OrgUnit, Role, User
from rmdesk.org.services import org_unit_save, user_check_can_deactivate


class DeskAdminSite(admin.AdminSite):
    """The administration site: open to verified administrators and nobody else."""

    site_header = _("rmdesk administration")
    site_title = _("rmdesk administration")
    index_title = _("People and organisation")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_authenticated and user.administers and user.is_verified()


desk_admin = DeskAdminSite(name="desk_admin")


class AdministratorOnly:
    """Every permission of a page of the administration site is the site's own: administrator."""

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # People and units are closed or deactivated, never deleted: history points at them.
        return False


class DeskUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def clean_is_active(self):
        is_active = self.cleaned_data["is_active"]
        if self.instance.pk and self.instance.is_active and not is_active:
            user_check_can_deactivate(user=self.instance)
        return is_active


class DeskUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "employee_number", "role", "org_unit")


@admin.register(User, site=desk_admin)
class DeskUserAdmin(AdministratorOnly, UserAdmin):
    form = DeskUserChangeForm
    add_form = DeskUserCreationForm
    list_display = ("username", "display_name", "employee_number", "role", "org_unit", "is_active", "last_login")
    list_filter = ("role", "is_active", "org_unit")
    search_fields = ("username", "display_name", "employee_number")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "employee_number", "phone", "language")}),
        (_("Role and place"), {"fields": ("role", "org_unit", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "display_name", "employee_number", "role", "org_unit", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ("code", "name", "kind", "parent", "address", "closed_on")


@admin.register(OrgUnit, site=desk_admin)
class OrgUnitAdmin(AdministratorOnly, admin.ModelAdmin):
    form = OrgUnitForm
    list_display = ("code", "name", "kind", "parent", "closed_on")
    list_filter = ("kind",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Moving a unit would move its subtree's paths and everyone's scope with it: not here.
        return ("code", "parent") if obj else ()

    def save_model(self, request, obj, form, change) -> None:
        try:
            org_unit_save(unit=obj)
        except ValidationError as error:
            form.add_error(None, error)
            raise


class ApprovalAuthorityInline(admin.TabularInline):
    model = ApprovalAuthority
    extra = 1

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)


@admin.register(Role, site=desk_admin)
class RoleAdmin(AdministratorOnly, admin.ModelAdmin):
    """Roles and what they may do, with their approval authority by product, amount and grade."""

    list_display = (
        "code", "name_zh", "name_en", "scope", "holds_book", "changes_customers", "hands_over_books",
        "may_unmask", "reads_audit", "requires_second_factor", "administers",
    )
    inlines = [ApprovalAuthorityInline]

    def get_readonly_fields(self, request, obj=None):
        # People's accounts point at the code; renaming it would re-role them silently.
        return ("code",) if obj else ()
