"""The product catalogue and what customers hold: accounts, daily balances, transactions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet


class ProductFamily(models.TextChoices):
    """Families of the bank's catalogue (DESIGN.md section 2, holdings)."""

    DEPOSIT = "deposit", _("Deposit")
    LOAN = "loan", _("Loan")
    ACCEPTANCE_BILL = "acceptance_bill", _("Bank acceptance bill")
    BILL_DISCOUNT = "bill_discount", _("Bill discount")
    CREDIT_CARD = "credit_card", _("Credit card")
    PAYROLL_AGENCY = "payroll_agency", _("Payroll agency")
    WEALTH = "wealth", _("Wealth product")
    SETTLEMENT = "settlement", _("Settlement and POS")
    E_BANKING = "e_banking", _("E-banking")
    INSURANCE_AGENCY = "insurance_agency", _("Insurance agency")

    @classmethod
    def credit_families(cls) -> frozenset[str]:
        """Families whose balance is money the customer owes the bank."""
        return frozenset({cls.LOAN, cls.BILL_DISCOUNT, cls.CREDIT_CARD})


class Product(models.Model):
    """A product of the bank's catalogue. Names are data in both languages."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    family = models.CharField(_("family"), max_length=20, choices=ProductFamily.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    for_individuals = models.BooleanField(_("for individuals and households"), default=True)
    for_organisations = models.BooleanField(_("for enterprises and sole proprietors"), default=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["family", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class Holding(models.Model):
    """An account or contract of a customer for one product (持有产品).

    `balance` is the end-of-day balance as of `balance_as_of`, the latest of its DailyBalance
    rows; for credit families it is what the customer owes. Closed holdings keep their history.
    """

    scope_customer = "customer"

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="holdings"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="holdings")
    account_number = models.CharField(_("account number"), max_length=32, unique=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    balance = models.DecimalField(_("balance"), max_digits=18, decimal_places=2, default=0)
    balance_as_of = models.DateField(_("balance as of"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        ordering = ["opened_on"]
        indexes = [models.Index(fields=["customer", "closed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="holding_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.account_number


class DailyBalance(models.Model):
    """The end-of-day balance of a holding on a day it changed.

    Stored sparsely: the balance on any day is that of the latest row on or before it. This is
    the daily balance series of the holding without a row for every quiet day, which at county
    scale would be a hundred million rows of repeats.
    """

    scope_customer = "holding__customer"

    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="daily_balances")
    on = models.DateField(_("date"))
    balance = models.DecimalField(_("balance"), max_digits=18, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily balance")
        verbose_name_plural = _("daily balances")
        constraints = [models.UniqueConstraint(fields=["holding", "on"], name="one_balance_per_holding_per_day")]


class Direction(models.TextChoices):
    CREDIT = "C", _("In")
    DEBIT = "D", _("Out")


class Channel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    ATM = "atm", _("ATM")
    MOBILE = "mobile", _("Mobile banking")
    INTERNET = "internet", _("Internet banking")
    POS = "pos", _("POS")
    BATCH = "batch", _("Batch")
    INTERBANK = "interbank", _("Interbank transfer")


class Purpose(models.TextChoices):
    SALARY = "salary", _("Salary")
    SALES = "sales", _("Sales receipts")
    FARM_SALES = "farm_sales", _("Sale of farm produce")
    PURCHASE = "purchase", _("Purchase of goods")
    WAGES_PAID = "wages_paid", _("Wages paid")
    TAX = "tax", _("Tax")
    UTILITIES = "utilities", _("Utilities")
    LIVING = "living", _("Living expenses")
    TRANSFER = "transfer", _("Transfer")
    LOAN_DRAWDOWN = "loan_drawdown", _("Loan drawdown")
    LOAN_REPAYMENT = "loan_repayment", _("Loan repayment")
    INTEREST = "interest", _("Interest")
    CASH = "cash", _("Cash")


class Transaction(models.Model):
    """A movement on a holding: date, amount, direction, counterparty, channel and purpose.

    `amount` is always positive; `direction` says whether money came in or went out. The
    customer is stored beside the holding so that a customer's flows are one indexed read.
    """

    scope_customer = "customer"

    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="transactions")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="transactions")
    booked_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=1, choices=Direction.choices)
    counterparty_name = models.CharField(_("counterparty"), max_length=100, blank=True)
    counterparty_account = models.CharField(_("counterparty account"), max_length=32, blank=True)
    counterparty_bank = models.CharField(_("counterparty bank"), max_length=60, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        indexes = [models.Index(fields=["customer", "booked_on"]), models.Index(fields=["holding", "booked_on"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="transaction_amount_positive")]
