"""The bank's organisation: org units and the people who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Role(models.TextChoices):
    """The roles of DESIGN.md section 1."""

    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    TEAM_LEADER = "team_leader", _("Team leader")
    CREDIT_APPROVER = "credit_approver", _("Credit approver")
    RISK_OFFICER = "risk_officer", _("Risk officer")
    COMPLIANCE_OFFICER = "compliance_officer", _("Compliance officer")
    HEAD_OFFICE = "head_office", _("Head office")
    ADMINISTRATOR = "administrator", _("Administrator")

    @classmethod
    def unit_wide(cls) -> frozenset[str]:
        """Roles that see every customer of their org unit and the units below it."""
        return frozenset({cls.TEAM_LEADER, cls.CREDIT_APPROVER, cls.RISK_OFFICER, cls.COMPLIANCE_OFFICER, cls.HEAD_OFFICE})

    @classmethod
    def changes_customers(cls) -> frozenset[str]:
        """Roles that change customer records in their scope; the others only read them."""
        return frozenset({cls.ACCOUNT_MANAGER, cls.TEAM_LEADER})

    @classmethod
    def may_unmask(cls) -> frozenset[str]:
        """Roles whose work needs personal data in full now and then; each time is recorded."""
        return frozenset({cls.ACCOUNT_MANAGER, cls.TEAM_LEADER, cls.CREDIT_APPROVER, cls.RISK_OFFICER, cls.COMPLIANCE_OFFICER})

    @classmethod
    def reads_audit(cls) -> frozenset[str]:
        """Roles that read the audit trail: of the customers in their scope, or of the whole bank."""
        return frozenset({cls.RISK_OFFICER, cls.COMPLIANCE_OFFICER})

    @classmethod
    def second_factor_required(cls) -> frozenset[str]:
        """Roles that must sign in with a one-time code as well: those who approve or administer."""
        return frozenset({cls.CREDIT_APPROVER, cls.ADMINISTRATOR})


class User(AbstractUser):
    """A person who signs in to rmdesk, with one role in one org unit.

    `language` is the person's own choice of interface language; it follows them across
    devices, unlike a cookie.
    """

    display_name = models.CharField(_("name"), max_length=60, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=20, unique=True, null=True, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, blank=True)
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

    @property
    def needs_second_factor(self) -> bool:
        """Whether this person must confirm a one-time code (TOTP) after the password."""
        return self.role in Role.second_factor_required()

    @property
    def changes_customers(self) -> bool:
        """Whether this person may change the customer records in their scope."""
        return self.role in Role.changes_customers()

    @property
    def may_unmask(self) -> bool:
        """Whether this person may ask to see personal data in full (a recorded action)."""
        return self.role in Role.may_unmask()

    @property
    def reads_audit(self) -> bool:
        """Whether this person may read the audit trail of the customers in their scope."""
        return self.role in Role.reads_audit()

    @property
    def sees_unit(self) -> bool:
        """Whether this person's scope is a whole org unit rather than a personal book."""
        return self.role in Role.unit_wide()
