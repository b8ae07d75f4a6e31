"""Reads of credit: loans, applications and their queues, and the facts the rules are fed with.

Screens read through the user's scope (``restrict``). The facts of a policy check are the bank's
exposure, which no single person's scope bounds: they are read over the whole bank, once the
application itself has been found within the scope of the person asking.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from rmdesk.credit.models import (
    ApprovalDelegation,
    CreditApplication,
    CreditPolicySetting,
    CreditStateChoice,
    CreditTransition,
    Instalment,
    Investigation,
    Loan,
    NetCapital,
    PolicyCheck,
    RelatedParty,
)
from rmdesk.customers.models import Customer, CustomerKind, FinancialStatementLine, Relationship, RelationshipKind
from rmdesk.domain.authority import AuthorityLimit
from rmdesk.domain.lifecycle import FINAL_STATES, CreditState
from rmdesk.domain.origination import approval_ladder
from rmdesk.domain.policy import ApplicationFacts, Collateral, Guarantor, GuarantorKind
from rmdesk.domain.policy import RelatedParty as RelatedPartyFacts
from rmdesk.org.models import ApprovalAuthority, Role, User
from rmdesk.products.models import Direction, Purpose, Transaction
from rmdesk.rating.models import Rating, RatingStatus

ZERO = Decimal("0.00")
FLOW_MONTHS = 12


def loans_with_schedules(*, user: User, customer: Customer) -> QuerySet[Loan]:
    """The customer's loans, newest first, each with its repayment schedule."""
    return (
        Loan.objects.restrict(user)
        .filter(customer=customer)
        .select_related("holding__product")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
    )


# --- configuration --------------------------------------------------------------------------------


class CreditNotConfigured(Exception):
    """The bank has no credit policy row or no net capital on file: the administrator must enter it."""


def credit_policy() -> CreditPolicySetting:
    """The bank's credit policy row (installed by migration; edited on the administration site)."""
    policy = CreditPolicySetting.objects.first()
    if policy is None:
        raise CreditNotConfigured("the credit policy is not configured")
    return policy


def net_capital_on(on: datetime.date) -> NetCapital:
    """The latest net capital reported on or before `on`."""
    capital = NetCapital.objects.filter(as_of__lte=on).order_by("-as_of").first()
    if capital is None:
        raise CreditNotConfigured(f"no net capital on file on or before {on.isoformat()}")
    return capital


def staffed_ladder(customer: Customer):
    """The approval ladder over `customer`: the levels with authority (rmdesk.domain.origination.
    approval_ladder) that someone active holds with the customer in their scope. A level nobody
    holds over the customer (an outlet without a team leader) cannot sign and is not on its route."""
    by_role = {role.pk: role.code for role in Role.objects.filter(authorities__isnull=False).distinct()}
    limits: dict[str, list[AuthorityLimit]] = {}
    for authority in ApprovalAuthority.objects.filter(role_id__in=by_role).order_by("pk"):
        limits.setdefault(by_role[authority.role_id], []).append(authority.as_limit())
    staffed = {code for code in limits if holders_over(customer, code)}
    return approval_ladder({code: tuple(found) for code, found in limits.items() if code in staffed})


def holders_over(customer: Customer, level: str) -> list[User]:
    """The active people holding the role `level` who have `customer` in their scope."""
    return [
        person
        for person in User.objects.filter(role_id=level, is_active=True).select_related("role", "org_unit")
        if Customer.objects.restrict(person).filter(pk=customer.pk).exists()
    ]


def delegations_in_force(*, delegate: User, on: datetime.date) -> QuerySet[ApprovalDelegation]:
    """Delegations to `delegate` in force on `on`, not cancelled."""
    return ApprovalDelegation.objects.filter(
        delegate=delegate, starts_on__lte=on, ends_on__gte=on, cancelled_at__isnull=True
    ).select_related("delegator", "delegator__role", "delegator__org_unit")


def level_names() -> dict[str, str]:
    """Each role code with its name in the current language."""
    return {role.code: str(role) for role in Role.objects.all()}


# --- the grade -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmedGrade:
    """The grade in force of a customer, and the day it was decided (the rating's valid-from)."""

    grade: str
    rated_on: datetime.date
    valid_until: datetime.date
    rating_id: int


def confirmed_grade_of(customer: Customer) -> ConfirmedGrade | None:
    """The customer's latest decided rating (confirmed, or with its override decided): the grade the
    credit policy and the approval route use. None when the customer has never been rated."""
    rating = (
        Rating.objects.filter(customer=customer, status__in=RatingStatus.in_force())
        .order_by("-valid_from", "-decided_at", "-pk")
        .first()
    )
    if rating is None:
        return None
    return ConfirmedGrade(rating.grade, rating.valid_from, rating.valid_until, rating.pk)


# --- exposure and the facts of the policy check -----------------------------------------------------


def _loans_of(customers) -> Decimal:
    return Loan.objects.filter(customer__in=customers).aggregate(total=Coalesce(Sum("outstanding_principal"), ZERO))["total"]


def group_of(customer: Customer, *, on: datetime.date) -> list[Customer]:
    """The customers of `customer`'s group (lead company first), or [] when it belongs to none.

    A group is a lead customer and the customers linked to it as members (Relationship
    "member of group", open on `on`)."""
    open_links = Relationship.objects.filter(kind=RelationshipKind.GROUP_MEMBER, since__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    lead_id = open_links.filter(from_customer=customer).values_list("to_customer_id", flat=True).first() or customer.pk
    member_ids = list(open_links.filter(to_customer_id=lead_id).values_list("from_customer_id", flat=True))
    if not member_ids:
        return []
    members = {c.pk: c for c in Customer.objects.filter(pk__in=[lead_id, *member_ids])}
    return [members[lead_id], *(members[pk] for pk in sorted(member_ids) if pk in members)]


def _related_party(customer: Customer, *, on: datetime.date) -> RelatedPartyFacts | None:
    listed = RelatedParty.objects.filter(listed_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    listing = listed.filter(customer=customer).first()
    if listing is None:
        return None
    group = (
        _loans_of(listed.filter(related_group=listing.related_group).values("customer_id")) if listing.related_group else None
    )
    return RelatedPartyFacts(
        party_credit=_loans_of([customer.pk]),
        group_credit=group,
        all_related_credit=_loans_of(listed.values("customer_id")),
    )


@dataclass(frozen=True)
class PolicyFacts:
    """What the policy check is fed with, and what the desk shows beside it."""

    facts: ApplicationFacts
    net_capital_as_of: datetime.date
    group: list[Customer] = field(default_factory=list)
    grade: ConfirmedGrade | None = None

    def as_record(self) -> dict:
        """The facts as kept with the check (JSON): amounts as strings, dates in ISO form."""
        f = self.facts

        def money(value):
            return None if value is None else str(value)

        return {
            "on": f.on.isoformat(),
            "product_family": f.product_family,
            "amount": money(f.amount),
            "industry": f.industry,
            "grade": f.grade,
            "rated_on": f.rated_on.isoformat() if f.rated_on else None,
            "customer_loans": money(f.customer_loans),
            "net_capital": money(f.net_capital),
            "net_capital_as_of": self.net_capital_as_of.isoformat(),
            "group_credit": money(f.group_credit),
            "group": [c.name for c in self.group],
            "collateral": [
                {"description": c.description, "kind": c.kind, "value": money(c.value), "valued_on": c.valued_on.isoformat(),
                 "prior_claims": money(c.prior_claims)}
                for c in f.collateral
            ],
            "guarantors": [
                {"name": g.name, "kind": g.kind.value, "amount": money(g.amount), "existing_guarantees": money(g.existing_guarantees),
                 "net_worth": money(g.net_worth), "annual_income": money(g.annual_income)}
                for g in f.guarantors
            ],
            "related_party": None if f.related_party is None else {
                "party_credit": money(f.related_party.party_credit),
                "group_credit": money(f.related_party.group_credit),
                "all_related_credit": money(f.related_party.all_related_credit),
            },
        }


def policy_facts(application: CreditApplication, *, on: datetime.date) -> PolicyFacts:
    """The facts of `application` for the policy check on `on`: its terms, collateral with a value
    and date, guarantors with an amount, the customer's loans here, its group's, its related-party
    standing, its grade in force, and the bank's net capital."""
    customer = application.customer
    group = group_of(customer, on=on)
    grade = confirmed_grade_of(customer)
    capital = net_capital_on(on)
    facts = ApplicationFacts(
        on=on,
        product_family=application.product.family,
        amount=application.amount,
        industry=application.industry_code,
        grade=grade.grade if grade else None,
        rated_on=grade.rated_on if grade else None,
        customer_loans=_loans_of([customer.pk]),
        net_capital=capital.amount,
        group_credit=_loans_of([c.pk for c in group]) if group else None,
        collateral=tuple(
            Collateral(c.description, c.kind, c.value, c.valued_on, c.prior_claims)
            for c in application.collateral.all()
            if c.value is not None and c.valued_on is not None
        ),
        guarantors=tuple(
            Guarantor(g.name, GuarantorKind(g.kind), g.amount, g.existing_guarantees, g.net_worth, g.annual_income)
            for g in application.guarantors.all()
            if g.amount
        ),
        related_party=_related_party(customer, on=on),
    )
    return PolicyFacts(facts, capital.as_of, group, grade)


# --- screens ------------------------------------------------------------------------------------------

OPEN_STATES = [s.value for s in CreditState if s not in FINAL_STATES]


def applications_of(*, user: User, open_only: bool = True) -> QuerySet[CreditApplication]:
    """The credit applications of the customers in `user`'s scope, the latest first; open ones by default."""
    applications = CreditApplication.objects.restrict(user).select_related("customer", "product", "opened_by")
    if open_only:
        applications = applications.filter(state__in=OPEN_STATES)
    return applications.order_by("-opened_on", "-pk")


def application_for_page(*, user: User, pk: int) -> CreditApplication:
    """One application with what its page shows, or 404 when missing or outside `user`'s scope."""
    applications = CreditApplication.objects.restrict(user).select_related(
        "customer", "customer__primary_manager", "customer__org_unit", "product", "opened_by"
    )
    return get_object_or_404(applications, pk=pk)


def history_of(application: CreditApplication) -> QuerySet[CreditTransition]:
    """The transitions of `application` in order, with who took them."""
    return application.transitions.select_related("by", "on_behalf_of").order_by("pk")


def latest_policy_check(application: CreditApplication) -> PolicyCheck | None:
    return application.policy_checks.select_related("checked_by").prefetch_related("results").order_by("-pk").first()


def investigation_of(application: CreditApplication) -> Investigation | None:
    return Investigation.objects.filter(application=application).prefetch_related("files").first()


@dataclass(frozen=True)
class QueueEntry:
    """An application waiting for a signature `user` may give, as holder or on someone's behalf."""

    application: CreditApplication
    on_behalf_of: User | None
    own: bool


def approval_queue(*, user: User, on: datetime.date) -> list[QueueEntry]:
    """Applications in approval within `user`'s scope waiting at a level `user` holds, or holds for an
    approver away (a delegation in force on `on`, with the customer in the delegator's scope too).
    Those `user` originated are listed, marked, for they wait for someone else (four-eyes)."""
    waiting = (
        CreditApplication.objects.restrict(user)
        .filter(state=CreditStateChoice.IN_APPROVAL)
        .select_related("customer", "product", "opened_by")
        .order_by("opened_on", "pk")
    )
    entries: list[QueueEntry] = []
    seen: set[int] = set()
    mine = str(user.pk)
    if user.role_id and ApprovalAuthority.objects.filter(role__code=user.role_id).exists():
        for application in waiting.filter(pending_level=user.role_id):
            entries.append(QueueEntry(application, None, mine in application.originators))
            seen.add(application.pk)
    for delegation in delegations_in_force(delegate=user, on=on):
        delegator = delegation.delegator
        theirs = CreditApplication.objects.restrict(delegator).filter(pk__in=waiting.filter(pending_level=delegator.role_id).values("pk"))
        for application in waiting.filter(pk__in=theirs.values("pk")).exclude(pk__in=seen):
            own = mine in application.originators or str(delegator.pk) in application.originators
            entries.append(QueueEntry(application, delegator, own))
            seen.add(application.pk)
    return entries


def delegations_of(*, user: User) -> QuerySet[ApprovalDelegation]:
    """The delegations `user` gave or received, the latest first."""
    return ApprovalDelegation.objects.restrict(user).select_related("delegator", "delegate").order_by("-starts_on", "-pk")


def delegates_for(user: User) -> QuerySet[User]:
    """Whom `user` may ask to sign for them: active colleagues holding approval authority."""
    roles = Role.objects.filter(authorities__isnull=False).values("code")
    return User.objects.filter(is_active=True, role_id__in=roles).exclude(pk=user.pk).order_by("username")


def customer_credit(*, user: User, customer: Customer) -> QuerySet[CreditApplication]:
    """The credit applications of one customer that `user` may see, the latest first."""
    return CreditApplication.objects.restrict(user).filter(customer=customer).select_related("product").order_by("-opened_on", "-pk")


# --- the investigation report -------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowRow:
    purpose: str
    label: str
    inflow: Decimal
    outflow: Decimal
    count: int


@dataclass(frozen=True)
class FlowSummary:
    """Money in and out of the customer's accounts here over the last months, by purpose."""

    since: datetime.date
    until: datetime.date
    rows: list[FlowRow]
    inflow: Decimal
    outflow: Decimal


def flows_at_this_bank(*, user: User, customer: Customer, until: datetime.date, months: int = FLOW_MONTHS) -> FlowSummary:
    """The customer's flows at this bank over the `months` before `until`, by purpose, one query."""
    since = until - datetime.timedelta(days=round(months * 365.25 / 12))
    rows = (
        Transaction.objects.restrict(user)
        .filter(customer=customer, booked_on__gt=since, booked_on__lte=until)
        .values("purpose")
        .annotate(
            inflow=Coalesce(Sum("amount", filter=Q(direction=Direction.CREDIT)), ZERO),
            outflow=Coalesce(Sum("amount", filter=Q(direction=Direction.DEBIT)), ZERO),
            count=Count("pk"),
        )
        .order_by("purpose")
    )
    labels = dict(Purpose.choices)
    found = [FlowRow(r["purpose"], str(labels.get(r["purpose"], r["purpose"])), r["inflow"], r["outflow"], r["count"]) for r in rows]
    return FlowSummary(since, until, found, sum((r.inflow for r in found), ZERO), sum((r.outflow for r in found), ZERO))


@dataclass(frozen=True)
class GuarantorFigures:
    """What the bank knows of a customer offered as guarantor."""

    kind: str
    net_worth: Decimal | None
    annual_income: Decimal | None


def guarantor_figures(customer: Customer) -> GuarantorFigures:
    """A customer's figures as guarantor from its latest statement: an enterprise's total equity, a
    household's total income; an individual has no statement here."""
    kind = GuarantorKind.ENTERPRISE if customer.kind == CustomerKind.ENTERPRISE else GuarantorKind.INDIVIDUAL
    lines = FinancialStatementLine.objects.filter(statement__customer=customer).order_by("-statement__period_end")
    equity = lines.filter(code="total_equity").values_list("amount", flat=True).first()
    income = lines.filter(code="total_income", statement__period_months=12).values_list("amount", flat=True).first()
    return GuarantorFigures(kind.value, equity if kind is GuarantorKind.ENTERPRISE else None, income)
