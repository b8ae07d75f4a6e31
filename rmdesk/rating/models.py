"""Credit ratings: the bank's scorecards and master scale as data, and every customer's ratings.

The rules are in rmdesk.domain.rating; these models hold the bank's configuration of them and
the record of each rating: what the machine proposed, from which values, and what the people
decided. A rating is never overwritten by the next one: each re-rating is a new row, and the
history is the customer's list of ratings.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rmdesk.core.scope import RestrictedQuerySet
from rmdesk.customers.models import CustomerKind
from rmdesk.domain import rating as rules
from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.domain.ratios import RATIOS_BY_CODE
from rmdesk.domain.statements import StatementBasis

GRADE_CHOICES = [(grade, grade) for grade in MASTER_SCALE]

STATEMENT_BASIS_OF_KIND = {
    CustomerKind.ENTERPRISE: StatementBasis.SMALL_ENTERPRISE,
    CustomerKind.SOLE_PROPRIETOR: StatementBasis.HOUSEHOLD,
    CustomerKind.FARMER_HOUSEHOLD: StatementBasis.HOUSEHOLD,
}
"""The statements each kind of customer hands in (individuals hand in none)."""


class Scorecard(models.Model):
    """An expert scorecard for one kind of customer: factors, weights, bins and score bands as data.

    ``factors`` is the list of factors and ``bands`` the lowest score of each grade, in the form
    rmdesk.domain.rating.scorecard_from_data reads (and checks: weights add up to 1, bins cover
    every value, bands run AAA ... C). One scorecard per kind is in force; ratings keep the
    scorecard they were made with, so a new version is a new row and the old ratings still
    explain themselves.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    customer_kind = models.CharField(_("customer kind"), max_length=20, choices=CustomerKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    factors = models.JSONField(_("factors"))
    bands = models.JSONField(_("lowest score of each grade"))
    in_force = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["customer_kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_scorecard_per_code_and_version"),
            models.UniqueConstraint(fields=["customer_kind"], condition=Q(in_force=True), name="one_scorecard_in_force_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    def as_rules(self) -> rules.Scorecard:
        """This scorecard as the domain rules read it; a mistake raises ScorecardError."""
        return rules.scorecard_from_data(
            code=self.code, version=self.version, customer_kind=self.customer_kind, label_zh=self.name_zh,
            label_en=self.name_en, factors=self.factors, bands=self.bands,
        )

    def clean(self) -> None:
        try:
            card = self.as_rules()
        except rules.ScorecardError as error:
            raise ValidationError(str(error)) from None
        basis = STATEMENT_BASIS_OF_KIND.get(self.customer_kind)
        for factor in card.factors:
            if factor.source != rules.FactorSource.RATIO:
                continue
            ratio = RATIOS_BY_CODE.get(factor.code)
            if ratio is None:
                raise ValidationError(_("Factor %(code)s: there is no such ratio.") % {"code": factor.code})
            if basis not in ratio.bases:
                raise ValidationError(
                    _("Factor %(code)s: this ratio cannot be computed from the statements of this kind of customer.")
                    % {"code": factor.code}
                )


class MasterScaleGrade(models.Model):
    """A grade of the bank's master scale with its one-year PD band and central PD (bank policy).

    The grades together must form a valid scale (rmdesk.domain.rating.MasterScale: bands join up
    from 0 to 1 and rise with the grade; D has a PD of 1).
    """

    grade = models.CharField(_("grade"), max_length=3, choices=GRADE_CHOICES, unique=True)
    pd = models.DecimalField(_("central PD"), max_digits=7, decimal_places=6)
    pd_lower = models.DecimalField(_("PD from"), max_digits=7, decimal_places=6)
    pd_upper = models.DecimalField(_("PD below"), max_digits=7, decimal_places=6)

    class Meta:
        verbose_name = _("master scale grade")
        verbose_name_plural = _("master scale")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.grade

    def as_rules(self) -> rules.GradePD:
        return rules.GradePD(self.grade, self.pd, self.pd_lower, self.pd_upper)


class RatingPolicy(models.Model):
    """The bank's rating policy (one row): validity, who is rated, default, override approvers.

    A confirmed rating is valid ``validity_months``; it is due again ``renewal_window_days``
    before it lapses. Borrowers (customers owing the bank) are rated, and every customer of the
    kinds in ``also_rated_kinds``. More than ``default_days_past_due`` days past due is D.
    Statements older than ``statement_max_age_months`` are not used. ``override_approvers``
    maps a role code to the most notches that role may approve.
    """

    validity_months = models.PositiveSmallIntegerField(_("validity (months)"), default=12)
    renewal_window_days = models.PositiveSmallIntegerField(_("re-rate this many days before expiry"), default=30)
    default_days_past_due = models.PositiveSmallIntegerField(_("default after days past due"), default=90)
    statement_max_age_months = models.PositiveSmallIntegerField(_("oldest statement used (months)"), default=36)
    also_rated_kinds = models.JSONField(_("kinds rated even without a loan"), default=list, blank=True)
    override_approvers = models.JSONField(_("override approvers (role: most notches)"), default=dict)

    class Meta:
        verbose_name = _("rating policy")
        verbose_name_plural = _("rating policy")

    def __str__(self) -> str:
        return str(_("Rating policy"))

    def as_rules(self) -> rules.RatingPolicy:
        return rules.RatingPolicy(
            validity_months=self.validity_months,
            renewal_window_days=self.renewal_window_days,
            default_days_past_due=self.default_days_past_due,
            override_approvers=tuple(sorted((str(role), int(n)) for role, n in self.override_approvers.items())),
        )

    def clean(self) -> None:
        if not isinstance(self.override_approvers, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in self.override_approvers.values()
        ):
            raise ValidationError(_("Override approvers: write each role code with a whole number of notches."))
        unknown = set(self.also_rated_kinds or []) - set(CustomerKind.values)
        if unknown:
            raise ValidationError(_("Unknown customer kinds: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))})
        try:
            self.as_rules()
        except rules.ScorecardError as error:
            raise ValidationError(str(error)) from None


class RatingStatus(models.TextChoices):
    """Where a rating stands: proposed -> confirmed, or override requested -> approved | rejected.

    A rejected override leaves the proposed grade in force: the person asked to depart from the
    scorecard, the next level said no, and the scorecard's grade stands.
    """

    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    OVERRIDE_REQUESTED = "override_requested", _("Override requested")
    APPROVED = "approved", _("Override approved")
    REJECTED = "rejected", _("Override rejected")

    @classmethod
    def open(cls) -> list[str]:
        """Statuses of a rating still waiting for a person."""
        return [cls.PROPOSED, cls.OVERRIDE_REQUESTED]

    @classmethod
    def in_force(cls) -> list[str]:
        """Statuses of a decided rating, whose grade is in force until it lapses."""
        return [cls.CONFIRMED, cls.APPROVED, cls.REJECTED]


class Rating(models.Model):
    """One credit rating of a customer: what the scorecard proposed and what people decided.

    The proposal (score, grade, PD, factor values, qualitative answers, each factor's
    contribution) is computed by rmdesk.domain.rating, by the nightly batch or when the account
    manager answers the questions. A decision sets ``grade`` and ``pd`` and the validity from
    ``valid_from`` to ``valid_until`` (policy: a year). Decided ratings are never changed again
    and never deleted: the next rating is a new row pointing at this one as ``previous``. At
    most one rating per customer is open (proposed or waiting for an override decision).
    """

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="ratings")
    scorecard = models.ForeignKey(Scorecard, verbose_name=_("scorecard"), on_delete=models.PROTECT, related_name="ratings")
    previous = models.ForeignKey("self", verbose_name=_("previous rating"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("data as of"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    proposed_grade = models.CharField(_("proposed grade"), max_length=3, choices=GRADE_CHOICES)
    proposed_pd = models.DecimalField(_("proposed PD"), max_digits=7, decimal_places=6)
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    in_default = models.BooleanField(_("in default"), default=False)
    factor_values = models.JSONField(_("factor values"), default=dict)
    answers = models.JSONField(_("answers to the questions"), default=dict, blank=True)
    contributions = models.JSONField(_("contribution of each factor"), default=list)
    status = models.CharField(_("status"), max_length=20, choices=RatingStatus.choices, default=RatingStatus.PROPOSED)
    grade = models.CharField(_("grade"), max_length=3, choices=GRADE_CHOICES, blank=True)
    pd = models.DecimalField(_("PD"), max_digits=7, decimal_places=6, null=True, blank=True)
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: prepared by the nightly run."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status__in=RatingStatus.open()), name="one_open_rating_per_customer"
            ),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="rating_score_0_to_100"),
            models.CheckConstraint(
                condition=Q(status__in=RatingStatus.open(), grade="") | (~Q(grade="") & Q(valid_until__isnull=False)),
                name="decided_rating_has_grade_and_validity",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "valid_until"]),
            models.Index(fields=["status", "customer"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.grade or self.proposed_grade} · {self.as_of}"

    @property
    def proposed_pd_percent(self) -> Decimal:
        """The proposed PD as a percentage, as the screens show it: 1.2 for 0.012."""
        return self.proposed_pd * 100

    def weighted_points(self) -> dict[str, Decimal]:
        """Each factor's weighted points, as a later rating compares itself with this one."""
        return {c["code"]: Decimal(c["weighted"]) for c in self.contributions}


class OverrideDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RatingOverride(models.Model):
    """A request to give a rating another grade than the proposed one, and the decision on it.

    Rule (rmdesk.domain.rating.override_problems / override_approval_problem): a reason is
    required; the decision is taken by someone else than the requester, holding a role the
    rating policy names, for no more notches than that role may approve, and who has the
    customer in their scope: the team leader of the account manager's unit, or a credit approver
    above it. The decision is final and kept with the rating.
    """

    scope_customer = "rating__customer"

    rating = models.OneToOneField(Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="override")
    requested_grade = models.CharField(_("requested grade"), max_length=3, choices=GRADE_CHOICES)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(_("decision"), max_length=10, choices=OverrideDecision.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating override")
        verbose_name_plural = _("rating overrides")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_a_reason"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")), name="override_four_eyes"
            ),
        ]

    @property
    def notches(self) -> int:
        return rules.notches(self.rating.proposed_grade, self.requested_grade)
