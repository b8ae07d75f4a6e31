"""Customers, the people behind them, how they are related, and whose book they are in."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet
from rmdesk.customers.validators import validate_customer_identifier


class CustomerKind(models.TextChoices):
    """The four kinds of customer of a rural commercial bank (DESIGN.md section 2)."""

    ENTERPRISE = "enterprise", _("Enterprise")
    SOLE_PROPRIETOR = "sole_proprietor", _("Sole proprietor")
    FARMER_HOUSEHOLD = "farmer_household", _("Farmer household")
    INDIVIDUAL = "individual", _("Individual")

    @classmethod
    def organisations(cls) -> frozenset[str]:
        """Kinds identified by a unified social credit code (GB 32100) rather than a person's ID."""
        return frozenset({cls.ENTERPRISE, cls.SOLE_PROPRIETOR})


class IdentifierKind(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity number")
    UNIFIED_SOCIAL_CREDIT_CODE = "uscc", _("Unified social credit code")


class Tier(models.TextChoices):
    """Value tiers by assets under management; thresholds in rmdesk.domain.tiers (bank policy)."""

    PRIVATE = "private", _("Private banking")
    WEALTH = "wealth", _("Wealth")
    AFFLUENT = "affluent", _("Affluent")
    MASS = "mass", _("Mass")


class Industry(models.TextChoices):
    """Sections of the national industry classification GB/T 4754-2017 that a county bank serves."""

    AGRICULTURE = "A", _("Agriculture, forestry, animal husbandry and fishery")
    MINING = "B", _("Mining")
    MANUFACTURING = "C", _("Manufacturing")
    UTILITIES = "D", _("Electricity, heat, gas and water")
    CONSTRUCTION = "E", _("Construction")
    TRADE = "F", _("Wholesale and retail trade")
    TRANSPORT = "G", _("Transport, storage and postal services")
    HOSPITALITY = "H", _("Accommodation and catering")
    IT = "I", _("Information technology services")
    REAL_ESTATE = "K", _("Real estate")
    LEASING = "L", _("Leasing and business services")
    RESIDENT_SERVICES = "O", _("Resident services and repairs")
    EDUCATION = "P", _("Education")
    HEALTH = "Q", _("Health and social work")
    PUBLIC = "S", _("Public administration and social organisations")
    NONE = "Z", _("Not applicable (salaried or retired)")


# Customer numbers, resident IDs, credit codes and phones: Latin letters and digits, with digits.
_LOOKS_LIKE_A_NUMBER = re.compile(r"(?=.*[0-9])[0-9A-Za-z-]{4,}")
# Trigram indexes find a part of a name from three characters on; shorter text is a surname.
_SHORTEST_NAME_PART = 3


class CustomerQuerySet(RestrictedQuerySet):
    def search(self, text: str) -> CustomerQuerySet:
        """Customers found by what an account manager types: a name, or a number.

        Digits and Latin letters are a customer number, an identifier (from its start) or a
        phone number (any part, e.g. its last four digits); anything else is a name: one or two
        characters match the start of the name (a surname: 王, 王芳), three or more any part of
        it (木业公司). Telling them apart keeps each search on an index instead of reading
        every customer.
        """
        text = text.strip()
        if not text:
            return self
        if _LOOKS_LIKE_A_NUMBER.fullmatch(text):
            return self.filter(
                Q(number=text.upper()) | Q(id_number__startswith=text.upper()) | Q(phone__contains=text)
            )
        if len(text) < _SHORTEST_NAME_PART:
            return self.filter(name__istartswith=text)
        return self.filter(name__icontains=text)


class Customer(models.Model):
    """A customer of the bank: enterprise, sole proprietor, farmer household or individual.

    `primary_manager` and `org_unit` are the current holder of the book and their unit, kept by
    the book services in the same transaction as the assignment history (BookAssignment), which
    is the record; they are stored here so that scope and book queries need no join.
    `deposit_balance` and `loan_balance` are the positions as of `positions_as_of`, refreshed
    from holdings by `rmdesk.products.services.positions_refresh`.
    """

    scope_customer = ""

    number = models.CharField(_("customer number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_kind = models.CharField(_("identifier kind"), max_length=16, choices=IdentifierKind.choices)
    id_number = models.CharField(_("identifier"), max_length=18, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    township = models.CharField(_("township"), max_length=40, blank=True)
    industry = models.CharField(_("industry"), max_length=2, choices=Industry.choices, default=Industry.NONE)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.MASS)
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    customer_since = models.DateField(_("customer since"))
    # No index of their own: the indexes below that begin with them serve every lookup by them.
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("managing unit"), on_delete=models.PROTECT, related_name="customers", db_index=False
    )
    primary_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("primary account manager"),
        on_delete=models.PROTECT,
        related_name="primary_customers",
        db_index=False,
    )
    deposit_balance = models.DecimalField(_("deposits"), max_digits=18, decimal_places=2, default=0)
    loan_balance = models.DecimalField(_("loans"), max_digits=18, decimal_places=2, default=0)
    positions_as_of = models.DateField(_("positions as of"), null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=sorted(CustomerKind.organisations()), id_kind=IdentifierKind.UNIFIED_SOCIAL_CREDIT_CODE)
                | (~Q(kind__in=sorted(CustomerKind.organisations())) & Q(id_kind=IdentifierKind.RESIDENT_ID)),
                name="customer_identifier_kind_fits_customer_kind",
            )
        ]
        # Every index is paid for on each write of a customer (200,000 of them when positions
        # are refreshed), so there is none that another already answers: name and phone are
        # declared here rather than with db_index, which on PostgreSQL adds a second,
        # pattern-matching copy that no search uses (name searches use the expression indexes
        # of migrations 0005 and 0006; phone searches look for any part of the number).
        indexes = [
            models.Index(fields=["name"], name="customer_name"),
            models.Index(fields=["phone"], name="customer_phone"),
            models.Index(fields=["primary_manager", "name"]),
            models.Index(fields=["org_unit", "name"]),
            models.Index(fields=["primary_manager", "deposit_balance"]),
            models.Index(fields=["primary_manager", "loan_balance"]),
            models.Index(fields=["org_unit", "deposit_balance"]),
            models.Index(fields=["org_unit", "loan_balance"]),
            models.Index(fields=["deposit_balance", "id"]),
            models.Index(fields=["loan_balance", "id"]),
            models.Index(fields=["customer_since", "id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_customer_identifier(self.id_kind, self.id_number)


class KeyPersonRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    ACTUAL_CONTROLLER = "actual_controller", _("Actual controller")
    SHAREHOLDER = "shareholder", _("Shareholder")
    FINANCIAL_OFFICER = "financial_officer", _("Financial officer")
    HOUSEHOLD_HEAD = "household_head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    FAMILY_MEMBER = "family_member", _("Family member")
    CONTACT = "contact", _("Contact")


class KeyPerson(models.Model):
    """A person who matters for a customer: owner, controller, spouse, financial officer, contact."""

    scope_customer = "customer"

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role"), max_length=24, choices=KeyPersonRole.choices)
    name = models.CharField(_("name"), max_length=60)
    id_number = models.CharField(_("resident identity number"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    share = models.DecimalField(_("shareholding"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key people")

    def __str__(self) -> str:
        return self.name


class RelationshipKind(models.TextChoices):
    """How two customers are linked; exposure to linked customers is counted together."""

    GROUP_MEMBER = "group_member", _("Member of group")
    RELATED_PARTY = "related_party", _("Related party")
    FAMILY = "family", _("Family")
    GUARANTOR = "guarantor", _("Guarantor of")


class Relationship(models.Model):
    """A dated link from one customer to another.

    Read as "`from_customer` is <kind> `to_customer`": a guarantor row means `from_customer`
    guarantees `to_customer`'s debts, so a cycle of guarantor rows is a guarantee circle (担保圈).
    Links are ended, never deleted, so the history stays.
    """

    scope_customer = "from_customer"

    from_customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="relationships_out"
    )
    to_customer = models.ForeignKey(
        Customer, verbose_name=_("related customer"), on_delete=models.CASCADE, related_name="relationships_in"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RelationshipKind.choices)
    since = models.DateField(_("since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(condition=~Q(from_customer=models.F("to_customer")), name="relationship_not_to_itself"),
        ]


class BookRole(models.TextChoices):
    PRIMARY = "primary", _("Primary account manager")
    ASSISTING = "assisting", _("Assisting account manager")


class BookAssignmentQuerySet(RestrictedQuerySet):
    def current(self) -> BookAssignmentQuerySet:
        return self.filter(ended_on__isnull=True)


class BookAssignment(models.Model):
    """One account manager's responsibility for one customer over a period (管户).

    The rule: exactly one primary manager per customer at any time, any number of assisting
    managers; a handover ends one assignment and starts another, so the history is complete.
    The database refuses a second open primary assignment.
    """

    scope_customer = "customer"

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="assignments")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=BookRole.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = BookAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("book assignment")
        verbose_name_plural = _("book assignments")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(role="primary", ended_on__isnull=True),
                name="one_open_primary_assignment_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_it_starts",
            ),
        ]
        indexes = [
            # An account manager's book is their open assignments: read from the index alone.
            models.Index(fields=["manager", "customer"], condition=Q(ended_on__isnull=True), name="open_assignment_by_manager"),
        ]


class BookPosition(models.Model):
    """What one account manager's book holds of one kind, tier and industry, as of a date.

    One row per positions date and cell (org unit, primary manager, kind, tier, industry) that
    has customers: how many, their deposits and their loans, the sums of the customers'
    positions (`Customer.deposit_balance`, `loan_balance`). The totals of a unit's book, of the
    whole bank or of any filter on these columns are then a sum over at most a few thousand
    cells instead of a sum over every customer on each page.

    `rmdesk.products.services.positions_refresh` writes the rows of its date, and the rows of
    earlier dates stay: the books' positions as they stood on each date. The book services
    (customers created, handed over, re-classified) re-add up the cells of the managers they
    touch for the latest date in the same transaction, so the latest rows always agree with
    the customers themselves.
    """

    as_of = models.DateField(_("positions as of"))
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("managing unit"), on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("primary account manager"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    industry = models.CharField(_("industry"), max_length=2, choices=Industry.choices)
    customers = models.PositiveIntegerField(_("customers"))
    deposits = models.DecimalField(_("deposits"), max_digits=20, decimal_places=2)
    loans = models.DecimalField(_("loans"), max_digits=20, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("book position")
        verbose_name_plural = _("book positions")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "org_unit", "manager", "kind", "tier", "industry"], name="one_book_position_per_cell_and_date"
            ),
        ]
        indexes = [models.Index(fields=["as_of", "manager"], name="book_position_of_manager")]

    @staticmethod
    def scope_condition(user) -> Q | None:
        """Positions of the units a unit-scoped role sees; a personal book is read from its customers.

        An account manager's book includes customers they assist, which cells of primary
        managers cannot tell apart, so book-scoped roles see no rows here.
        """
        from rmdesk.core.scope import unit_scope_condition

        if not user.is_authenticated or not user.is_active or user.org_unit_id is None or not user.sees_unit:
            return None
        return unit_scope_condition(user, field="org_unit_id")


class StatementBasis(models.TextChoices):
    SMALL_ENTERPRISE = "small_enterprise", _("Accounting standard for small enterprises")
    HOUSEHOLD = "household", _("Simplified household and farm statement")


class FinancialStatement(models.Model):
    """A customer's financial statement for one period: the header of its lines.

    Lines are held by code (rmdesk.domain.statements) so that one table serves the small
    enterprise standard and the simplified household statement alike.
    """

    scope_customer = "customer"

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="statements")
    basis = models.CharField(_("basis"), max_length=20, choices=StatementBasis.choices)
    period_end = models.DateField(_("period end"))
    period_months = models.PositiveSmallIntegerField(_("months in period"), default=12)
    audited = models.BooleanField(_("audited"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("financial statement")
        verbose_name_plural = _("financial statements")
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "period_end", "period_months"], name="one_statement_per_period"),
        ]


class FinancialStatementLine(models.Model):
    """One line of a financial statement: a line code and its amount in yuan."""

    scope_customer = "statement__customer"

    statement = models.ForeignKey(FinancialStatement, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(_("line"), max_length=40)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [models.UniqueConstraint(fields=["statement", "code"], name="one_amount_per_statement_line")]


class Handover(models.Model):
    """A book handed from one account manager to another (移交), with the customers it moved.

    The assignments themselves carry the history; this record says who decided it, when and why,
    and is what the new manager's handover pack is built from.
    """

    from_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.PROTECT, related_name="handovers_given"
    )
    to_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT, related_name="handovers_received"
    )
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=200)
    customers = models.ManyToManyField(Customer, verbose_name=_("customers"), related_name="handovers")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_manager} → {self.to_manager} ({self.effective_on})"

    @staticmethod
    def scope_condition(user) -> Q | None:
        """The two managers see their handovers; leaders see those of their unit and below."""
        from rmdesk.core.scope import unit_scope_condition

        if not user.is_authenticated or not user.is_active or user.org_unit_id is None:
            return None
        if user.sees_unit:
            return unit_scope_condition(user, field="org_unit_id")
        return Q(from_manager=user) | Q(to_manager=user)
