"""Marketing: what the bank knows of each customer, what to offer, the pipeline and the radar.

The rules are in the domain core (rmdesk.domain.segments, knowledge, profitability, offers,
attrition); these models hold the bank's configuration of them as data, what the account
managers record (interests, other banks, service requests, leads, opportunities, campaigns),
and the dated results of the nightly portfolio batch (rmdesk.marketing.batch): one snapshot row
per customer and business date, never overwritten by a later date, so that any past day can be
shown as it stood.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rmdesk.core.scope import RestrictedQuerySet
from rmdesk.customers.models import CustomerKind, Tier
from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.domain.knowledge import KnowledgeArea
from rmdesk.domain.offers import ReasonCode
from rmdesk.domain.segments import LifecycleStage
from rmdesk.products.models import ProductFamily

GRADE_CHOICES = [(grade, grade) for grade in MASTER_SCALE]


def _unit_or_own(user, *, manager_field: str, unit_field: str) -> Q | None:
    """Rows of a unit-scoped person's units and below, or a book-scoped person's own rows."""
    from rmdesk.core.scope import unit_scope_condition

    if not user.is_authenticated or not user.is_active or user.org_unit_id is None or user.role is None:
        return None
    if user.sees_unit:
        return unit_scope_condition(user, field=unit_field)
    if user.holds_book:
        return Q(**{manager_field: user.pk})
    return None


# --- configuration: bank policy as data -----------------------------------------------------------


class ServiceLevelSetting(models.Model):
    """The service level of one value tier: contact at least every so many days, answer a
    request within so many hours (bank policy; rmdesk.domain.segments.ServiceLevels checks that
    every tier has one and that a higher tier is never promised less). Defaults:
    rmdesk.domain.segments.DEFAULT_SERVICE_LEVELS, installed by migration."""

    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, unique=True)
    contact_every_days = models.PositiveSmallIntegerField(_("contact at least every (days)"))
    respond_within_hours = models.PositiveSmallIntegerField(_("answer a request within (hours)"))

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["contact_every_days"]

    def __str__(self) -> str:
        return self.get_tier_display()


class ProductTerms(models.Model):
    """What the bank pays or charges on one product, as profitability and offers read it.

    ``customer_rate``: the annual rate paid on a deposit or charged on credit (a loan's own
    contract rate wins for loans on the books); ``term_months``: the term it is transfer-priced
    at (empty: no maturity); ``fee_rate`` and ``yearly_fee``: fee income a year, as a share of
    the balance and as a fixed amount; ``exposure_class``: for credit, the class of its risk
    weight (empty: by the kind of customer); ``minimum_grade``: for credit, the worst grade
    still offered it (empty: the credit policy's minimum of its family); ``several_allowed``: a
    customer may hold more than one; ``typical_amount``: the amount of a new holding when no
    customer of the same kind holds one yet. A product without a row takes its family's
    defaults (rmdesk.marketing.defaults.FAMILY_TERMS).
    """

    product = models.OneToOneField("products.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="terms")
    customer_rate = models.DecimalField(_("customer rate"), max_digits=7, decimal_places=6, default=0)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    fee_rate = models.DecimalField(_("fees a year, share of the balance"), max_digits=7, decimal_places=6, default=0)
    yearly_fee = models.DecimalField(_("fees a year (yuan)"), max_digits=12, decimal_places=2, default=0)
    exposure_class = models.CharField(_("exposure class"), max_length=24, blank=True)
    minimum_grade = models.CharField(_("minimum grade"), max_length=3, choices=GRADE_CHOICES, blank=True)
    several_allowed = models.BooleanField(_("a customer may hold several"), default=False)
    typical_amount = models.DecimalField(_("typical amount (yuan)"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("product terms")
        verbose_name_plural = _("product terms")

    def __str__(self) -> str:
        return str(self.product)


class ProductPackage(models.Model):
    """A bundle of products offered together to a segment (产品组合): customers of the listed
    kinds and tiers (empty: any). ``products`` are product codes. Defaults:
    rmdesk.domain.offers.DEFAULT_PACKAGES, installed by migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    products = models.JSONField(_("product codes"))
    kinds = models.JSONField(_("customer kinds (empty: any)"), default=list, blank=True)
    tiers = models.JSONField(_("tiers (empty: any)"), default=list, blank=True)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("product package")
        verbose_name_plural = _("product packages")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class AcceptanceFit(models.Model):
    """One fit of the acceptance model (rmdesk.analytics.acceptance) on the bank's own history.

    The rows are offers the bank can learn from: every customer who could have taken up a
    product in the year before ``as_of`` (label: took it up or not) and every campaign contact
    with its outcome. Refusals are sampled down per product (``sampling``: the share kept), and
    the probabilities are corrected for it. ``model`` is the fitted estimator, pickled.
    """

    as_of = models.DateField(_("history up to"))
    fitted_at = models.DateTimeField(_("fitted at"))
    rows = models.PositiveIntegerField(_("rows"))
    accepted = models.PositiveIntegerField(_("accepted"))
    campaign_rows = models.PositiveIntegerField(_("campaign rows"), default=0)
    sampling = models.JSONField(_("share of refusals kept, by product"), default=dict)
    own_scorecards = models.JSONField(_("products with a scorecard of their own"), default=list)
    holdout_auc = models.DecimalField(_("AUC on held-out rows"), max_digits=5, decimal_places=4, null=True, blank=True)
    seconds = models.DecimalField(_("seconds to fit"), max_digits=8, decimal_places=2)
    model = models.BinaryField(_("fitted model"))

    class Meta:
        verbose_name = _("acceptance model fit")
        verbose_name_plural = _("acceptance model fits")
        ordering = ["-as_of", "-fitted_at"]


# --- what the account managers record ---------------------------------------------------------------


class InterestTopic(models.TextChoices):
    FAMILY = "family", _("Family")
    CHILDREN = "children", _("Children's education")
    HEALTH = "health", _("Health")
    RETIREMENT = "retirement", _("Retirement")
    FARMING = "farming", _("Farming and harvest")
    BUSINESS = "business", _("Growing the business")
    PROPERTY = "property", _("Home and property")
    TRAVEL = "travel", _("Travel")
    INVESTING = "investing", _("Saving and investing")
    HOBBIES = "hobbies", _("Sport and hobbies")
    LOCAL_AFFAIRS = "local_affairs", _("Local affairs")
    OTHER = "other", _("Other")


class Interest(models.Model):
    """Something a customer cares about and likes to talk about, as the account manager noted it."""

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="interests")
    topic = models.CharField(_("topic"), max_length=16, choices=InterestTopic.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["customer", "recorded_on"])]


class OtherBankProduct(models.Model):
    """A product the customer holds at another bank (a competitor), as the account manager
    learned it: which bank, which kind of product, about how much, since when it is known and
    until when it was held. Ended, never deleted, so that changes over time stay visible."""

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="other_bank_products")
    bank = models.CharField(_("bank"), max_length=60)
    family = models.CharField(_("product family"), max_length=20, choices=ProductFamily.choices)
    balance = models.DecimalField(_("about (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    ended_on = models.DateField(_("no longer held from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product at another bank")
        verbose_name_plural = _("products at other banks")
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["customer", "recorded_on"])]


class ConfirmedArea(models.TextChoices):
    """Areas of the knowledge score an account manager confirms as still true on a visit."""

    PROFILE = KnowledgeArea.PROFILE.value, _("Profile")
    KEY_PEOPLE = KnowledgeArea.KEY_PEOPLE.value, _("Key people")
    INTERESTS = KnowledgeArea.INTERESTS.value, _("Interests")
    COMPETITORS = KnowledgeArea.COMPETITORS.value, _("Other banks")


class KnowledgeConfirmation(models.Model):
    """The account manager confirmed, on a day, that what the bank holds in one area of a
    customer is still true (for other banks: including that there is none). It dates that area
    for the knowledge score (rmdesk.domain.knowledge)."""

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="knowledge_confirmations")
    area = models.CharField(_("area"), max_length=16, choices=ConfirmedArea.choices)
    confirmed_on = models.DateField(_("confirmed on"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge confirmation")
        verbose_name_plural = _("knowledge confirmations")
        ordering = ["-confirmed_on", "-pk"]
        indexes = [models.Index(fields=["customer", "area", "confirmed_on"])]


class ServiceRequestKind(models.TextChoices):
    REQUEST = "request", _("Request")
    COMPLAINT = "complaint", _("Complaint")


class ServiceChannel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    MOBILE = "mobile", _("Mobile banking")
    LETTER = "letter", _("Letter")


class ServiceRequest(models.Model):
    """A customer's request or complaint and its answer.

    ``respond_by`` is set when it is received, from the service level of the customer's tier
    (rmdesk.domain.segments.ServiceLevel.respond_within_hours); an answer after it is late.
    """

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="service_requests")
    kind = models.CharField(_("kind"), max_length=10, choices=ServiceRequestKind.choices)
    channel = models.CharField(_("received by"), max_length=10, choices=ServiceChannel.choices)
    subject = models.CharField(_("subject"), max_length=120)
    detail = models.TextField(_("detail"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    respond_by = models.DateTimeField(_("answer due by"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["customer", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="service_request_answer_with_its_time",
            )
        ]

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at > self.respond_by


# --- pipeline ---------------------------------------------------------------------------------------


class LeadSource(models.TextChoices):
    CUSTOMER_REFERRAL = "customer_referral", _("Referred by a customer")
    COLLEAGUE_REFERRAL = "colleague_referral", _("Referred by a colleague")
    WALK_IN = "walk_in", _("Walked in")
    EVENT = "event", _("Event or market day")
    CAMPAIGN = "campaign", _("Campaign")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONVERTED = "converted", _("Became a customer")
    DROPPED = "dropped", _("Dropped")


class Lead(models.Model):
    """A prospective customer (潜在客户) an account manager follows up: who, how they came
    (referred by a customer or a colleague, walked in, an event), and whether they became a
    customer. ``manager`` follows it up in ``org_unit``."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    township = models.CharField(_("township"), max_length=40, blank=True)
    need = models.CharField(_("what they need"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=LeadSource.choices)
    referred_by_customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("referred by customer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    referred_by_colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by colleague"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="leads")
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.OPEN)
    created_on = models.DateField(_("created on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    drop_reason = models.CharField(_("why dropped"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="converted") | Q(customer__isnull=False), name="converted_lead_names_its_customer"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(user) -> Q | None:
        """Leaders see the leads of their unit and below; an account manager their own."""
        return _unit_or_own(user, manager_field="manager_id", unit_field="org_unit_id")


class OpportunityStage(models.TextChoices):
    """Where an opportunity stands; won and lost are final."""

    IDENTIFIED = "identified", _("Identified")
    PROPOSED = "proposed", _("Proposed")
    NEGOTIATING = "negotiating", _("Negotiating")
    WON = "won", _("Won")
    LOST = "lost", pgettext_lazy("opportunity stage", "Lost")

    @classmethod
    def open(cls) -> list[str]:
        return [cls.IDENTIFIED, cls.PROPOSED, cls.NEGOTIATING]


class LostReason(models.TextChoices):
    PRICE = "price", _("Price or rate")
    COMPETITOR = "competitor", _("Went to another bank")
    NO_NEED = "no_need", _("No need after all")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    TIMING = "timing", _("Not now")
    OTHER = "other", _("Other")


class Campaign(models.Model):
    """A campaign aimed at a segment (kinds, tiers, lifecycle stages; empty: any) to sell one
    product, run by an org unit from ``starts_on`` to ``ends_on``. Its target list is built from
    the portfolio batch of ``segment_as_of``; its results are its targets' outcomes."""

    name = models.CharField(_("name"), max_length=100)
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    kinds = models.JSONField(_("customer kinds"), default=list, blank=True)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    stages = models.JSONField(_("lifecycle stages"), default=list, blank=True)
    offered_only = models.BooleanField(_("only customers the product is offered to"), default=True)
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    segment_as_of = models.DateField(_("segments as of"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_it_starts")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(user) -> Q | None:
        """A campaign is seen in the unit that runs it and every unit below it; a leader also
        sees those run in the units below their own."""
        from rmdesk.core.scope import unit_scope_condition
        from rmdesk.org.models import OrgUnit

        if not user.is_authenticated or not user.is_active or user.org_unit_id is None or user.role is None:
            return None
        path = user.org_unit.path
        above = [path[: i + 1] for i, char in enumerate(path) if char == "/" and i > 0]
        condition = Q(org_unit__in=OrgUnit.objects.filter(path__in=above).values("pk"))
        if user.sees_unit:
            condition |= unit_scope_condition(user, field="org_unit_id")
        return condition


class TargetStatus(models.TextChoices):
    TO_CONTACT = "to_contact", _("To contact")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")

    @classmethod
    def outcomes(cls) -> list[str]:
        return [cls.ACCEPTED, cls.DECLINED]


class CampaignTarget(models.Model):
    """One customer on a campaign's target list, who is to contact them, and the outcome."""

    scope_customer = "customer"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="campaign_targets")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+")
    acceptance = models.DecimalField(_("chance of acceptance"), max_digits=5, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TargetStatus.choices, default=TargetStatus.TO_CONTACT)
    contacted_on = models.DateField(_("contacted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["status", "-acceptance", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="one_target_per_campaign_and_customer")]


class Opportunity(models.Model):
    """A sale in the making: a product for a customer, the amount, the stage, the chance of
    winning it and when it is expected; won or lost with the reason. It may come from an offer
    of the portfolio batch (``offer_reason``: the offer's reason code and parameters) or a
    campaign."""

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="opportunities")
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2, default=0)
    stage = models.CharField(_("stage"), max_length=12, choices=OpportunityStage.choices, default=OpportunityStage.IDENTIFIED)
    probability = models.DecimalField(_("chance of winning"), max_digits=5, decimal_places=4)
    expected_on = models.DateField(_("expected on"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="opportunities")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities")
    offer_as_of = models.DateField(_("offered in the batch of"), null=True, blank=True)
    offer_reason = models.JSONField(_("reason of the offer"), default=dict, blank=True)
    expected_profit = models.DecimalField(_("expected risk-adjusted profit (yuan a year)"), max_digits=18, decimal_places=2, null=True, blank=True)
    created_on = models.DateField(_("created on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    lost_reason = models.CharField(_("why lost"), max_length=12, choices=LostReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_on", "pk"]
        indexes = [models.Index(fields=["owner", "stage"]), models.Index(fields=["customer", "stage"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product"], condition=Q(stage__in=["identified", "proposed", "negotiating"]),
                name="one_open_opportunity_per_customer_and_product",
            ),
            models.CheckConstraint(condition=~Q(stage="lost") | ~Q(lost_reason=""), name="lost_opportunity_has_a_reason"),
            models.CheckConstraint(condition=Q(probability__gte=0, probability__lte=1), name="opportunity_probability_0_to_1"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.product}"

    @property
    def is_open(self) -> bool:
        return self.stage in OpportunityStage.open()


class WinBackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RETAINED = "retained", _("Customer stays")
    LOST = "lost", _("Customer left")
    NOT_DRIFTING = "not_drifting", _("Not drifting after all")


class WinBackTask(models.Model):
    """Work opened by the attrition radar: call on a customer drifting away, with the signals
    it saw, and what came of it. At most one open task per customer; the batch opens it."""

    scope_customer = "customer"

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="win_back_tasks")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due by"))
    score = models.PositiveSmallIntegerField(_("drift score"))
    signals = models.JSONField(_("signals"), default=list)
    status = models.CharField(_("status"), max_length=14, choices=WinBackStatus.choices, default=WinBackStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("what was done"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("win-back task")
        verbose_name_plural = _("win-back tasks")
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(status="open"), name="one_open_win_back_task_per_customer"),
        ]


# --- the portfolio batch's dated results ------------------------------------------------------------


class LifecycleChoice(models.TextChoices):
    """The lifecycle stages of rmdesk.domain.segments.LifecycleStage."""

    PROSPECT = LifecycleStage.PROSPECT.value, _("Prospect")
    NEW = LifecycleStage.NEW.value, _("New")
    ACTIVE = LifecycleStage.ACTIVE.value, _("Active")
    DORMANT = LifecycleStage.DORMANT.value, _("Dormant")
    AT_RISK = LifecycleStage.AT_RISK.value, _("At risk")
    LOST = LifecycleStage.LOST.value, pgettext_lazy("customer lifecycle stage", "Lost")


class MarketingRun(models.Model):
    """One run of the portfolio batch for a business date: how many customers, offers, customers
    at risk and win-back tasks it produced, where the acceptance probabilities came from, and
    the seconds of each step. A second run for the same date replaces the first's results."""

    as_of = models.DateField(_("as of"), unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    customers = models.PositiveIntegerField(_("customers"))
    offers = models.PositiveIntegerField(_("offers"))
    at_risk = models.PositiveIntegerField(_("at risk"))
    win_back_opened = models.PositiveIntegerField(_("win-back tasks opened"))
    acceptance = models.CharField(_("acceptance from"), max_length=200)
    seconds = models.JSONField(_("seconds by step"), default=dict)

    class Meta:
        verbose_name = _("marketing run")
        verbose_name_plural = _("marketing runs")
        ordering = ["-as_of"]


class CustomerSnapshot(models.Model):
    """What the portfolio batch found for one customer on one business date.

    Segments (kind, value tier by assets under management, lifecycle stage), the knowledge
    score by area with what to learn, the year's risk-adjusted profitability (rmdesk.domain.
    profitability: yuan to the fen), the grade and classification the offers were bounded by,
    the attrition radar's score and signals, the contact due by the tier's service level, and
    the products withheld from the offers with the reasons (but those not meant for the
    customer's kind at all, which say nothing about the customer).
    """

    scope_customer = "customer"

    as_of = models.DateField(_("as of"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="snapshots")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("primary account manager"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("managing unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    stage = models.CharField(_("lifecycle stage"), max_length=10, choices=LifecycleChoice.choices)
    aum = models.DecimalField(_("assets under management (yuan)"), max_digits=18, decimal_places=2)
    families_held = models.PositiveSmallIntegerField(_("product families held"))
    knowledge_score = models.PositiveSmallIntegerField(_("knowledge score"))
    knowledge_by_area = models.JSONField(_("knowledge by area"), default=dict)
    to_learn = models.JSONField(_("what to learn"), default=list)
    net_interest_income = models.DecimalField(_("net interest income"), max_digits=18, decimal_places=2)
    fee_income = models.DecimalField(_("fee income"), max_digits=18, decimal_places=2)
    holding_cost = models.DecimalField(_("cost of holdings"), max_digits=18, decimal_places=2)
    cost_to_serve = models.DecimalField(_("cost to serve"), max_digits=18, decimal_places=2)
    expected_loss = models.DecimalField(_("expected loss"), max_digits=18, decimal_places=2)
    risk_adjusted_return = models.DecimalField(_("risk-adjusted return"), max_digits=18, decimal_places=2)
    capital = models.DecimalField(_("capital used"), max_digits=18, decimal_places=2)
    capital_charge = models.DecimalField(_("capital charge"), max_digits=18, decimal_places=2)
    economic_profit = models.DecimalField(_("economic profit"), max_digits=18, decimal_places=2)
    raroc = models.DecimalField(_("RAROC"), max_digits=12, decimal_places=4, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=3, blank=True)
    classification = models.CharField(_("classification"), max_length=16, blank=True)
    attrition_score = models.PositiveSmallIntegerField(_("drift score"))
    at_risk = models.BooleanField(_("at risk"))
    signals = models.JSONField(_("attrition signals"), default=list)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    contact_due_on = models.DateField(_("next contact due"))
    contact_overdue_days = models.PositiveIntegerField(_("days overdue for contact"))
    withheld = models.JSONField(_("products not offered"), default=list)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer snapshot")
        verbose_name_plural = _("customer snapshots")
        constraints = [models.UniqueConstraint(fields=["as_of", "customer"], name="one_snapshot_per_customer_and_date")]
        indexes = [
            models.Index(fields=["customer", "as_of"]),
            models.Index(fields=["as_of", "manager"]),
            models.Index(fields=["as_of", "at_risk"]),
            models.Index(fields=["as_of", "-contact_overdue_days"], name="snapshot_most_overdue"),
        ]


class OfferSnapshot(models.Model):
    """One of a customer's best offers on one business date (rmdesk.domain.offers.Offer): rank,
    product, probability of acceptance and where it came from, the product's risk-adjusted
    profit for the customer, the expected profit, and the reason as a code and parameters."""

    scope_customer = "customer"

    as_of = models.DateField(_("as of"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="offers")
    rank = models.PositiveSmallIntegerField(_("rank"))
    product = models.ForeignKey("products.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    acceptance = models.DecimalField(_("chance of acceptance"), max_digits=5, decimal_places=4)
    from_model = models.BooleanField(_("acceptance from the model"))
    risk_adjusted_profit = models.DecimalField(_("risk-adjusted profit (yuan a year)"), max_digits=18, decimal_places=2)
    expected_profit = models.DecimalField(_("expected profit (yuan a year)"), max_digits=18, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=24, choices=[(r.value, r.value) for r in ReasonCode])
    params = models.JSONField(_("reason parameters"), default=dict)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["as_of", "customer", "product"], name="one_offer_per_customer_product_and_date")]
        indexes = [models.Index(fields=["customer", "as_of", "rank"]), models.Index(fields=["as_of", "product"])]


class BookMovement(models.Model):
    """Customers won and lost by one account manager in one month, as the batch of ``as_of``
    counted them: won in the month of their first product, lost in the month their last
    product closed, each counted for their primary account manager on that day."""

    as_of = models.DateField(_("as of"))
    month = models.DateField(_("month"))
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    won = models.PositiveIntegerField(_("won"))
    lost = models.PositiveIntegerField(_("lost"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customers won and lost")
        verbose_name_plural = _("customers won and lost")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "month", "manager", "org_unit"], name="one_movement_per_manager_and_month"),
        ]
        indexes = [models.Index(fields=["as_of", "manager"])]

    @staticmethod
    def scope_condition(user) -> Q | None:
        return _unit_or_own(user, manager_field="manager_id", unit_field="org_unit_id")


class CompetitorFlow(models.Model):
    """Money our customers moved to their own accounts at one other bank in one month, for one
    account manager's book, as the batch of ``as_of`` counted it: how many customers, how much.
    Counted from our own transactions: an outgoing transfer to an account in the customer's own
    name that is not one of ours."""

    as_of = models.DateField(_("as of"))
    month = models.DateField(_("month"))
    bank = models.CharField(_("bank"), max_length=60)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    customers = models.PositiveIntegerField(_("customers"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=20, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("money moved to another bank")
        verbose_name_plural = _("money moved to other banks")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "month", "bank", "manager", "org_unit"], name="one_competitor_flow_per_cell"),
        ]
        indexes = [models.Index(fields=["as_of", "manager"])]

    @staticmethod
    def scope_condition(user) -> Q | None:
        return _unit_or_own(user, manager_field="manager_id", unit_field="org_unit_id")

