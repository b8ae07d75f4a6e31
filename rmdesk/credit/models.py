"""Credit: applications through the lifecycle, their investigation, policy checks and approval,
contracts with their credit lines, drawdowns, and the loans they open with their schedules."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet
from rmdesk.customers.models import CustomerKind
from rmdesk.domain.amortisation import RepaymentMethod
from rmdesk.domain.annual_review import DEFAULT_REVIEW_POLICY, ReviewError, ReviewOutcome, ReviewPolicy
from rmdesk.domain.authority import MASTER_SCALE, Delegation
from rmdesk.domain.lifecycle import Action, CreditState, LifecyclePolicy
from rmdesk.domain.origination import DisbursementError, DisbursementPolicy, PaymentMethod
from rmdesk.domain.policy import CreditPolicy, GuarantorKind, PolicyError, Rule


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


# --- the credit lifecycle: from application to disbursement ------------------------------------------


class CreditStateChoice(models.TextChoices):
    """The states of rmdesk.domain.lifecycle.CreditState, with their names in the bank's words."""

    DRAFT = CreditState.DRAFT.value, _("Draft")
    SUBMITTED = CreditState.SUBMITTED.value, _("Submitted")
    INVESTIGATION = CreditState.INVESTIGATION.value, _("Pre-loan investigation")
    POLICY_CHECK = CreditState.POLICY_CHECK.value, _("Policy check")
    IN_APPROVAL = CreditState.IN_APPROVAL.value, _("In approval")
    RETURNED = CreditState.RETURNED.value, _("Returned for more information")
    APPROVED = CreditState.APPROVED.value, _("Approved")
    REJECTED = CreditState.REJECTED.value, _("Rejected")
    WITHDRAWN = CreditState.WITHDRAWN.value, _("Withdrawn")
    CONTRACT_SIGNED = CreditState.CONTRACT_SIGNED.value, _("Contract signed")
    DISBURSED = CreditState.DISBURSED.value, _("Disbursed")
    REPAYING = CreditState.REPAYING.value, _("Repaying")
    OVERDUE = CreditState.OVERDUE.value, _("Overdue")
    RESTRUCTURED = CreditState.RESTRUCTURED.value, _("Restructured")
    CLOSED = CreditState.CLOSED.value, _("Closed")
    WRITTEN_OFF = CreditState.WRITTEN_OFF.value, _("Written off")


class ActionChoice(models.TextChoices):
    """The actions of rmdesk.domain.lifecycle.Action, as the transition history names them."""

    AMEND = Action.AMEND.value, _("Amended")
    SUBMIT = Action.SUBMIT.value, _("Submitted")
    START_INVESTIGATION = Action.START_INVESTIGATION.value, _("Investigation started")
    SEND_TO_POLICY_CHECK = Action.SEND_TO_POLICY_CHECK.value, _("Sent to the policy check")
    RECORD_POLICY_CHECK = Action.RECORD_POLICY_CHECK.value, _("Policy check recorded")
    APPROVE = Action.APPROVE.value, _("Approved")
    REJECT = Action.REJECT.value, _("Rejected")
    RETURN_FOR_INFORMATION = Action.RETURN_FOR_INFORMATION.value, _("Returned for more information")
    RESUME_INVESTIGATION = Action.RESUME_INVESTIGATION.value, _("Investigation resumed")
    WITHDRAW = Action.WITHDRAW.value, _("Withdrawn")
    SIGN_CONTRACT = Action.SIGN_CONTRACT.value, _("Contract signed")
    DRAW = Action.DRAW.value, _("Drawn down")
    REPAY = Action.REPAY.value, _("Repaid")
    MARK_OVERDUE = Action.MARK_OVERDUE.value, _("Marked overdue")
    CURE = Action.CURE.value, _("Arrears cured")
    RESTRUCTURE = Action.RESTRUCTURE.value, _("Restructured")
    END_OBSERVATION = Action.END_OBSERVATION.value, _("Observation ended")
    CLOSE = Action.CLOSE.value, _("Closed")
    WRITE_OFF = Action.WRITE_OFF.value, _("Written off")
    RENEW = Action.RENEW.value, _("Renewal opened")


class CollateralKind(models.TextChoices):
    """Kinds of collateral; the credit policy gives each its highest loan-to-value (rmdesk.domain.policy)."""

    DEPOSIT_PLEDGE = "deposit_pledge", _("Pledged deposit")
    GOVERNMENT_BOND = "government_bond", _("Government bond")
    RESIDENTIAL_PROPERTY = "residential_property", _("Residential property")
    COMMERCIAL_PROPERTY = "commercial_property", _("Commercial property")
    INDUSTRIAL_PROPERTY = "industrial_property", _("Industrial property")
    LAND_USE_RIGHT = "land_use_right", _("Land use right")
    MACHINERY = "machinery", _("Machinery and equipment")
    VEHICLE = "vehicle", _("Vehicle")
    RECEIVABLES = "receivables", _("Receivables")
    INVENTORY = "inventory", _("Inventory")
    OTHER = "other", _("Other")

    @classmethod
    def guarantee_kind(cls, kind: str) -> str:
        """Whether the item is pledged (movables and rights) or mortgaged (property, land, equipment)."""
        pledged = {cls.DEPOSIT_PLEDGE, cls.GOVERNMENT_BOND, cls.RECEIVABLES, cls.INVENTORY}
        return GuaranteeKind.PLEDGE if kind in pledged else GuaranteeKind.MORTGAGE


class GuarantorKindChoice(models.TextChoices):
    ENTERPRISE = GuarantorKind.ENTERPRISE.value, _("Enterprise")
    INDIVIDUAL = GuarantorKind.INDIVIDUAL.value, _("Individual")


class PaymentMethodChoice(models.TextChoices):
    ENTRUSTED = PaymentMethod.ENTRUSTED.value, _("Entrusted payment to the counterparty")
    BORROWER = PaymentMethod.BORROWER.value, _("Paid to the borrower")


def _decimal_map(mapping: dict) -> dict[str, Decimal]:
    return {str(key): Decimal(str(value)) for key, value in mapping.items()}


class CreditPolicySetting(models.Model):
    """The bank's credit policy as data (one row): the limits, lists and thresholds of the policy
    check (rmdesk.domain.policy.CreditPolicy), the approval's validity (rmdesk.domain.lifecycle),
    the collateral that must be insured and the entrusted-payment thresholds
    (rmdesk.domain.origination), the penalty interest's markup (rmdesk.domain.repayment), and the
    annual review's lead days and thresholds
    (rmdesk.domain.annual_review). The defaults are the domain's, installed by migration credit 0004;
    shares are fractions (0.10 for 10%), amounts yuan.
    """

    single_customer_share = models.DecimalField(_("loans to one customer, share of net capital"), max_digits=5, decimal_places=4)
    group_share = models.DecimalField(_("credit to one group, share of net capital"), max_digits=5, decimal_places=4)
    restricted_industries = models.JSONField(_("restricted industries (GB/T 4754 codes)"), default=list, blank=True)
    minimum_grades = models.JSONField(_("minimum grade per product family"), default=dict, blank=True)
    default_minimum_grade = models.CharField(_("minimum grade of other families"), max_length=3, choices=[(g, g) for g in MASTER_SCALE])
    rating_validity_days = models.PositiveSmallIntegerField(_("rating valid for (days)"))
    max_loan_to_value = models.JSONField(_("highest loan-to-value per kind of collateral"), default=dict)
    valuation_validity_days = models.PositiveSmallIntegerField(_("valuation valid for (days)"))
    enterprise_guarantee_multiple = models.DecimalField(_("an enterprise guarantees at most its net worth times"), max_digits=6, decimal_places=2)
    individual_guarantee_multiple = models.DecimalField(_("an individual guarantees at most their annual income times"), max_digits=6, decimal_places=2)
    related_party_single_share = models.DecimalField(_("credit to one related party, share of net capital"), max_digits=5, decimal_places=4)
    related_party_group_share = models.DecimalField(_("credit to one related group, share of net capital"), max_digits=5, decimal_places=4)
    related_party_total_share = models.DecimalField(_("credit to all related parties, share of net capital"), max_digits=5, decimal_places=4)
    rules = models.JSONField(_("rules checked"), default=list)
    approval_validity_days = models.PositiveSmallIntegerField(_("an approval is valid for (days)"))
    insured_collateral_kinds = models.JSONField(_("kinds of collateral that must be insured"), default=list, blank=True)
    entrusted_payment_above = models.JSONField(_("entrusted payment above (yuan) per customer kind"), default=dict)
    penalty_markup = models.DecimalField(
        _("penalty interest: the contract rate raised by this share"), max_digits=5, decimal_places=4, default=Decimal("0.50"),
        help_text=_("0.50: overdue principal and unpaid interest accrue at 1.5 times the contract rate (the People's Bank allows 30% to 50%)."),
    )
    review_lead_days = models.PositiveSmallIntegerField(_("annual review prepared this many days before it is due"), default=30)
    review_exit_days_past_due = models.PositiveSmallIntegerField(
        _("annual review: exit above this many days past due in the year"), default=DEFAULT_REVIEW_POLICY.exit_days_past_due
    )
    review_freeze_days_past_due = models.PositiveSmallIntegerField(
        _("annual review: freeze above this many days past due in the year"), default=DEFAULT_REVIEW_POLICY.freeze_days_past_due
    )
    review_freeze_notches = models.PositiveSmallIntegerField(
        _("annual review: freeze when the grade fell this many notches"), default=DEFAULT_REVIEW_POLICY.freeze_notches
    )
    review_utilisation_floor = models.DecimalField(
        _("annual review: reduce a line used less than this share"), max_digits=5, decimal_places=4, default=DEFAULT_REVIEW_POLICY.utilisation_floor
    )
    review_deposits_fall = models.DecimalField(
        _("annual review: reduce when deposits here fell by more than this share"), max_digits=5, decimal_places=4,
        default=DEFAULT_REVIEW_POLICY.deposits_fall,
    )
    review_deposits_minimum = models.DecimalField(
        _("annual review: deposits a year ago counted from (yuan)"), max_digits=18, decimal_places=2, default=DEFAULT_REVIEW_POLICY.deposits_minimum
    )
    review_inspections_late_allowed = models.PositiveSmallIntegerField(
        _("annual review: late inspections allowed"), default=DEFAULT_REVIEW_POLICY.inspections_late_allowed
    )
    review_statement_flags_allowed = models.PositiveSmallIntegerField(
        _("annual review: statement flags allowed"), default=DEFAULT_REVIEW_POLICY.statement_flags_allowed
    )

    class Meta:
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policy")

    def __str__(self) -> str:
        return str(_("Credit policy"))

    def as_rules(self) -> CreditPolicy:
        """The policy check's rules as the domain reads them; a mistake raises PolicyError."""
        return CreditPolicy(
            single_customer_share=self.single_customer_share,
            group_share=self.group_share,
            restricted_industries=frozenset(str(code).strip().upper() for code in self.restricted_industries),
            minimum_grades=MappingProxyType(dict(self.minimum_grades)),
            default_minimum_grade=self.default_minimum_grade,
            rating_validity_days=self.rating_validity_days,
            max_loan_to_value=MappingProxyType(_decimal_map(self.max_loan_to_value)),
            valuation_validity_days=self.valuation_validity_days,
            enterprise_guarantee_multiple=self.enterprise_guarantee_multiple,
            individual_guarantee_multiple=self.individual_guarantee_multiple,
            related_party_single_share=self.related_party_single_share,
            related_party_group_share=self.related_party_group_share,
            related_party_total_share=self.related_party_total_share,
            rules=frozenset(Rule(code) for code in self.rules),
        )

    def lifecycle_policy(self) -> LifecyclePolicy:
        return LifecyclePolicy(approval_validity_days=self.approval_validity_days)

    def disbursement_policy(self) -> DisbursementPolicy:
        """The entrusted-payment thresholds as the domain reads them; a mistake raises DisbursementError."""
        return DisbursementPolicy(MappingProxyType(_decimal_map(self.entrusted_payment_above)))

    def review_policy(self) -> ReviewPolicy:
        """The annual review's thresholds as the domain reads them; a mistake raises ReviewError."""
        return ReviewPolicy(
            exit_days_past_due=self.review_exit_days_past_due,
            freeze_days_past_due=self.review_freeze_days_past_due,
            freeze_notches=self.review_freeze_notches,
            utilisation_floor=self.review_utilisation_floor,
            deposits_fall=self.review_deposits_fall,
            deposits_minimum=self.review_deposits_minimum,
            inspections_late_allowed=self.review_inspections_late_allowed,
            statement_flags_allowed=self.review_statement_flags_allowed,
        )

    def clean(self) -> None:
        try:
            self.as_rules()
            self.disbursement_policy()
            self.review_policy()
        except ReviewError as error:
            raise ValidationError(str(error)) from None
        except (PolicyError, DisbursementError) as error:
            raise ValidationError(error.message) from None
        except (ValueError, TypeError, ArithmeticError, AttributeError) as error:
            raise ValidationError(_("The policy cannot be read: %(error)s") % {"error": error}) from None
        if not Decimal(0) <= self.penalty_markup <= 1:
            raise ValidationError(_("The penalty markup is a share from 0 to 1 (0.50 for 50%%), not %(value)s.") % {"value": self.penalty_markup})
        unknown = set(self.entrusted_payment_above) - set(CustomerKind.values)
        if unknown:
            raise ValidationError(_("Unknown customer kinds: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))})


class NetCapital(models.Model):
    """The bank's net capital (资本净额) at a quarter end, as reported to the regulator: the base of the
    concentration and related-party limits. Dated, never overwritten: the check uses the latest
    figure on or before its day and shows which."""

    as_of = models.DateField(_("as of"), unique=True)
    amount = models.DecimalField(_("net capital (yuan)"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("net capital")
        verbose_name_plural = _("net capital")
        ordering = ["-as_of"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="net_capital_positive")]

    def __str__(self) -> str:
        return f"{self.as_of}: {self.amount:,.2f}"


class RelatedParty(models.Model):
    """A customer on the bank's list of related parties (关联方: insiders, major shareholders, their
    relatives and companies), from `listed_on` until `ended_on`; `related_group` names the related
    group it belongs to, if any. The related-party limits of the policy check read this list."""

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="related_party_listings")
    related_group = models.CharField(_("related group"), max_length=60, blank=True)
    basis = models.CharField(_("why related"), max_length=200)
    listed_on = models.DateField(_("listed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("related party of the bank")
        verbose_name_plural = _("related parties of the bank")
        ordering = ["-listed_on"]


class CreditApplication(models.Model):
    """A credit from application to disbursement and after: the application's terms and where the
    credit stands in the lifecycle (rmdesk.domain.lifecycle).

    The lifecycle fields (state, route, originators, approved amount and validity, drawn,
    outstanding, observation) are the domain's ``Credit`` stored; they change only through
    rmdesk.credit.services, which applies the domain's commands and records every step as a
    CreditTransition. `pending_level` is the approval level the credit waits for, kept so that
    approvers' queues are one indexed query. `for_group` marks a group credit line (集团授信)
    applied for by the group's lead company; `renews` the credit a renewal (续贷) follows.
    """

    scope_customer = "customer"

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="credit_applications")
    for_group = models.BooleanField(_("for the customer's group"), default=False)
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term in months"))
    annual_rate = models.DecimalField(_("annual rate"), max_digits=7, decimal_places=6)
    repayment_method = models.CharField(_("repayment method"), max_length=24, choices=RepaymentMethodChoice.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    repayment_source = models.TextField(_("repayment source"))
    industry_code = models.CharField(
        _("industry (GB/T 4754)"), max_length=8, help_text=_("The section letter, or a finer class such as C2021, of what the credit finances.")
    )
    state = models.CharField(_("state"), max_length=16, choices=CreditStateChoice.choices, default=CreditStateChoice.DRAFT)
    pending_level = models.CharField(_("waiting for"), max_length=24, blank=True)
    route = models.JSONField(_("approval route"), default=list, blank=True)
    originators = models.JSONField(_("originators"), default=list, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), max_digits=18, decimal_places=2, null=True, blank=True)
    approval_valid_until = models.DateField(_("approval valid until"), null=True, blank=True)
    drawn = models.DecimalField(_("drawn in all"), max_digits=18, decimal_places=2, default=0)
    outstanding = models.DecimalField(_("outstanding principal"), max_digits=18, decimal_places=2, default=0)
    observation_ends_on = models.DateField(_("observation ends on"), null=True, blank=True)
    repayment_period_months = models.PositiveSmallIntegerField(_("repayment period after restructuring (months)"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened on"))
    renews = models.ForeignKey("self", verbose_name=_("renews"), null=True, blank=True, on_delete=models.PROTECT, related_name="renewals")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit application")
        verbose_name_plural = _("credit applications")
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["state", "pending_level"]), models.Index(fields=["customer", "state"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="credit_application_amount_positive")]

    def __str__(self) -> str:
        return self.reference or str(_("new application"))

    @property
    def annual_rate_percent(self):
        return self.annual_rate * 100


class CreditTransition(models.Model):
    """One step of a credit's lifecycle, as the domain recorded it: action, from and to which state,
    by whom (nobody for the nightly run's steps; for whom, when signing as a delegate), at which
    approval level, on which day,
    the amount it moved, the person's own words (opinion or reason) and the domain's account of
    the step. Never changed: the history of a credit is its transitions in order."""

    scope_customer = "application__customer"

    application = models.ForeignKey(CreditApplication, verbose_name=_("credit application"), on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=24, choices=ActionChoice.choices)
    from_state = models.CharField(_("from"), max_length=16, choices=CreditStateChoice.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=CreditStateChoice.choices)
    # Empty for the steps the nightly run takes (a missed payment, arrears paid): nobody decided them.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("on behalf of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("approval level"), max_length=24, blank=True)
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, null=True, blank=True)
    remark = models.TextField(_("opinion or reason"), blank=True)
    detail = models.TextField(_("record of the step"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit transition")
        verbose_name_plural = _("credit transitions")
        ordering = ["application", "pk"]


class Collateral(models.Model):
    """An item of collateral offered for a credit: kind, appraised value and date, earlier charges
    on it, and its insurance in the bank's favour."""

    scope_customer = "application__customer"

    application = models.ForeignKey(CreditApplication, verbose_name=_("credit application"), on_delete=models.CASCADE, related_name="collateral")
    kind = models.CharField(_("kind"), max_length=24, choices=CollateralKind.choices)
    description = models.CharField(_("description"), max_length=120)
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    value = models.DecimalField(_("appraised value (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)
    valued_on = models.DateField(_("valued on"), null=True, blank=True)
    valuer = models.CharField(_("valuer"), max_length=100, blank=True)
    prior_claims = models.DecimalField(_("earlier charges (yuan)"), max_digits=18, decimal_places=2, default=0)
    insurer = models.CharField(_("insurer"), max_length=100, blank=True)
    insured_amount = models.DecimalField(_("insured amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)
    insured_until = models.DateField(_("insured until"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("collateral")
        verbose_name_plural = _("collateral")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.description


class Guarantor(models.Model):
    """A guarantor of a credit: a customer of the bank or someone outside it, the amount guaranteed
    here, what it already guarantees, and its net worth (enterprise) or annual income (individual)."""

    scope_customer = "application__customer"

    application = models.ForeignKey(CreditApplication, verbose_name=_("credit application"), on_delete=models.CASCADE, related_name="guarantors")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer of the bank"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=GuarantorKindChoice.choices)
    amount = models.DecimalField(_("amount guaranteed (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)
    existing_guarantees = models.DecimalField(_("already guarantees (yuan)"), max_digits=18, decimal_places=2, default=0)
    net_worth = models.DecimalField(_("net worth (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)
    annual_income = models.DecimalField(_("annual income (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.name


class Investigation(models.Model):
    """The pre-loan investigation of a credit (贷前调查): the checklist of the customer's kind, each
    item done or not with the account manager's note, the site visit and the conclusion. What the
    bank already knows (profile, flows, statements and their flags, rating, exposure) is not
    typed here: the report reads it from where it is kept (rmdesk.credit.selectors)."""

    scope_customer = "application__customer"

    application = models.OneToOneField(CreditApplication, verbose_name=_("credit application"), on_delete=models.CASCADE, related_name="investigation")
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    site_visit_on = models.DateField(_("site visit on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pre-loan investigation")
        verbose_name_plural = _("pre-loan investigations")

    def done_items(self) -> set[str]:
        return {code for code, entry in self.checklist.items() if entry.get("done")}

    def note(self, code: str) -> str:
        return self.checklist.get(code, {}).get("note", "")


class InvestigationFileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class InvestigationFile(models.Model):
    """A photo or file attached to a pre-loan investigation, optionally to one checklist item."""

    scope_customer = "investigation__application__customer"

    investigation = models.ForeignKey(Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="credit/investigations/%Y/%m/")
    kind = models.CharField(_("kind"), max_length=10, choices=InvestigationFileKind.choices)
    caption = models.CharField(_("caption"), max_length=120)
    checklist_item = models.CharField(_("checklist item"), max_length=40, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation file")
        verbose_name_plural = _("investigation files")
        ordering = ["investigation", "pk"]

    def __str__(self) -> str:
        return self.caption


class PolicyCheck(models.Model):
    """One run of the credit policy check on an application: the facts fed to
    rmdesk.domain.policy.check_policy (kept, so that the result explains itself later), whether it
    passed, the approval route it set, and one PolicyCheckResult per rule."""

    scope_customer = "application__customer"

    application = models.ForeignKey(CreditApplication, verbose_name=_("credit application"), on_delete=models.CASCADE, related_name="policy_checks")
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    facts = models.JSONField(_("facts checked"))
    route = models.JSONField(_("approval route"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy check")
        verbose_name_plural = _("policy checks")
        ordering = ["-pk"]


class PolicyCheckResult(models.Model):
    """One rule's verdict in a policy check: outcome, figure measured, limit, the item it concerns,
    and the domain's reason (kept for the record; the desk renders its own, translated, from the
    rule and the figures)."""

    scope_customer = "policy_check__application__customer"

    policy_check = models.ForeignKey(PolicyCheck, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveSmallIntegerField()
    rule = models.CharField(_("rule"), max_length=32)
    outcome = models.CharField(_("outcome"), max_length=16)
    subject = models.CharField(_("concerning"), max_length=120, blank=True)
    measured = models.CharField(_("measured"), max_length=40, blank=True)
    limit = models.CharField(_("limit"), max_length=80, blank=True)
    reason = models.TextField(_("reason"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy check result")
        verbose_name_plural = _("policy check results")
        ordering = ["policy_check", "position"]


class ApprovalDelegation(models.Model):
    """An approver away from `starts_on` to `ends_on` lets `delegate` sign for them meanwhile, at
    every level they hold (rmdesk.domain.authority.Delegation). Cancelled, never deleted."""

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("away"), on_delete=models.PROTECT, related_name="delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signs instead"), on_delete=models.PROTECT, related_name="delegations_received")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("recorded at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval delegation")
        verbose_name_plural = _("approval delegations")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_ends_after_it_starts"),
            models.CheckConstraint(condition=~Q(delegate=models.F("delegator")), name="delegation_to_someone_else"),
        ]

    @staticmethod
    def scope_condition(user) -> Q | None:
        """The person away and the person signing for them see the delegation."""
        if not user.is_authenticated or not user.is_active:
            return None
        return Q(delegator=user) | Q(delegate=user)

    def as_rules(self) -> Delegation:
        return Delegation(str(self.delegator_id), str(self.delegate_id), self.starts_on, self.ends_on)


class CreditContract(models.Model):
    """The credit contract signed after approval, and the credit line it sets (授信额度): up to
    `line_amount` yuan, drawn from `valid_from` to `valid_until`; a revolving line frees again what
    is repaid. Rate and repayment method apply to every drawdown."""

    scope_customer = "application__customer"

    application = models.OneToOneField(CreditApplication, verbose_name=_("credit application"), on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(_("contract number"), max_length=24, unique=True)
    signed_on = models.DateField(_("signed on"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+")
    line_amount = models.DecimalField(_("credit line (yuan)"), max_digits=18, decimal_places=2)
    valid_from = models.DateField(_("line valid from"))
    valid_until = models.DateField(_("line valid until"))
    revolving = models.BooleanField(_("revolving"), default=False)
    annual_rate = models.DecimalField(_("annual rate"), max_digits=7, decimal_places=6)
    repayment_method = models.CharField(_("repayment method"), max_length=24, choices=RepaymentMethodChoice.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit contract")
        verbose_name_plural = _("credit contracts")
        constraints = [models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="line_ends_after_it_starts")]

    def __str__(self) -> str:
        return self.number

    @property
    def annual_rate_percent(self):
        return self.annual_rate * 100


class Drawdown(models.Model):
    """A drawdown against a credit line (提款), the loan it opened and how its money was paid:
    to the borrower, or by entrusted payment to the named counterparty."""

    scope_customer = "contract__application__customer"

    contract = models.ForeignKey(CreditContract, verbose_name=_("credit contract"), on_delete=models.PROTECT, related_name="drawdowns")
    number = models.PositiveSmallIntegerField(_("number"))
    drawn_on = models.DateField(_("drawn on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term in months"))
    first_due_on = models.DateField(_("first instalment due on"))
    payment_method = models.CharField(_("payment"), max_length=10, choices=PaymentMethodChoice.choices)
    counterparty_name = models.CharField(_("counterparty"), max_length=100, blank=True)
    counterparty_account = models.CharField(_("counterparty account"), max_length=32, blank=True)
    counterparty_bank = models.CharField(_("counterparty bank"), max_length=60, blank=True)
    loan = models.OneToOneField(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="drawdown")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drawdown")
        verbose_name_plural = _("drawdowns")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="one_drawdown_per_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="drawdown_amount_positive"),
        ]


class ReviewOutcomeChoice(models.TextChoices):
    """The outcomes of an annual review (rmdesk.domain.annual_review.ReviewOutcome), most lenient first."""

    CONTINUE = ReviewOutcome.CONTINUE.value, _("Continue as it is")
    REDUCE = ReviewOutcome.REDUCE.value, _("Reduce the line")
    FREEZE = ReviewOutcome.FREEZE.value, _("Freeze: no more drawdowns")
    EXIT = ReviewOutcome.EXIT.value, _("Exit the credit")


class CreditLineReview(models.Model):
    """The annual review of a credit line (授信年审) due on `due_on`, an anniversary of the line.

    Prepared by the machine (rmdesk.credit.reviews, the nightly run): the `facts` it gathered on
    `prepared_on` and its recommendation with its `reasons` (code and figures, as
    rmdesk.domain.annual_review gives them; the desk words them in the reader's language),
    refreshed every night until a person confirms. Then confirmed once by someone who may change
    the customer: the outcome decided, their opinion (required, saying why, when the outcome is
    more lenient than the machine's), who and when; a confirmed review is never changed again.
    One review per line and due date.
    """

    scope_customer = "contract__application__customer"

    contract = models.ForeignKey(CreditContract, verbose_name=_("credit contract"), on_delete=models.PROTECT, related_name="reviews")
    due_on = models.DateField(_("review due on"))
    prepared_on = models.DateField(_("facts as of"))
    facts = models.JSONField(_("facts gathered"), default=dict)
    recommended = models.CharField(_("recommended"), max_length=10, choices=ReviewOutcomeChoice.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    outcome = models.CharField(_("outcome decided"), max_length=10, choices=ReviewOutcomeChoice.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit line review")
        verbose_name_plural = _("credit line reviews")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "due_on"], name="one_review_per_line_and_due_date"),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True, confirmed_by__isnull=True, outcome="")
                | Q(confirmed_on__isnull=False, confirmed_by__isnull=False) & ~Q(outcome=""),
                name="confirmed_review_has_outcome_person_and_date",
            ),
        ]
        indexes = [models.Index(fields=["confirmed_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.due_on}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_on is not None
