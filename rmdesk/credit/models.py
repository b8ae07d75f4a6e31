"""Loans: contract terms and repayment schedules."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet
from rmdesk.domain.amortisation import RepaymentMethod


class RepaymentMethodChoice(models.TextChoices):
    EQUAL_INSTALMENT = RepaymentMethod.EQUAL_INSTALMENT.value, _("Equal instalments")
    EQUAL_PRINCIPAL = RepaymentMethod.EQUAL_PRINCIPAL.value, _("Equal principal")
    INTEREST_ONLY_BULLET = RepaymentMethod.INTEREST_ONLY_BULLET.value, _("Interest monthly, principal at maturity")


class GuaranteeKind(models.TextChoices):
    CREDIT = "credit", _("Unsecured")
    GUARANTEE = "guarantee", _("Guaranteed")
    MORTGAGE = "mortgage", _("Mortgage")
    PLEDGE = "pledge", _("Pledge")


class Loan(models.Model):
    """A loan contract: the terms agreed and where repayment stands.

    The holding carries the account and its daily balances; the loan carries the contract.
    `days_past_due` counts from the oldest instalment not fully paid, as of `status_as_of`.
    """

    scope_customer = "customer"

    holding = models.OneToOneField("products.Holding", on_delete=models.PROTECT, related_name="loan")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="loans")
    contract_number = models.CharField(_("contract number"), max_length=32, unique=True)
    principal = models.DecimalField(_("principal"), max_digits=18, decimal_places=2)
    annual_rate = models.DecimalField(_("annual rate"), max_digits=7, decimal_places=6)
    term_months = models.PositiveSmallIntegerField(_("term in months"))
    repayment_method = models.CharField(_("repayment method"), max_length=24, choices=RepaymentMethodChoice.choices)
    guarantee_kind = models.CharField(_("guarantee"), max_length=10, choices=GuaranteeKind.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    disbursed_on = models.DateField(_("disbursed on"))
    maturity_on = models.DateField(_("matures on"))
    outstanding_principal = models.DecimalField(_("outstanding principal"), max_digits=18, decimal_places=2)
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    status_as_of = models.DateField(_("status as of"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-disbursed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(condition=Q(maturity_on__gt=models.F("disbursed_on")), name="loan_matures_after_disbursement"),
        ]

    def __str__(self) -> str:
        return self.contract_number

    @property
    def annual_rate_percent(self):
        """The annual rate as loan contracts print it: 4.35 for 4.35%."""
        return self.annual_rate * 100


class Instalment(models.Model):
    """One instalment of a loan's repayment schedule, and what has been paid against it."""

    scope_customer = "loan__customer"

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    principal_due = models.DecimalField(_("principal due"), max_digits=18, decimal_places=2)
    interest_due = models.DecimalField(_("interest due"), max_digits=18, decimal_places=2)
    principal_paid = models.DecimalField(_("principal paid"), max_digits=18, decimal_places=2, default=0)
    interest_paid = models.DecimalField(_("interest paid"), max_digits=18, decimal_places=2, default=0)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "number"]
        constraints = [models.UniqueConstraint(fields=["loan", "number"], name="one_instalment_per_number")]

    @property
    def payment_due(self):
        return self.principal_due + self.interest_due
