"""Reads of the marketing screens, always through the user's scope (``restrict(user)``).

The screens show what the portfolio batch stored for its latest date (segments, knowledge,
profitability, offers, radar); the customer 360 adds what is live: holdings, balance trends,
the year's profitability holding by holding (from the facts the batch reads, gathered for the
one customer), relationships, other banks, interests, requests and contacts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from rmdesk.credit.models import Guarantor
from rmdesk.customers.models import Customer, KeyPerson, Relationship
from rmdesk.desk.models import Interaction
from rmdesk.domain.knowledge import BANDS, BookKnowledge, book_knowledge
from rmdesk.domain.profitability import PositionProfitability, position_profitability
from rmdesk.marketing.configuration import marketing_configuration
from rmdesk.marketing.facts import pd_and_grade_of, positions_of
from rmdesk.marketing.models import (
    BookMovement,
    Campaign,
    CampaignTarget,
    CompetitorFlow,
    CustomerSnapshot,
    Interest,
    Lead,
    LeadStatus,
    OfferSnapshot,
    Opportunity,
    OpportunityStage,
    OtherBankProduct,
    ServiceRequest,
    TargetStatus,
    WinBackStatus,
    WinBackTask,
)
from rmdesk.org.models import User
from rmdesk.products.models import DailyBalance, Holding, ProductFamily

SAVINGS = (ProductFamily.DEPOSIT, ProductFamily.WEALTH)
CREDIT = tuple(ProductFamily.credit_families()) + (ProductFamily.ACCEPTANCE_BILL,)
TREND_MONTHS = 12


def latest_as_of() -> datetime.date | None:
    """The business date of the latest portfolio batch."""
    return CustomerSnapshot.objects.order_by("-as_of").values_list("as_of", flat=True).first()


def snapshot_of(*, user: User, customer: Customer) -> CustomerSnapshot | None:
    """The customer's latest snapshot the user may see."""
    return CustomerSnapshot.objects.restrict(user).filter(customer=customer).order_by("-as_of").first()


def offers_of(*, user: User, customer: Customer, as_of: datetime.date) -> QuerySet[OfferSnapshot]:
    return OfferSnapshot.objects.restrict(user).filter(customer=customer, as_of=as_of).select_related("product").order_by("rank")


@dataclass(frozen=True)
class FamilyHolding:
    """One product family for a customer: how many holdings open, their balance, or none."""

    family: str
    label: str
    held: int
    balance: Decimal


def penetration(*, user: User, customer: Customer) -> list[FamilyHolding]:
    """Every product family of the catalogue: what the customer holds of it now, or nothing."""
    rows = {
        row["product__family"]: row
        for row in Holding.objects.restrict(user)
        .filter(customer=customer, closed_on__isnull=True)
        .values("product__family")
        .annotate(n=Count("pk"), total=Sum("balance"))
    }
    return [
        FamilyHolding(family, str(label), rows.get(family, {}).get("n", 0), rows.get(family, {}).get("total") or Decimal(0))
        for family, label in ProductFamily.choices
    ]


def _month_ends(as_of: datetime.date, months: int) -> list[datetime.date]:
    ends, day = [], as_of
    for _ in range(months):
        ends.append(day)
        day = day.replace(day=1) - datetime.timedelta(days=1)
    return sorted(ends)


def balance_trend(*, user: User, customer: Customer, as_of: datetime.date, months: int = TREND_MONTHS) -> dict:
    """Month-end balances of the customer's savings (deposits, wealth) and credit over the last
    ``months`` months, from the daily balances (one query), for the 360's chart."""
    ends = _month_ends(as_of, months)
    rows = (
        DailyBalance.objects.restrict(user)
        .filter(holding__customer=customer, on__lte=as_of)
        .order_by("holding_id", "on")
        .values_list("holding_id", "holding__product__family", "on", "balance")
    )
    series: dict[int, list] = defaultdict(list)
    family_of = {}
    for holding_id, family, on, balance in rows:
        series[holding_id].append((on, balance))
        family_of[holding_id] = family
    totals = {"savings": [Decimal(0)] * len(ends), "credit": [Decimal(0)] * len(ends)}
    for holding_id, points in series.items():
        group = "savings" if family_of[holding_id] in SAVINGS else "credit" if family_of[holding_id] in CREDIT else None
        if group is None:
            continue
        for i, end in enumerate(ends):
            latest = [balance for on, balance in points if on <= end]
            if latest:
                totals[group][i] += latest[-1]
    return {"months": [end.isoformat() for end in ends], **{k: [float(v) for v in values] for k, values in totals.items()}}


@dataclass(frozen=True)
class ProfitLine:
    """One holding's year, with its product."""

    holding: Holding | None
    result: PositionProfitability


def profit_lines(*, user: User, customer: Customer, as_of: datetime.date) -> list[ProfitLine]:
    """The year to ``as_of`` of each holding, by the domain's profitability at the customer's
    PD, from the positions the batch reads, gathered for this customer alone."""
    configuration = marketing_configuration(as_of=as_of)
    _, _, positions = positions_of(customer, as_of=as_of, configuration=configuration)
    pd, _ = pd_and_grade_of(customer, as_of=as_of)
    holdings = {str(h.pk): h for h in Holding.objects.restrict(user).filter(customer=customer).select_related("product")}
    return [
        ProfitLine(holdings.get(p.reference), position_profitability(p, probability_of_default=pd, parameters=configuration.profitability))
        for p in positions
    ]


@dataclass(frozen=True)
class Link:
    """A relationship of the customer: how, since when, and the other party if the user may see them."""

    kind: str
    label: str
    other: Customer | None
    since: datetime.date
    ended_on: datetime.date | None


def relationship_map(*, user: User, customer: Customer) -> dict[str, list]:
    """Group and related parties, family, guarantors (either way, and of its credit) and key
    people. A linked customer outside the user's scope is shown as such, never by name."""
    visible = set(Customer.objects.restrict(user).values_list("pk", flat=True).filter(
        Q(relationships_in__from_customer=customer) | Q(relationships_out__to_customer=customer)
    ))
    links = defaultdict(list)
    for r in Relationship.objects.filter(from_customer=customer).select_related("to_customer"):
        other = r.to_customer if r.to_customer_id in visible else None
        links[r.kind].append(Link(r.kind, r.get_kind_display(), other, r.since, r.ended_on))
    for r in Relationship.objects.filter(to_customer=customer).select_related("from_customer"):
        other = r.from_customer if r.from_customer_id in visible else None
        kind = "guaranteed_by" if r.kind == "guarantor" else r.kind
        links[kind].append(Link(kind, r.get_kind_display(), other, r.since, r.ended_on))
    guarantors = Guarantor.objects.filter(application__customer=customer).select_related("customer")
    return {
        "links": dict(links),
        "people": list(KeyPerson.objects.restrict(user).filter(customer=customer)),
        "guarantors": [
            (g, g.customer if g.customer_id and Customer.objects.restrict(user).filter(pk=g.customer_id).exists() else None) for g in guarantors
        ],
    }


@dataclass(frozen=True)
class Wallet:
    """Share of wallet: what the customer has with us and what is known at other banks."""

    ours_savings: Decimal
    ours_credit: Decimal
    theirs_savings: Decimal
    theirs_credit: Decimal
    records: list = field(default_factory=list)

    @staticmethod
    def _share(ours: Decimal, theirs: Decimal) -> Decimal | None:
        return (ours / (ours + theirs) * 100).quantize(Decimal("0.1")) if ours + theirs > 0 and theirs > 0 else None

    @property
    def savings_share(self) -> Decimal | None:
        return self._share(self.ours_savings, self.theirs_savings)

    @property
    def credit_share(self) -> Decimal | None:
        return self._share(self.ours_credit, self.theirs_credit)


def wallet(*, user: User, customer: Customer) -> Wallet:
    """Our savings and credit against those recorded at other banks (current records)."""
    records = list(OtherBankProduct.objects.restrict(user).filter(customer=customer))
    current = [r for r in records if r.ended_on is None]
    return Wallet(
        ours_savings=customer.deposit_balance + (
            Holding.objects.restrict(user).filter(customer=customer, closed_on__isnull=True, product__family=ProductFamily.WEALTH)
            .aggregate(t=Sum("balance"))["t"] or Decimal(0)
        ),
        ours_credit=customer.loan_balance,
        theirs_savings=sum((r.balance or Decimal(0) for r in current if r.family in SAVINGS), Decimal(0)),
        theirs_credit=sum((r.balance or Decimal(0) for r in current if r.family in CREDIT), Decimal(0)),
        records=records,
    )


@dataclass(frozen=True)
class Contacts:
    last: Interaction | None
    next_due: datetime.date | None
    overdue_days: int


def contacts(*, user: User, customer: Customer, snapshot: CustomerSnapshot | None) -> Contacts:
    """The last contact, and the next one due by the tier's service level (from the batch)."""
    last = Interaction.objects.restrict(user).filter(customer=customer).select_related("manager").order_by("-occurred_at").first()
    return Contacts(last, snapshot.contact_due_on if snapshot else None, snapshot.contact_overdue_days if snapshot else 0)


def customer_360(*, user: User, customer: Customer) -> dict:
    """Everything the 360 shows of one customer (see the module)."""
    snapshot = snapshot_of(user=user, customer=customer)
    as_of = snapshot.as_of if snapshot else timezone.localdate()
    return {
        "snapshot": snapshot,
        "offers": list(offers_of(user=user, customer=customer, as_of=snapshot.as_of)) if snapshot else [],
        "penetration": penetration(user=user, customer=customer),
        "trend": balance_trend(user=user, customer=customer, as_of=as_of),
        "profit_lines": profit_lines(user=user, customer=customer, as_of=as_of) if snapshot else [],
        "relationships": relationship_map(user=user, customer=customer),
        "wallet": wallet(user=user, customer=customer),
        "interests": list(Interest.objects.restrict(user).filter(customer=customer).select_related("recorded_by")[:20]),
        "requests": list(ServiceRequest.objects.restrict(user).filter(customer=customer).select_related("recorded_by")[:20]),
        "contacts": contacts(user=user, customer=customer, snapshot=snapshot),
        "opportunities": list(Opportunity.objects.restrict(user).filter(customer=customer).select_related("product", "owner").order_by("-created_on", "-pk")[:10]),
        "win_back": list(WinBackTask.objects.restrict(user).filter(customer=customer).order_by("-opened_on")[:5]),
        "campaign_targets": list(
            CampaignTarget.objects.restrict(user).filter(customer=customer, status__in=[TargetStatus.TO_CONTACT, TargetStatus.CONTACTED])
            .select_related("campaign", "campaign__product")
        ),
    }


# --- pipeline, radar, books ----------------------------------------------------------------------------


def pipeline(*, user: User) -> dict:
    """Open opportunities by stage with their weighted amounts, those closed in the last 90
    days, and open leads, in the user's scope."""
    opportunities = Opportunity.objects.restrict(user).select_related("customer", "product", "owner")
    open_ones = list(opportunities.filter(stage__in=OpportunityStage.open()).order_by("expected_on", "pk")[:200])
    by_stage = {stage: [o for o in open_ones if o.stage == stage] for stage in OpportunityStage.open()}
    since = timezone.localdate() - datetime.timedelta(days=90)
    closed = list(opportunities.filter(stage__in=[OpportunityStage.WON, OpportunityStage.LOST], closed_on__gte=since).order_by("-closed_on")[:50])
    return {
        "by_stage": [
            (OpportunityStage(stage).label, items, sum((o.amount * o.probability for o in items), Decimal(0))) for stage, items in by_stage.items()
        ],
        "closed": closed,
        "won_amount": sum((o.amount for o in closed if o.stage == OpportunityStage.WON), Decimal(0)),
        "leads": list(Lead.objects.restrict(user).filter(status=LeadStatus.OPEN).select_related("manager")[:100]),
    }


def radar(*, user: User) -> dict:
    """Customers at risk in the latest batch, with their open win-back tasks, in the user's scope."""
    as_of = latest_as_of()
    at_risk = (
        CustomerSnapshot.objects.restrict(user).filter(as_of=as_of, at_risk=True).select_related("customer", "manager").order_by("-attrition_score", "customer__name")[:200]
        if as_of else []
    )
    tasks = {t.customer_id: t for t in WinBackTask.objects.restrict(user).filter(status=WinBackStatus.OPEN)}
    return {"as_of": as_of, "rows": [(s, tasks.get(s.customer_id)) for s in at_risk], "open_tasks": len(tasks)}


def movements(*, user: User) -> dict:
    """Customers won and lost per account manager and month (the latest batch), in scope."""
    as_of = BookMovement.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    rows = BookMovement.objects.restrict(user).filter(as_of=as_of).select_related("manager").order_by("manager__display_name", "month")
    months = sorted({r.month for r in rows})
    table: dict[User, dict] = {}
    for r in rows:
        cells = table.setdefault(r.manager, {m: (0, 0) for m in months})
        won, lost = cells[r.month]
        cells[r.month] = (won + r.won, lost + r.lost)
    return {
        "as_of": as_of,
        "months": months,
        "rows": [(manager, [cells[m] for m in months], sum(w for w, _ in cells.values()), sum(lost for _, lost in cells.values())) for manager, cells in table.items()],
    }


def competitors(*, user: User) -> dict:
    """Which other banks serve our customers: money moved to own accounts there by month (the
    latest batch), and products recorded there by family, current and ended."""
    as_of = CompetitorFlow.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    flows = CompetitorFlow.objects.restrict(user).filter(as_of=as_of).values("bank", "month").annotate(n=Sum("customers"), amount=Sum("amount")).order_by("bank", "month")
    months = sorted({f["month"] for f in flows})
    by_bank: dict[str, dict] = {}
    for f in flows:
        by_bank.setdefault(f["bank"], {})[f["month"]] = (f["n"], f["amount"])
    recorded = (
        OtherBankProduct.objects.restrict(user)
        .values("bank", "family")
        .annotate(current=Count("pk", filter=Q(ended_on__isnull=True)), ended=Count("pk", filter=Q(ended_on__isnull=False)), latest=Max("recorded_on"), balance=Sum("balance", filter=Q(ended_on__isnull=True)))
        .order_by("bank", "family")
    )
    return {
        "as_of": as_of,
        "months": months,
        "flows": [(bank, [cells.get(m, (0, Decimal(0))) for m in months]) for bank, cells in by_bank.items()],
        "recorded": [{**r, "family_label": ProductFamily(r["family"]).label} for r in recorded],
    }


@dataclass(frozen=True)
class KnowledgeRow:
    manager: User | None
    rolled: BookKnowledge


def knowledge_overview(*, user: User) -> dict:
    """The latest batch in the user's scope: customers we really know per account manager and
    in all (rmdesk.domain.knowledge.book_knowledge), segments by tier and stage, and the
    customers most overdue for contact."""
    as_of = latest_as_of()
    snapshots = CustomerSnapshot.objects.restrict(user).filter(as_of=as_of)
    counts = snapshots.values("manager", "knowledge_score").annotate(n=Count("pk")).order_by()
    scores: dict[int, list[int]] = defaultdict(list)
    for row in counts:
        scores[row["manager"]] += [row["knowledge_score"]] * row["n"]
    managers = {m.pk: m for m in User.objects.filter(pk__in=list(scores))}
    rows = sorted((KnowledgeRow(managers.get(pk), book_knowledge(values)) for pk, values in scores.items()), key=lambda r: str(r.manager))
    total = book_knowledge([s for values in scores.values() for s in values])
    segments = snapshots.values("tier", "stage").annotate(n=Count("pk")).order_by()
    return {
        "as_of": as_of,
        "rows": rows,
        "total": total,
        "bands": [f"{low}–{high}" for low, high in BANDS],
        "segments": {(r["tier"], r["stage"]): r["n"] for r in segments},
        "overdue": list(
            snapshots.filter(contact_overdue_days__gt=0)
            .select_related("customer", "manager")
            .only("customer__name", "manager__display_name", "manager__username", "tier", "contact_due_on", "contact_overdue_days")
            .order_by("-contact_overdue_days")[:30]
        ),
    }


def campaigns_for(*, user: User) -> QuerySet[Campaign]:
    return Campaign.objects.restrict(user).select_related("product", "org_unit").order_by("-starts_on", "-pk")


def campaign_results(*, user: User, campaign: Campaign) -> dict:
    """The campaign's targets in the user's scope and its results: by outcome, opportunities won."""
    targets = CampaignTarget.objects.restrict(user).filter(campaign=campaign).select_related("customer", "manager")
    by_status = dict(targets.values_list("status").annotate(n=Count("pk")).order_by())
    won = Opportunity.objects.restrict(user).filter(campaign=campaign, stage=OpportunityStage.WON).aggregate(n=Count("pk"), amount=Sum("amount"))
    return {
        "targets": list(targets[:300]),
        "by_status": [(TargetStatus(s).label, by_status.get(s, 0)) for s in TargetStatus],
        "total": sum(by_status.values()),
        "won": won["n"],
        "won_amount": won["amount"] or Decimal(0),
    }
