"""Writes of marketing: the portfolio batch's dated results, and what account managers record.

Every write is one transaction. The batch (``marketing_batch``) replaces the results of its
business date, so running it twice for a date leaves one set of rows; win-back tasks are
opened for customers newly at risk, at most one open per customer.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rmdesk.marketing import frames
from rmdesk.marketing.acceptance import acceptance_frame, acceptance_in_force, as_probability
from rmdesk.marketing.assessment import Assessment, OfferProfits, assess
from rmdesk.marketing.batch import balance_segments, load_portfolio, market_frame, portfolio_facts, segment_frame
from rmdesk.marketing.bulk import insert_rows, stored
from rmdesk.customers.models import Customer, CustomerKind
from rmdesk.domain.attrition import Drift
from rmdesk.domain.offers import WithheldReason
from rmdesk.marketing.configuration import marketing_configuration, service_levels
from rmdesk.marketing.defaults import OFFERS_KEPT, WIN_BACK_DUE_DAYS
from rmdesk.marketing.models import (
    BookMovement,
    Campaign,
    CampaignTarget,
    CompetitorFlow,
    ConfirmedArea,
    CustomerSnapshot,
    Interest,
    InterestTopic,
    KnowledgeConfirmation,
    Lead,
    LeadSource,
    LeadStatus,
    LostReason,
    MarketingRun,
    OfferSnapshot,
    Opportunity,
    OpportunityStage,
    OtherBankProduct,
    ServiceChannel,
    ServiceRequest,
    ServiceRequestKind,
    TargetStatus,
    WinBackStatus,
    WinBackTask,
)
from rmdesk.org.models import User
from rmdesk.products.models import ProductFamily

SNAPSHOT_COLUMNS = (
    "as_of", "customer_id", "manager_id", "org_unit_id", "kind", "tier", "stage", "aum", "families_held",
    "knowledge_score", "knowledge_by_area", "to_learn", "net_interest_income", "fee_income", "holding_cost",
    "cost_to_serve", "expected_loss", "risk_adjusted_return", "capital", "capital_charge", "economic_profit", "raroc",
    "grade", "classification", "attrition_score", "at_risk", "signals", "last_contact_on", "contact_due_on",
    "contact_overdue_days", "withheld",
)
WRITE_CHUNK = 10_000
"""Customers assessed between two bulk inserts: the rows in memory stay bounded at county scale."""
OFFER_COLUMNS = (
    "as_of", "customer_id", "rank", "product_id", "acceptance", "from_model", "risk_adjusted_profit", "expected_profit",
    "amount", "reason", "params",
)


@dataclass(frozen=True)
class MarketingBatchRun:
    """What one run of the batch did on ``as_of``."""

    as_of: datetime.date
    customers: int
    offers: int
    at_risk: int
    win_back_opened: int
    acceptance: str
    seconds: dict[str, float]


def snapshot_values(assessment: Assessment, *, as_of: datetime.date, customer: dict, facts) -> tuple:
    """The values of a ``CustomerSnapshot`` row, in ``SNAPSHOT_COLUMNS`` order."""
    p = assessment.profitability
    k = assessment.knowledge
    return (
        as_of, assessment.customer_id, customer["manager_id"], customer["org_unit_id"], facts.kind, assessment.tier,
        assessment.stage.value, facts.aum, facts.families_held, k.score,
        {area.value: str(points) for area, points in k.by_area.items()},
        [
            {"area": item.area.value, "gap": item.gap.value, "points": str(item.points), "field": item.profile_field,
             "known_on": item.known_on.isoformat() if item.known_on else None}
            for item in k.to_learn
        ],
        p.net_interest_income, p.fee_income, p.holding_cost, p.cost_to_serve, p.expected_loss, p.risk_adjusted_return,
        p.capital, p.capital_charge, p.economic_profit, p.raroc, facts.grade or "", facts.classification or "",
        assessment.drift.score, assessment.drift.at_risk,
        [{"signal": s.signal.value, "params": s.as_dict()} for s in assessment.drift.signals],
        facts.last_contact_on, assessment.contact.due_on, assessment.contact.overdue_days,
        [
            {"product": w.product, "reason": w.reason.value, "params": dict(w.params)}
            for w in assessment.offers.withheld
            if w.reason is not WithheldReason.NOT_FOR_THIS_KIND
        ],
    )


def offer_values(assessment: Assessment, *, as_of: datetime.date, product_ids: dict[str, int], from_model: bool) -> list[tuple]:
    """The values of the ``OfferSnapshot`` rows of a customer's best offers."""
    return [
        (
            as_of, assessment.customer_id, offer.rank, product_ids[offer.product], offer.acceptance, from_model,
            offer.risk_adjusted_profit, offer.expected_profit, assessment.amounts[offer.product], offer.reason.code.value,
            offer.reason.as_dict(),
        )
        for offer in assessment.offers.offers[:OFFERS_KEPT]
    ]


def movement_frame(data, *, as_of: datetime.date) -> pl.DataFrame:
    """Customers won and lost per primary manager (on the day) and month, over the 12 months to
    ``as_of`` (see ``BookMovement``)."""
    first_month = as_of.replace(day=1) - datetime.timedelta(days=334)
    first_month = first_month.replace(day=1)
    holdings = data.holdings
    won = holdings.group_by("customer_id").agg(pl.col("opened_on").min().alias("on")).with_columns(pl.lit("won").alias("what"))
    still_open = holdings.filter(pl.col("closed_on").is_null() | (pl.col("closed_on") > as_of)).select("customer_id").unique()
    lost = (
        holdings.join(still_open, on="customer_id", how="anti")
        .group_by("customer_id")
        .agg(pl.col("closed_on").max().alias("on"))
        .with_columns(pl.lit("lost").alias("what"))
    )
    events = pl.concat([won, lost]).filter(pl.col("on").is_between(first_month, as_of)).sort("customer_id", "on")
    assignments = frames.assignment_frame().sort("customer_id", "started_on")
    events = events.join_asof(
        assignments, left_on="on", right_on="started_on", by="customer_id", strategy="backward", check_sortedness=False
    )
    units = frames.manager_unit_frame()
    return (
        events.filter(pl.col("manager_id").is_not_null())
        .join(units, on="manager_id", how="left")
        .filter(pl.col("org_unit_id").is_not_null())
        .with_columns(pl.col("on").dt.truncate("1mo").alias("month"))
        .group_by("month", "manager_id", "org_unit_id")
        .agg((pl.col("what") == "won").sum().alias("won"), (pl.col("what") == "lost").sum().alias("lost"))
        .sort("month", "manager_id")
    )


def competitor_flow_frame(data) -> pl.DataFrame:
    """Money moved to own accounts at other banks per month, bank and the customer's book."""
    return (
        data.own_transfers.join(data.customers.select("customer_id", "manager_id", "org_unit_id"), on="customer_id")
        .with_columns(pl.col("booked_on").dt.truncate("1mo").alias("month"), pl.col("bank").fill_null(""))
        .group_by("month", "bank", "manager_id", "org_unit_id")
        .agg(pl.col("customer_id").n_unique().alias("customers"), pl.col("amount_fen").sum())
        .sort("month", "bank", "manager_id")
    )


def marketing_batch(*, as_of: datetime.date) -> MarketingBatchRun:
    """The portfolio batch for ``as_of``: segments, knowledge, profitability, offers and the
    attrition radar of every customer, column-wise reads then the domain's rules in memory,
    results written in bulk as the rows of ``as_of`` (replacing any earlier run's for that
    date), win-back tasks opened for customers newly at risk, and customers won and lost and
    money moved to other banks counted per book and month."""
    started_at = timezone.now()
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step] = round(now - clock, 2)
        clock = now

    configuration = marketing_configuration(as_of=as_of)
    data = load_portfolio(as_of=as_of)
    lap("read")
    segments = balance_segments(data)
    customers, open_holdings = segment_frame(data, as_of=as_of, segments=segments)
    market, prior = market_frame(customers, open_holdings, codes=[p.code for p in configuration.products])
    acceptance = acceptance_in_force(data, configuration=configuration)
    lap("acceptance_fit")
    features = customers.join(
        data.customers.select("customer_id", "industry", "customer_since"), on="customer_id"
    ).join(
        open_holdings.join(data.products.select("product_id", "family"), on="product_id")
        .group_by("customer_id")
        .agg(pl.col("family").n_unique().alias("families_held")),
        on="customer_id",
        how="left",
    ).with_columns(pl.col("families_held").fill_null(0))
    offerable = data.products.filter(pl.col("product_id").is_in([p.product_id for p in configuration.products]))
    probabilities = acceptance_frame(features, acceptance=acceptance, products=offerable, prior=prior, as_of=as_of)
    codes = [p.code for p in configuration.products]
    wide = (
        features.select("customer_id")
        .join(probabilities.pivot(on="code", index="customer_id", values="p"), on="customer_id", how="left")
        .sort("customer_id")
    )
    chances = wide.select("customer_id", *(pl.col(c) if c in wide.columns else pl.lit(None).alias(c) for c in codes)).fill_null(0.0)
    lap("acceptance")
    profits = OfferProfits(configuration, market)
    product_ids = {p.code: p.product_id for p in configuration.products}
    owners = {row[0]: {"manager_id": row[1], "org_unit_id": row[2]} for row in data.customers.select("customer_id", "manager_id", "org_unit_id").iter_rows()}
    from_model = acceptance.model is not None
    movements = movement_frame(data, as_of=as_of)
    flows = competitor_flow_frame(data)
    lap("movements")
    customers_done, offers_done, at_risk = 0, 0, {}
    with transaction.atomic():
        for model in (CustomerSnapshot, OfferSnapshot, BookMovement, CompetitorFlow):
            model.objects.filter(as_of=as_of).delete()
        snapshot_rows, offer_rows = [], []

        def flush() -> None:
            nonlocal snapshot_rows, offer_rows
            insert_rows(CustomerSnapshot, SNAPSHOT_COLUMNS, snapshot_rows)
            insert_rows(OfferSnapshot, OFFER_COLUMNS, offer_rows)
            snapshot_rows, offer_rows = [], []

        for facts, row in zip(portfolio_facts(data, configuration=configuration, segments=segments), chances.iter_rows(), strict=True):
            if facts.customer_id != row[0]:
                raise RuntimeError(f"customer {facts.customer_id} met the chances of customer {row[0]}")
            accept = {code: as_probability(p) for code, p in zip(codes, row[1:])}
            assessment = assess(facts, as_of=as_of, acceptance=accept, profits=profits, configuration=configuration)
            snapshot_rows.append(stored(snapshot_values(assessment, as_of=as_of, customer=owners[facts.customer_id], facts=facts)))
            offers = offer_values(assessment, as_of=as_of, product_ids=product_ids, from_model=from_model)
            offer_rows += [stored(values) for values in offers]
            customers_done, offers_done = customers_done + 1, offers_done + len(offers)
            if assessment.drift.at_risk:
                at_risk[facts.customer_id] = assessment.drift
            if len(snapshot_rows) >= WRITE_CHUNK:
                flush()
        flush()
        lap("assess_and_write")
        insert_rows(
            BookMovement, ("as_of", "month", "manager_id", "org_unit_id", "won", "lost"),
            ((as_of, *row) for row in movements.iter_rows()),
        )
        insert_rows(
            CompetitorFlow, ("as_of", "month", "bank", "manager_id", "org_unit_id", "customers", "amount"),
            ((as_of, m, b, mgr, unit, n, Decimal(fen).scaleb(-2)) for m, b, mgr, unit, n, fen in flows.iter_rows()),
        )
        opened = win_back_open(at_risk=at_risk, owners=owners, as_of=as_of)
        run = MarketingBatchRun(
            as_of=as_of,
            customers=customers_done,
            offers=offers_done,
            at_risk=len(at_risk),
            win_back_opened=opened,
            acceptance=acceptance.source,
            seconds=seconds,
        )
        lap("write")
        MarketingRun.objects.update_or_create(
            as_of=as_of,
            defaults={
                "started_at": started_at, "finished_at": timezone.now(), "customers": run.customers, "offers": run.offers,
                "at_risk": run.at_risk, "win_back_opened": opened, "acceptance": run.acceptance, "seconds": seconds,
            },
        )
    return run


def win_back_open(*, at_risk: dict[int, Drift], owners: dict[int, dict], as_of: datetime.date) -> int:
    """Open a win-back task for every customer at risk without an open one, for their primary
    account manager, due ``WIN_BACK_DUE_DAYS`` later; returns how many were opened."""
    already = set(WinBackTask.objects.filter(status=WinBackStatus.OPEN, customer_id__in=list(at_risk)).values_list("customer_id", flat=True))
    due = as_of + datetime.timedelta(days=WIN_BACK_DUE_DAYS)
    rows = [
        (
            customer_id, owners[customer_id]["manager_id"], as_of, due, radar.score,
            [{"signal": s.signal.value, "params": s.as_dict()} for s in radar.signals], WinBackStatus.OPEN.value, "",
        )
        for customer_id, radar in at_risk.items()
        if customer_id not in already
    ]
    return insert_rows(WinBackTask, ("customer_id", "manager_id", "opened_on", "due_on", "score", "signals", "status", "note"), rows)


# --- what account managers record ------------------------------------------------------------------


class MarketingErrorCode(StrEnum):
    """Why the desk refuses a marketing action."""

    DATE_IN_FUTURE = "date_in_future"
    NO_OFFER = "no_offer"
    OPPORTUNITY_OPEN = "opportunity_open"
    OPPORTUNITY_CLOSED = "opportunity_closed"
    REASON_REQUIRED = "reason_required"
    ANSWER_REQUIRED = "answer_required"
    ALREADY_ANSWERED = "already_answered"
    LEAD_CLOSED = "lead_closed"
    NO_SEGMENT = "no_segment"
    TASK_CLOSED = "task_closed"
    NOTHING_TO_CONFIRM = "nothing_to_confirm"
    AMOUNT_NEGATIVE = "amount_negative"
    PROBABILITY_OUT_OF_RANGE = "probability_out_of_range"
    BANK_REQUIRED = "bank_required"
    ENDS_BEFORE_START = "ends_before_start"


def _refuse(code: MarketingErrorCode, message: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=str(code))
    return ValidationError({field: error}) if field else error


def _not_future(on: datetime.date, field: str) -> None:
    if on > timezone.localdate():
        raise _refuse(MarketingErrorCode.DATE_IN_FUTURE, _("%(day)s is in the future.") % {"day": on}, field)


def _customer_to_change(customer_id: int, user: User) -> Customer:
    customer = Customer.objects.restrict(user, "change").filter(pk=customer_id).first()
    if customer is None:
        raise PermissionDenied
    return customer


@transaction.atomic
def interest_record(*, customer_id: int, user: User, topic: str, note: str = "", on: datetime.date) -> Interest:
    """Note something the customer cares about; it dates the interests of the knowledge score."""
    customer = _customer_to_change(customer_id, user)
    _not_future(on, "recorded_on")
    return Interest.objects.create(customer=customer, topic=InterestTopic(topic), note=note.strip(), recorded_on=on, recorded_by=user)


@transaction.atomic
def other_bank_product_record(
    *, customer_id: int, user: User, bank: str, family: str, balance: Decimal | None = None, on: datetime.date, note: str = ""
) -> OtherBankProduct:
    """Note a product the customer holds at another bank (a competitor's product appearing: the
    attrition radar reads it for the recent window)."""
    customer = _customer_to_change(customer_id, user)
    _not_future(on, "recorded_on")
    if not bank.strip():
        raise _refuse(MarketingErrorCode.BANK_REQUIRED, _("Name the other bank."), "bank")
    if balance is not None and balance < 0:
        raise _refuse(MarketingErrorCode.AMOUNT_NEGATIVE, _("An amount cannot be negative."), "balance")
    return OtherBankProduct.objects.create(
        customer=customer, bank=bank.strip(), family=ProductFamily(family), balance=balance, recorded_on=on, note=note.strip(), recorded_by=user
    )


@transaction.atomic
def other_bank_product_end(*, record_id: int, user: User, on: datetime.date) -> OtherBankProduct:
    """The customer no longer holds that product at the other bank, from ``on``."""
    record = OtherBankProduct.objects.restrict(user, "change").select_for_update().filter(pk=record_id).first()
    if record is None:
        raise PermissionDenied
    _not_future(on, "ended_on")
    record.ended_on = on
    record.save(update_fields=["ended_on"])
    return record


@transaction.atomic
def knowledge_confirm(*, customer_id: int, user: User, areas: list[str], on: datetime.date) -> list[KnowledgeConfirmation]:
    """Confirm that what the bank holds in ``areas`` of the customer is still true on ``on``."""
    customer = _customer_to_change(customer_id, user)
    _not_future(on, "confirmed_on")
    chosen = sorted({ConfirmedArea(area) for area in areas})
    if not chosen:
        raise _refuse(MarketingErrorCode.NOTHING_TO_CONFIRM, _("Tick what you confirmed with the customer."), "areas")
    return [KnowledgeConfirmation.objects.create(customer=customer, area=area, confirmed_on=on, confirmed_by=user) for area in chosen]


@transaction.atomic
def service_request_record(
    *, customer_id: int, user: User, kind: str, channel: str, subject: str, detail: str = "", received_at: datetime.datetime
) -> ServiceRequest:
    """Record a request or complaint; its answer is due within the hours the service level of
    the customer's tier promises (rmdesk.domain.segments)."""
    customer = _customer_to_change(customer_id, user)
    if received_at > timezone.now():
        raise _refuse(MarketingErrorCode.DATE_IN_FUTURE, _("%(day)s is in the future.") % {"day": received_at}, "received_at")
    level = service_levels().of(customer.tier)
    return ServiceRequest.objects.create(
        customer=customer, kind=ServiceRequestKind(kind), channel=ServiceChannel(channel), subject=subject.strip(), detail=detail.strip(),
        received_at=received_at, respond_by=received_at + datetime.timedelta(hours=level.respond_within_hours), recorded_by=user,
    )


@transaction.atomic
def service_request_answer(*, request_id: int, user: User, answer: str) -> ServiceRequest:
    """Record the answer given to a request or complaint, now."""
    request = ServiceRequest.objects.restrict(user, "change").select_for_update().filter(pk=request_id).first()
    if request is None:
        raise PermissionDenied
    if request.answered_at is not None:
        raise _refuse(MarketingErrorCode.ALREADY_ANSWERED, _("This request is already answered."))
    if not answer.strip():
        raise _refuse(MarketingErrorCode.ANSWER_REQUIRED, _("Write the answer given."), "answer")
    request.answer, request.answered_at, request.answered_by = answer.strip(), timezone.now(), user
    request.save(update_fields=["answer", "answered_at", "answered_by"])
    return request


# --- the pipeline ------------------------------------------------------------------------------------

STAGE_PROBABILITY = {
    OpportunityStage.IDENTIFIED: Decimal("0.10"),
    OpportunityStage.PROPOSED: Decimal("0.30"),
    OpportunityStage.NEGOTIATING: Decimal("0.60"),
}
"""The chance of winning an opportunity at each open stage when nothing better is known (a
common sales-funnel default); an opportunity from an offer starts at the offer's chance."""

EXPECTED_WITHIN_DAYS = 30
"""An opportunity is expected to close within a month unless the account manager says when."""


def _open_opportunity_exists(customer: Customer, product_id: int) -> None:
    if Opportunity.objects.filter(customer=customer, product_id=product_id, stage__in=OpportunityStage.open()).exists():
        raise _refuse(MarketingErrorCode.OPPORTUNITY_OPEN, _("There is already an open opportunity for this product with this customer."))


@transaction.atomic
def opportunity_from_offer(*, customer_id: int, user: User, product_id: int, on: datetime.date) -> Opportunity:
    """Turn one of the customer's offers (the latest batch's) into an opportunity: the offer's
    product and amount, its chance of acceptance as the chance of winning, its reason and
    expected profit kept, expected within ``EXPECTED_WITHIN_DAYS``."""
    customer = _customer_to_change(customer_id, user)
    offer = OfferSnapshot.objects.filter(customer=customer, product_id=product_id).order_by("-as_of").first()
    if offer is None:
        raise _refuse(MarketingErrorCode.NO_OFFER, _("This product is not among the customer's offers."))
    _open_opportunity_exists(customer, product_id)
    return Opportunity.objects.create(
        customer=customer, product_id=product_id, amount=offer.amount, stage=OpportunityStage.IDENTIFIED, probability=offer.acceptance,
        expected_on=on + datetime.timedelta(days=EXPECTED_WITHIN_DAYS), owner=user, offer_as_of=offer.as_of,
        offer_reason={"code": offer.reason, "params": offer.params}, expected_profit=offer.expected_profit, created_on=on,
    )


@transaction.atomic
def opportunity_create(
    *, customer_id: int, user: User, product_id: int, amount: Decimal, expected_on: datetime.date, on: datetime.date,
    note: str = "", campaign: Campaign | None = None,
) -> Opportunity:
    """Open an opportunity the account manager found themselves (or a campaign contact accepted)."""
    customer = _customer_to_change(customer_id, user)
    if amount < 0:
        raise _refuse(MarketingErrorCode.AMOUNT_NEGATIVE, _("An amount cannot be negative."), "amount")
    _open_opportunity_exists(customer, product_id)
    return Opportunity.objects.create(
        customer=customer, product_id=product_id, amount=amount, probability=STAGE_PROBABILITY[OpportunityStage.IDENTIFIED],
        expected_on=expected_on, owner=user, created_on=on, note=note.strip(), campaign=campaign,
    )


def _opportunity_to_change(opportunity_id: int, user: User) -> Opportunity:
    opportunity = Opportunity.objects.restrict(user, "change").select_for_update().filter(pk=opportunity_id).first()
    if opportunity is None:
        raise PermissionDenied
    if not opportunity.is_open:
        raise _refuse(MarketingErrorCode.OPPORTUNITY_CLOSED, _("This opportunity is closed: it was won or lost."))
    return opportunity


@transaction.atomic
def opportunity_update(
    *, opportunity_id: int, user: User, stage: str, probability: Decimal | None = None, amount: Decimal | None = None,
    expected_on: datetime.date | None = None,
) -> Opportunity:
    """Move an open opportunity to another open stage, with its chance of winning (the stage's
    default if none is given), amount and expected date."""
    opportunity = _opportunity_to_change(opportunity_id, user)
    stage = OpportunityStage(stage)
    if stage not in OpportunityStage.open():
        raise _refuse(MarketingErrorCode.OPPORTUNITY_CLOSED, _("Win or lose an opportunity with its own button."), "stage")
    probability = STAGE_PROBABILITY[stage] if probability is None else probability
    if not 0 <= probability <= 1:
        raise _refuse(MarketingErrorCode.PROBABILITY_OUT_OF_RANGE, _("A chance is between 0 and 100%."), "probability")
    if amount is not None and amount < 0:
        raise _refuse(MarketingErrorCode.AMOUNT_NEGATIVE, _("An amount cannot be negative."), "amount")
    opportunity.stage, opportunity.probability = stage, probability
    opportunity.amount = opportunity.amount if amount is None else amount
    opportunity.expected_on = expected_on or opportunity.expected_on
    opportunity.save(update_fields=["stage", "probability", "amount", "expected_on"])
    return opportunity


@transaction.atomic
def opportunity_win(*, opportunity_id: int, user: User, on: datetime.date) -> Opportunity:
    """The customer took the product: the opportunity is won on ``on``."""
    opportunity = _opportunity_to_change(opportunity_id, user)
    _not_future(on, "closed_on")
    opportunity.stage, opportunity.probability, opportunity.closed_on = OpportunityStage.WON, Decimal(1), on
    opportunity.save(update_fields=["stage", "probability", "closed_on"])
    CampaignTarget.objects.filter(campaign_id=opportunity.campaign_id, customer_id=opportunity.customer_id).update(
        status=TargetStatus.ACCEPTED
    )
    return opportunity


@transaction.atomic
def opportunity_lose(*, opportunity_id: int, user: User, reason: str, note: str = "", on: datetime.date) -> Opportunity:
    """The customer said no: the opportunity is lost on ``on``, with the reason."""
    opportunity = _opportunity_to_change(opportunity_id, user)
    _not_future(on, "closed_on")
    if not reason:
        raise _refuse(MarketingErrorCode.REASON_REQUIRED, _("Say why the opportunity was lost."), "reason")
    opportunity.stage, opportunity.probability, opportunity.closed_on = OpportunityStage.LOST, Decimal(0), on
    opportunity.lost_reason, opportunity.note = LostReason(reason), "\n".join(filter(None, [opportunity.note, note.strip()]))
    opportunity.save(update_fields=["stage", "probability", "closed_on", "lost_reason", "note"])
    return opportunity


@transaction.atomic
def lead_create(
    *, user: User, name: str, kind: str, source: str, on: datetime.date, phone: str = "", township: str = "", need: str = "",
    referred_by_customer_id: int | None = None, referred_by_colleague: User | None = None,
) -> Lead:
    """Record a prospective customer for ``user`` to follow up; a referring customer must be one
    the account manager can see."""
    if not user.holds_book:
        raise PermissionDenied
    _not_future(on, "created_on")
    referrer = None
    if referred_by_customer_id is not None:
        referrer = Customer.objects.restrict(user).filter(pk=referred_by_customer_id).first()
        if referrer is None:
            raise PermissionDenied
    return Lead.objects.create(
        name=name.strip(), kind=CustomerKind(kind), phone=phone.strip(), township=township.strip(), need=need.strip(),
        source=LeadSource(source), referred_by_customer=referrer, referred_by_colleague=referred_by_colleague, manager=user,
        org_unit=user.org_unit, created_on=on,
    )


def _lead_to_change(lead_id: int, user: User) -> Lead:
    lead = Lead.objects.restrict(user).select_for_update().filter(pk=lead_id).first()
    if lead is None or not user.changes_customers:
        raise PermissionDenied
    if lead.status != LeadStatus.OPEN:
        raise _refuse(MarketingErrorCode.LEAD_CLOSED, _("This lead is closed already."))
    return lead


@transaction.atomic
def lead_convert(*, lead_id: int, user: User, customer_id: int, on: datetime.date) -> Lead:
    """The lead became a customer: link the customer (registered in the book as usual)."""
    lead = _lead_to_change(lead_id, user)
    customer = _customer_to_change(customer_id, user)
    lead.status, lead.customer, lead.closed_on = LeadStatus.CONVERTED, customer, on
    lead.save(update_fields=["status", "customer", "closed_on"])
    return lead


@transaction.atomic
def lead_drop(*, lead_id: int, user: User, reason: str, on: datetime.date) -> Lead:
    """Stop following the lead up, with the reason."""
    lead = _lead_to_change(lead_id, user)
    if not reason.strip():
        raise _refuse(MarketingErrorCode.REASON_REQUIRED, _("Say why the lead is dropped."), "drop_reason")
    lead.status, lead.drop_reason, lead.closed_on = LeadStatus.DROPPED, reason.strip(), on
    lead.save(update_fields=["status", "drop_reason", "closed_on"])
    return lead


@transaction.atomic
def campaign_create(
    *, user: User, name: str, product_id: int, kinds: list[str], tiers: list[str], stages: list[str], offered_only: bool,
    starts_on: datetime.date, ends_on: datetime.date,
) -> Campaign:
    """A campaign of ``user``'s unit aimed at a segment, with its target list: the customers in
    ``user``'s scope whose latest snapshot is of the segment (and, if ``offered_only``, to whom
    the latest batch offers the product), each for their account manager, with their chance."""
    if not (user.sees_unit or user.holds_book):
        raise PermissionDenied
    if ends_on < starts_on:
        raise _refuse(MarketingErrorCode.ENDS_BEFORE_START, _("A campaign ends after it starts."), "ends_on")
    latest = CustomerSnapshot.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    if latest is None:
        raise _refuse(MarketingErrorCode.NO_SEGMENT, _("The portfolio batch has not run yet: there are no segments to aim at."))
    snapshots = CustomerSnapshot.objects.restrict(user).filter(as_of=latest)
    for field, values in (("kind", kinds), ("tier", tiers), ("stage", stages)):
        if values:
            snapshots = snapshots.filter(**{f"{field}__in": values})
    offers = OfferSnapshot.objects.filter(as_of=latest, product_id=product_id)
    chance = dict(offers.filter(customer__in=snapshots.values("customer_id")).values_list("customer_id", "acceptance"))
    if offered_only:
        snapshots = snapshots.filter(customer_id__in=offers.values("customer_id"))
    campaign = Campaign.objects.create(
        name=name.strip(), product_id=product_id, kinds=sorted(kinds), tiers=sorted(tiers), stages=sorted(stages), offered_only=offered_only,
        org_unit=user.org_unit, starts_on=starts_on, ends_on=ends_on, segment_as_of=latest, created_by=user, created_at=timezone.now(),
    )
    CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=campaign, customer_id=customer_id, manager_id=manager_id, acceptance=chance.get(customer_id))
        for customer_id, manager_id in snapshots.order_by("customer_id").values_list("customer_id", "customer__primary_manager_id")
    )
    return campaign


@transaction.atomic
def campaign_target_record(*, target_id: int, user: User, status: str, note: str = "", on: datetime.date) -> CampaignTarget:
    """The outcome of contacting a campaign's target; an acceptance opens an opportunity for
    the campaign's product (the acceptance model learns from these outcomes)."""
    target = CampaignTarget.objects.restrict(user, "change").select_for_update().select_related("campaign").filter(pk=target_id).first()
    if target is None:
        raise PermissionDenied
    _not_future(on, "contacted_on")
    target.status, target.note, target.contacted_on = TargetStatus(status), note.strip(), on
    target.save(update_fields=["status", "note", "contacted_on"])
    if target.status == TargetStatus.ACCEPTED and not Opportunity.objects.filter(
        customer_id=target.customer_id, product_id=target.campaign.product_id, stage__in=OpportunityStage.open()
    ).exists():
        offer = OfferSnapshot.objects.filter(customer_id=target.customer_id, product_id=target.campaign.product_id).order_by("-as_of").first()
        opportunity_create(
            customer_id=target.customer_id, user=user, product_id=target.campaign.product_id,
            amount=offer.amount if offer else Decimal(0), expected_on=target.campaign.ends_on, on=on, campaign=target.campaign,
        )
    return target


@transaction.atomic
def win_back_close(*, task_id: int, user: User, status: str, note: str, on: datetime.date) -> WinBackTask:
    """Close a win-back task with what came of it."""
    task = WinBackTask.objects.restrict(user, "change").select_for_update().filter(pk=task_id).first()
    if task is None:
        raise PermissionDenied
    if task.status != WinBackStatus.OPEN:
        raise _refuse(MarketingErrorCode.TASK_CLOSED, _("This task is closed already."))
    status = WinBackStatus(status)
    if status == WinBackStatus.OPEN:
        raise _refuse(MarketingErrorCode.TASK_CLOSED, _("Say what came of it."), "status")
    if not note.strip():
        raise _refuse(MarketingErrorCode.REASON_REQUIRED, _("Say what was done."), "note")
    _not_future(on, "closed_on")
    task.status, task.note, task.closed_on, task.closed_by = status, note.strip(), on, user
    task.save(update_fields=["status", "note", "closed_on", "closed_by"])
    return task
