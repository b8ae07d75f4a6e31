"""The bank's organisation: org units and the people who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rmdesk.domain.authority import MASTER_SCALE, AuthorityLimit
from rmdesk.products.models import ProductFamily


class OrgUnitKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("Head office")
    BRANCH = "branch", _("Branch")
    SUB_BRANCH = "sub_branch", _("Sub-branch")
    OUTLET = "outlet", _("Outlet")
    TEAM = "team", _("Team")


class OrgUnitQuerySet(models.QuerySet):
    def subtree_ids(self, unit: OrgUnit) -> list[int]:
        """Ids of `unit` and every unit below it, by the materialised path."""
        return list(self.filter(path__startswith=unit.path).values_list("pk", flat=True))


class OrgUnit(models.Model):
    """A unit of the bank: head office > branch > sub-branch or outlet > team.

    `path` is the chain of codes from the root (e.g. `/HO/BR01/OT03/`), kept so that "this unit
    and everything below it" is one indexed prefix query. Units are closed, not deleted, so that
    history keeps pointing at them.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_for(code: str, parent: OrgUnit | None) -> str:
        """The materialised path of a unit with `code` under `parent`."""
        return f"{parent.path if parent else '/'}{code}/"


class RoleCode(models.TextChoices):
    """The roles rmdesk ships with (DESIGN.md section 1); what each may do is data in Role."""

    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    TEAM_LEADER = "team_leader", _("Team leader")
    CREDIT_APPROVER = "credit_approver", _("Credit approver")
    RISK_OFFICER = "risk_officer", _("Risk officer")
    COMPLIANCE_OFFICER = "compliance_officer", _("Compliance officer")
    HEAD_OFFICE = "head_office", _("Head office")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleScope(models.TextChoices):
    """Which customers a role sees (rmdesk.core.scope)."""

    BOOK = "book", _("Their own book")
    UNIT = "unit", _("Their org unit and below")
    NONE = "none", _("No customer data")


class Role(models.Model):
    """A role people hold, and what it may do: configured by the bank, not written in code.

    The scope says which customers the role sees; the flags say what it may do with them.
    The defaults shipped (migration org 0003) follow DESIGN.md section 1; an administrator
    changes them, and adds roles, on the administration site.
    """

    code = models.SlugField(_("code"), max_length=24, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    scope = models.CharField(_("sees"), max_length=8, choices=RoleScope.choices)
    holds_book = models.BooleanField(_("holds a book of customers"), default=False)
    changes_customers = models.BooleanField(_("changes customer records"), default=False)
    hands_over_books = models.BooleanField(_("hands books over"), default=False)
    may_unmask = models.BooleanField(_("may see personal data in full (recorded)"), default=False)
    reads_audit = models.BooleanField(_("reads the audit trail"), default=False)
    requires_second_factor = models.BooleanField(_("signs in with a second factor"), default=False)
    administers = models.BooleanField(_("administers users and configuration"), default=False)
    maintains_related_parties = models.BooleanField(_("maintains the list of the bank's related parties"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class ApprovalAuthority(models.Model):
    """One delegated credit limit of a role: product family, largest amount, worst grade.

    Bank policy as data; rmdesk.domain.authority.within_authority decides with these limits
    whether credit is within a role's authority, and approval routes are built on that.
    """

    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="authorities")
    product_family = models.CharField(
        _("product family"), max_length=20, blank=True, choices=ProductFamily.choices, help_text=_("Empty: every product family.")
    )
    max_amount = models.DecimalField(_("largest amount (yuan)"), max_digits=18, decimal_places=2)
    worst_grade = models.CharField(_("worst grade"), max_length=3, choices=[(g, g) for g in MASTER_SCALE])

    class Meta:
        verbose_name = _("approval authority")
        verbose_name_plural = _("approval authorities")
        constraints = [models.CheckConstraint(condition=models.Q(max_amount__gt=0), name="authority_amount_positive")]

    def as_limit(self) -> AuthorityLimit:
        """This limit as the domain rule reads it."""
        return AuthorityLimit(self.product_family or None, self.max_amount, self.worst_grade)


class User(AbstractUser):
    """A person who signs in to rmdesk, with one role in one org unit.

    `language` is the person's own choice of interface language; it follows them across
    devices, unlike a cookie.
    """

    display_name = models.CharField(_("name"), max_length=60, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=20, unique=True, null=True, blank=True)
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        to_field="code",
        db_column="role",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def _may(self, flag: str) -> bool:
        return self.role is not None and getattr(self.role, flag)

    @property
    def holds_book(self) -> bool:
        """Whether this person can be a customer's account manager."""
        return self._may("holds_book")

    @property
    def needs_second_factor(self) -> bool:
        """Whether this person must confirm a one-time code (TOTP) after the password."""
        return self._may("requires_second_factor")

    @property
    def changes_customers(self) -> bool:
        """Whether this person may change the customer records in their scope."""
        return self._may("changes_customers")

    @property
    def hands_over_books(self) -> bool:
        """Whether this person may hand books over between account managers of their unit."""
        return self._may("hands_over_books")

    @property
    def may_unmask(self) -> bool:
        """Whether this person may ask to see personal data in full (a recorded action)."""
        return self._may("may_unmask")

    @property
    def reads_audit(self) -> bool:
        """Whether this person may read the audit trail of the customers in their scope."""
        return self._may("reads_audit")

    @property
    def administers(self) -> bool:
        """Whether this person administers users, roles and org units."""
        return self._may("administers")

    @property
    def maintains_related_parties(self) -> bool:
        """Whether this person keeps the bank's list of related parties (compliance, by default)."""
        return self._may("maintains_related_parties")

    @property
    def sees_unit(self) -> bool:
        """Whether this person's scope is a whole org unit rather than a personal book."""
        return self.role is not None and self.role.scope == RoleScope.UNIT
