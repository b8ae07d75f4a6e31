"""Risk after the loan: repayments, five-category classification, provisions, post-loan inspections.

The rules are in the domain core (rmdesk.domain.repayment, classification, provisions,
inspection); these models hold the bank's configuration of them as data, with the domain's
defaults, and the record of what happened to each loan. The record is dated and never
overwritten: a repayment, a change of category, a proposal and its decision, an inspection are
each a row of their own. ``LoanRisk`` is the one row per loan that says where it stands now,
derived from that record by the services and the nightly run, as ``Customer.primary_manager``
is derived from the book's assignments.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet
from rmdesk.customers.models import CustomerKind
from rmdesk.domain import classification as classification_rules
from rmdesk.domain import inspection as inspection_rules
from rmdesk.domain import provisions as provision_rules
from rmdesk.domain.classification import Category

_CLASSIFICATION = classification_rules.DEFAULT_CLASSIFICATION_POLICY
_PROVISIONS = provision_rules.DEFAULT_PROVISION_RATES
_INSPECTION = inspection_rules.DEFAULT_INSPECTION_POLICY


class CategoryChoice(models.TextChoices):
    """The five categories (rmdesk.domain.classification.Category), best first."""

    NORMAL = Category.NORMAL.value, _("Normal")
    SPECIAL_MENTION = Category.SPECIAL_MENTION.value, _("Special mention")
    SUBSTANDARD = Category.SUBSTANDARD.value, _("Substandard")
    DOUBTFUL = Category.DOUBTFUL.value, _("Doubtful")
    LOSS = Category.LOSS.value, _("Loss")


class StageChoice(models.TextChoices):
    """IFRS 9 impairment stages (rmdesk.domain.provisions.Stage)."""

    PERFORMING = provision_rules.Stage.PERFORMING.value, _("Stage 1")
    UNDERPERFORMING = provision_rules.Stage.UNDERPERFORMING.value, _("Stage 2")
    CREDIT_IMPAIRED = provision_rules.Stage.CREDIT_IMPAIRED.value, _("Stage 3")


def _steps(steps) -> list[list]:
    return [[days, str(value)] for days, value in steps]


def _default_dpd_floors() -> list[list]:
    return _steps(_CLASSIFICATION.days_past_due_floors)


def _default_card_floors() -> list[list]:
    return _steps(_CLASSIFICATION.credit_card_floors)


def _default_retail_kinds() -> list[str]:
    # The 2023 Measures count personal loans, card loans and small and micro enterprises'
    # debts as retail: a sole proprietor's business loan is a personal business loan.
    return [CustomerKind.INDIVIDUAL.value, CustomerKind.FARMER_HOUSEHOLD.value, CustomerKind.SOLE_PROPRIETOR.value]


def _default_change_approvers() -> list[str]:
    return ["risk_officer", "credit_approver"]


def _default_months_by_grade() -> dict[str, int]:
    return dict(_INSPECTION.months_by_grade)


def _default_escalation() -> list[list]:
    return _steps(_INSPECTION.escalation)


class ClassificationPolicy(models.Model):
    """The bank's five-category classification rules (one row), defaults the 2023 Measures.

    ``days_past_due_floors`` and ``credit_card_floors``: ``[days, category]`` steps, more than
    ``days`` past due gives at least ``category`` (rmdesk.domain.classification). A restructured
    asset is at least ``restructured_floor`` during an observation period of at least
    ``observation_months`` months and ``observation_periods`` repayment periods. For a debtor
    not of the ``retail_kinds``, more than ``debtor_non_performing_share`` of what it owes
    non-performing makes all it owes non-performing. A change of category by judgement is
    approved by a holder of one of the ``change_approvers`` roles, never by its proposer.
    """

    days_past_due_floors = models.JSONField(_("floors by days past due"), default=_default_dpd_floors)
    credit_card_floors = models.JSONField(_("credit-card floors by days past due"), default=_default_card_floors)
    restructured_floor = models.CharField(
        _("restructured, during observation, at least"), max_length=16, choices=CategoryChoice.choices,
        default=_CLASSIFICATION.restructured_floor.value,
    )
    observation_months = models.PositiveSmallIntegerField(_("observation period (months)"), default=_CLASSIFICATION.observation_months)
    observation_periods = models.PositiveSmallIntegerField(
        _("observation period (repayment periods)"), default=_CLASSIFICATION.observation_periods
    )
    debtor_non_performing_share = models.DecimalField(
        _("debtor rule: non-performing share above"), max_digits=5, decimal_places=4,
        default=_CLASSIFICATION.debtor_non_performing_share,
    )
    retail_kinds = models.JSONField(_("customer kinds classified loan by loan (retail)"), default=_default_retail_kinds)
    change_approvers = models.JSONField(_("roles that approve a change of category"), default=_default_change_approvers)

    class Meta:
        verbose_name = _("classification policy")
        verbose_name_plural = _("classification policy")

    def __str__(self) -> str:
        return str(_("Classification policy"))

    def as_rules(self) -> classification_rules.ClassificationPolicy:
        """This policy as the domain reads it; a broken one raises ClassificationError or ValueError."""
        return classification_rules.ClassificationPolicy(
            days_past_due_floors=tuple((int(d), Category(c)) for d, c in self.days_past_due_floors),
            credit_card_floors=tuple((int(d), Category(c)) for d, c in self.credit_card_floors),
            restructured_floor=Category(self.restructured_floor),
            observation_months=self.observation_months,
            observation_periods=self.observation_periods,
            debtor_non_performing_share=Decimal(self.debtor_non_performing_share),
        )

    def clean(self) -> None:
        try:
            self.as_rules()
        except (ValueError, TypeError) as error:
            raise ValidationError(_("The classification rules are not valid: %(error)s") % {"error": error}) from None
        unknown = set(self.retail_kinds or []) - set(CustomerKind.values)
        if unknown:
            raise ValidationError(_("Unknown customer kinds: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))})
        from rmdesk.org.models import Role

        roles = set(self.change_approvers or [])
        missing = roles - set(Role.objects.filter(code__in=roles).values_list("code", flat=True))
        if not roles or missing:
            raise ValidationError(
                _("Name at least one role that approves changes of category; unknown roles: %(roles)s")
                % {"roles": ", ".join(sorted(missing)) or "-"}
            )


class ProvisionPolicy(models.Model):
    """Loan-loss reserve rates (one row), fractions of the balance; defaults PBOC 银发〔2002〕98号.

    A general reserve of ``general_rate`` on every loan and a specific reserve by category
    (rmdesk.domain.provisions.ProvisionRates: every rate from 0 to 1, never lower for a worse
    category). Six decimal places: the guideline's 20% band around 25% and 50% is 0.20-0.30
    and 0.40-0.60.
    """

    general_rate = models.DecimalField(_("general reserve"), max_digits=7, decimal_places=6, default=_PROVISIONS.general)
    normal_rate = models.DecimalField(
        _("normal"), max_digits=7, decimal_places=6, default=_PROVISIONS.specific[Category.NORMAL]
    )
    special_mention_rate = models.DecimalField(
        _("special mention"), max_digits=7, decimal_places=6, default=_PROVISIONS.specific[Category.SPECIAL_MENTION]
    )
    substandard_rate = models.DecimalField(
        _("substandard"), max_digits=7, decimal_places=6, default=_PROVISIONS.specific[Category.SUBSTANDARD]
    )
    doubtful_rate = models.DecimalField(
        _("doubtful"), max_digits=7, decimal_places=6, default=_PROVISIONS.specific[Category.DOUBTFUL]
    )
    loss_rate = models.DecimalField(_("loss"), max_digits=7, decimal_places=6, default=_PROVISIONS.specific[Category.LOSS])

    class Meta:
        verbose_name = _("provision rates")
        verbose_name_plural = _("provision rates")

    def __str__(self) -> str:
        return str(_("Provision rates"))

    def specific_rate(self, category: Category) -> Decimal:
        return Decimal(getattr(self, f"{Category(category).value}_rate"))

    def as_rules(self) -> provision_rules.ProvisionRates:
        """These rates as the domain reads them; broken ones raise ProvisionError."""
        return provision_rules.ProvisionRates(
            general=Decimal(self.general_rate), specific={c: self.specific_rate(c) for c in Category}
        )

    def clean(self) -> None:
        try:
            self.as_rules()
        except provision_rules.ProvisionError as error:
            raise ValidationError(_("The provision rates are not valid: %(error)s") % {"error": error.message}) from None


class InspectionPolicy(models.Model):
    """The post-loan inspection rhythm (one row); defaults: rmdesk.domain.inspection.

    The first inspection within ``first_within_days`` of disbursement; then every so many
    months by the loan's category (the ``*_months`` fields), shortened for the weak grades of
    ``months_by_grade`` (grade: months); a downgrade brings the next one within
    ``after_downgrade_within_days``. A late inspection is reported along ``escalation``
    (``[days late, role]`` steps). Account managers see the inspections due within
    ``list_days_ahead`` days.
    """

    first_within_days = models.PositiveSmallIntegerField(_("first inspection within (days)"), default=_INSPECTION.first_within_days)
    normal_months = models.PositiveSmallIntegerField(_("normal: every (months)"), default=_INSPECTION.months_by_category[Category.NORMAL])
    special_mention_months = models.PositiveSmallIntegerField(
        _("special mention: every (months)"), default=_INSPECTION.months_by_category[Category.SPECIAL_MENTION]
    )
    substandard_months = models.PositiveSmallIntegerField(
        _("substandard: every (months)"), default=_INSPECTION.months_by_category[Category.SUBSTANDARD]
    )
    doubtful_months = models.PositiveSmallIntegerField(
        _("doubtful: every (months)"), default=_INSPECTION.months_by_category[Category.DOUBTFUL]
    )
    loss_months = models.PositiveSmallIntegerField(_("loss: every (months)"), default=_INSPECTION.months_by_category[Category.LOSS])
    months_by_grade = models.JSONField(_("shorter interval for weak grades (grade: months)"), default=_default_months_by_grade, blank=True)
    after_downgrade_within_days = models.PositiveSmallIntegerField(
        _("after a downgrade, within (days)"), default=_INSPECTION.after_downgrade_within_days
    )
    escalation = models.JSONField(_("escalation (days late, role)"), default=_default_escalation)
    list_days_ahead = models.PositiveSmallIntegerField(_("show inspections due within (days)"), default=30)

    class Meta:
        verbose_name = _("inspection policy")
        verbose_name_plural = _("inspection policy")

    def __str__(self) -> str:
        return str(_("Inspection policy"))

    def months_for(self, category: Category) -> int:
        return getattr(self, f"{Category(category).value}_months")

    def as_rules(self) -> inspection_rules.InspectionPolicy:
        """This policy as the domain reads it; a broken one raises InspectionError or ValueError."""
        return inspection_rules.InspectionPolicy(
            first_within_days=self.first_within_days,
            months_by_category={c: self.months_for(c) for c in Category},
            months_by_grade={str(g): int(m) for g, m in (self.months_by_grade or {}).items()},
            after_downgrade_within_days=self.after_downgrade_within_days,
            escalation=tuple((int(d), str(role)) for d, role in self.escalation),
        )

    def clean(self) -> None:
        try:
            self.as_rules()
        except (ValueError, TypeError) as error:
            raise ValidationError(_("The inspection policy is not valid: %(error)s") % {"error": error}) from None


class LoanRisk(models.Model):
    """Where one loan stands on risk now: its category in force, IFRS 9 stage, reserves, inspections.

    Derived, by the services and the nightly run, from the dated record: ``category`` is the
    ``to_category`` of the loan's latest ``CategoryChange`` (normal before the first).
    Categories move worse by the regulatory floors automatically, and by judgement or better
    only through an approved ``CategoryProposal``: the category in force is the judgement the
    floors are applied to (rmdesk.domain.classification.classify_exposure), so that a floor
    that no longer applies never improves a loan without a person's decision. ``balance`` and
    the reserves are as of ``as_of``; ``downgraded_on`` is the day of the latest change to a
    worse category, which brings the next inspection forward.
    """

    scope_customer = "loan__customer"

    loan = models.OneToOneField("credit.Loan", verbose_name=_("loan"), on_delete=models.CASCADE, primary_key=True, related_name="risk")
    category = models.CharField(_("category"), max_length=16, choices=CategoryChoice.choices, default=CategoryChoice.NORMAL)
    category_since = models.DateField(_("category since"))
    downgraded_on = models.DateField(_("last downgraded on"), null=True, blank=True)
    stage = models.CharField(_("IFRS 9 stage"), max_length=8, choices=StageChoice.choices, default=StageChoice.PERFORMING)
    balance = models.DecimalField(_("balance (yuan)"), max_digits=18, decimal_places=2, default=0)
    provision_general = models.DecimalField(_("general reserve (yuan)"), max_digits=18, decimal_places=2, default=0)
    provision_specific = models.DecimalField(_("specific reserve (yuan)"), max_digits=18, decimal_places=2, default=0)
    as_of = models.DateField(_("as of"))
    last_inspected_on = models.DateField(_("last inspected on"), null=True, blank=True)
    next_inspection_due = models.DateField(_("next inspection due"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan risk")
        verbose_name_plural = _("loan risk")
        indexes = [models.Index(fields=["next_inspection_due"]), models.Index(fields=["category"])]

    def __str__(self) -> str:
        return f"{self.loan_id} · {self.category}"

    @property
    def provision_total(self) -> Decimal:
        return self.provision_general + self.provision_specific


class CategoryChange(models.Model):
    """One change of a loan's category (风险分类迁徙): from, to, the floor the rules set, why, who.

    Never changed or deleted: the loan's history of categories is its list of changes. The
    first row of a loan (``from_category`` empty) is its first classification. ``decided_by``
    is empty when the rules moved the loan (the floor of the 2023 Measures, applied by the
    nightly run or on demand), and the approver when a person's proposal (``proposal``) did.
    ``reasons`` are the rules that applied (rule, category, detail), as the domain gave them.
    """

    scope_customer = "loan__customer"

    loan = models.ForeignKey("credit.Loan", verbose_name=_("loan"), on_delete=models.CASCADE, related_name="category_changes")
    on = models.DateField(_("effective on"))
    from_category = models.CharField(_("from"), max_length=16, choices=CategoryChoice.choices, blank=True)
    to_category = models.CharField(_("to"), max_length=16, choices=CategoryChoice.choices)
    floor = models.CharField(_("floor"), max_length=16, choices=CategoryChoice.choices)
    days_past_due = models.PositiveIntegerField(_("days past due"))
    reasons = models.JSONField(_("rules that applied"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: moved by the rules."),
    )
    proposal = models.OneToOneField(
        "CategoryProposal", verbose_name=_("proposal"), null=True, blank=True, on_delete=models.PROTECT, related_name="change"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("category change")
        verbose_name_plural = _("category changes")
        ordering = ["loan", "-on", "-pk"]
        indexes = [models.Index(fields=["loan", "on"]), models.Index(fields=["on"])]
        constraints = [models.CheckConstraint(condition=~Q(from_category=models.F("to_category")), name="category_change_changes")]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.from_category or '-'} -> {self.to_category} ({self.on})"

    @property
    def is_downgrade(self) -> bool:
        return bool(self.from_category) and Category(self.to_category).rank > Category(self.from_category).rank


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CategoryProposal(models.Model):
    """A person's proposal to classify a loan otherwise than it is, and the decision on it.

    Rules (rmdesk.domain.classification.check_judgement and bank policy): the proposal names
    another category than the one in force, never one better than the rules' floor, with a
    reason; it is decided by someone other than its proposer holding a role of the policy's
    ``change_approvers``, with the loan in their scope; a rejection says why. At most one
    proposal per loan waits at a time. ``from_category`` and ``floor`` are as when proposed:
    if the category in force has moved since, the proposal can no longer be approved.
    """

    scope_customer = "loan__customer"

    loan = models.ForeignKey("credit.Loan", verbose_name=_("loan"), on_delete=models.CASCADE, related_name="category_proposals")
    from_category = models.CharField(_("category in force"), max_length=16, choices=CategoryChoice.choices)
    floor = models.CharField(_("floor"), max_length=16, choices=CategoryChoice.choices)
    category = models.CharField(_("proposed category"), max_length=16, choices=CategoryChoice.choices)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("category proposal")
        verbose_name_plural = _("category proposals")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=Q(status="pending"), name="one_pending_category_proposal_per_loan"),
            models.CheckConstraint(condition=~Q(reason=""), name="category_proposal_has_a_reason"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")), name="category_proposal_four_eyes"
            ),
            models.CheckConstraint(condition=~Q(category=models.F("from_category")), name="category_proposal_changes"),
        ]
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.from_category} -> {self.category} ({self.get_status_display()})"


class Restructuring(models.Model):
    """A restructuring (重组) of a loan whose debtor is in financial difficulty: the remaining
    principal rescheduled over `term_months` monthly instalments from `first_repayment_on`, why,
    and the decision on it.

    Rules (the 2023 Measures, DESIGN.md section 3; bank policy): proposed with the debtor's
    difficulty and what changes by someone who may change the customer; decided by someone
    other than the proposer holding a role of the classification policy's ``change_approvers``;
    a rejection says why; one proposal per loan waits at a time. Approved, the loan's unpaid
    instalments are replaced by the new schedule (the interest in arrears is collected with the
    first new instalment), and during the observation period, until `observation_ends_on`
    (rmdesk.domain.classification.observation_period_end), the loan is at least substandard and
    never better than `category_before`, its category when restructured.
    """

    scope_customer = "loan__customer"

    loan = models.ForeignKey("credit.Loan", verbose_name=_("loan"), on_delete=models.CASCADE, related_name="restructurings")
    term_months = models.PositiveSmallIntegerField(_("new term (months)"))
    first_repayment_on = models.DateField(_("first repayment on"))
    reason = models.TextField(_("the debtor's difficulty and what changes"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    category_before = models.CharField(_("category when restructured"), max_length=16, choices=CategoryChoice.choices, blank=True)
    observation_ends_on = models.DateField(_("observation ends on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("restructuring")
        verbose_name_plural = _("restructurings")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=Q(status="pending"), name="one_pending_restructuring_per_loan"),
            models.CheckConstraint(condition=~Q(reason=""), name="restructuring_has_a_reason"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")), name="restructuring_four_eyes"),
        ]


class Repayment(models.Model):
    """A payment received on a loan and how it was allocated (rmdesk.domain.repayment).

    The penalty interest owed first (``penalty``), then oldest instalment first, interest before
    principal; ``lines`` say what went to which instalment. Never changed: a payment recorded in error is reversed by the bank's core
    system, not edited here.
    """

    scope_customer = "loan__customer"

    loan = models.ForeignKey("credit.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    interest = models.DecimalField(_("to interest (yuan)"), max_digits=18, decimal_places=2)
    principal = models.DecimalField(_("to principal (yuan)"), max_digits=18, decimal_places=2)
    penalty = models.DecimalField(_("to penalty interest (yuan)"), max_digits=18, decimal_places=2, default=0)
    reference = models.CharField(_("voucher or transaction reference"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive"),
            # Within half a fen: SQLite adds decimals as floating point numbers in a check.
            models.CheckConstraint(
                condition=Q(amount__gt=models.F("interest") + models.F("principal") + models.F("penalty") - Decimal("0.005"))
                & Q(amount__lt=models.F("interest") + models.F("principal") + models.F("penalty") + Decimal("0.005")),
                name="repayment_fully_allocated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} · {self.paid_on} · {self.amount}"


class RepaymentLine(models.Model):
    """What one repayment put on one instalment, and whether that paid it in full."""

    scope_customer = "repayment__loan__customer"

    repayment = models.ForeignKey(Repayment, on_delete=models.CASCADE, related_name="lines")
    instalment = models.ForeignKey("credit.Instalment", verbose_name=_("instalment"), on_delete=models.PROTECT, related_name="+")
    interest = models.DecimalField(_("interest (yuan)"), max_digits=18, decimal_places=2)
    principal = models.DecimalField(_("principal (yuan)"), max_digits=18, decimal_places=2)
    settles = models.BooleanField(_("paid the instalment in full"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("repayment line")
        verbose_name_plural = _("repayment lines")
        ordering = ["repayment", "instalment__number"]


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class Conclusion(models.TextChoices):
    NO_CONCERN = "no_concern", _("No concern: repayment not in doubt")
    WATCH = "watch", _("Signs to watch, repayment not yet in doubt")
    RECLASSIFY = "reclassify", _("Repayment in doubt: propose another category")


class InspectionKind(models.TextChoices):
    FIRST = "first", _("First inspection after disbursement")
    ROUTINE = "routine", _("Routine inspection")


class Inspection(models.Model):
    """A post-loan inspection (贷后检查): what the machine found and what the account manager saw.

    ``facts`` is the pre-filled part as of the day of the inspection (flows since the last
    inspection, repayment, days past due, documents due, the statements' flags, grade and
    category), kept so that the record explains itself later. The account manager answers
    the checks of the regulators' loan-management measures (use of funds as agreed, operations,
    collateral, guarantors), writes the findings and concludes. ``due_on`` is the date the
    inspection was due by (the schedule of rmdesk.domain.inspection).
    """

    scope_customer = "loan__customer"

    loan = models.ForeignKey("credit.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(_("kind"), max_length=10, choices=InspectionKind.choices)
    due_on = models.DateField(_("due by"))
    inspected_on = models.DateField(_("inspected on"))
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspected by"), on_delete=models.PROTECT, related_name="+")
    facts = models.JSONField(_("what the data showed"), default=dict)
    funds_used_as_agreed = models.CharField(_("funds used for the agreed purpose"), max_length=3, choices=Answer.choices)
    operations_normal = models.CharField(_("operations and income as expected"), max_length=3, choices=Answer.choices)
    collateral_intact = models.CharField(_("collateral intact and insured"), max_length=3, choices=Answer.choices)
    guarantor_able = models.CharField(_("guarantors still able to pay"), max_length=3, choices=Answer.choices)
    findings = models.TextField(_("findings"))
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=Conclusion.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("post-loan inspection")
        verbose_name_plural = _("post-loan inspections")
        ordering = ["-inspected_on", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(findings=""), name="inspection_has_findings")]
        indexes = [models.Index(fields=["loan", "inspected_on"])]

    def __str__(self) -> str:
        return f"{self.loan_id} · {self.inspected_on}"

