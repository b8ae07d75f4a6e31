"""One customer's marketing assessment from their facts, by the domain's rules.

The portfolio batch gathers every customer's facts column-wise (rmdesk.marketing.batch) and
the customer 360 gathers one customer's facts with plain queries (rmdesk.marketing.facts);
both hand them to ``assess``, which calls the domain's functions in the order their inputs
need: value tier, profitability, knowledge score, attrition radar, lifecycle stage, contact
due, then the next best offers. The helpers that turn gathered numbers into the domain's
dataclasses live here too, so that both ways of gathering build them alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from rmdesk.domain.attrition import AttritionFacts, Drift, IncomeSource, drift
from rmdesk.domain.knowledge import KnowledgeArea, KnowledgeFacts, KnowledgeScore, knowledge_score
from rmdesk.domain.offers import NextBestOffers, OfferCandidate, OfferCustomer, next_best_offers
from rmdesk.domain.profitability import (
    CREDIT_KINDS,
    CustomerProfitability,
    Position,
    PositionKind,
    customer_profitability,
    position_profitability,
)
from rmdesk.domain.segments import ContactDue, LifecycleFacts, LifecycleStage, contact_due, lifecycle_stage, value_tier
from rmdesk.marketing.configuration import CatalogueProduct, MarketingConfiguration
from rmdesk.marketing.defaults import (
    EXPOSURE_CLASS_OF_KIND,
    OFF_BALANCE_EXPOSURE_CLASS,
    PROFILE_FIELDS,
    PROFIT_WINDOW_DAYS,
    STATEMENTS_NOT_EXPECTED_OF,
    Terms,
)

INCOME_SOURCES = {"salary": IncomeSource.SALARY, "pension": IncomeSource.PENSION, "sales": IncomeSource.SALES}


def exposure_class(terms: Terms, *, kind: str) -> str | None:
    """The exposure class of credit of ``terms`` to a customer of ``kind`` (None for non-credit)."""
    if terms.kind not in CREDIT_KINDS:
        return None
    if terms.exposure_class:
        return terms.exposure_class
    return OFF_BALANCE_EXPOSURE_CLASS if terms.kind is PositionKind.OFF_BALANCE else EXPOSURE_CLASS_OF_KIND[kind]


def holding_position(
    *,
    reference: str,
    family: str,
    terms: Terms,
    kind: str,
    average_balance: Decimal,
    days_held: int,
    loan_rate: Decimal | None = None,
    loan_term: int | None = None,
) -> Position:
    """A holding's year as profitability reads it: its average balance over the year, the
    loan's own rate and term where it is a loan on the books (else the product's terms), and
    fees of ``fee_rate`` x the average balance plus the yearly fee for the share of the year it
    was held (``days_held`` of the 365)."""
    fees = terms.fee_rate * average_balance + terms.yearly_fee * days_held / PROFIT_WINDOW_DAYS
    return Position(
        reference=reference,
        family=family,
        kind=terms.kind,
        average_balance=average_balance,
        customer_rate=terms.customer_rate if loan_rate is None else loan_rate,
        term_months=terms.term_months if loan_term is None else loan_term,
        fee_income=fees,
        exposure_class=exposure_class(terms, kind=kind),
    )


def knowledge_facts(
    *,
    kind: str,
    customer_since: datetime.date,
    filled: frozenset[str],
    key_people: int,
    statements_on: datetime.date | None,
    interests_recorded_on: datetime.date | None,
    competitors_recorded_on: datetime.date | None,
    confirmed: Mapping[str, datetime.date | None],
    last_visit_on: datetime.date | None,
) -> KnowledgeFacts:
    """What the bank knows of a customer and since when (rmdesk.domain.knowledge.KnowledgeFacts).

    A profile field filled in is known since the profile was last confirmed, or since the
    customer came (the due diligence of onboarding); key people on file likewise. Interests and
    other banks are known since the latest recorded or confirmed. Statements are not expected of
    the kinds in ``STATEMENTS_NOT_EXPECTED_OF``.
    """

    def latest(*days: datetime.date | None) -> datetime.date | None:
        known = [day for day in days if day is not None]
        return max(known) if known else None

    profile_on = latest(customer_since, confirmed.get("profile"))
    return KnowledgeFacts(
        profile={name: (profile_on if name in filled else None) for name in PROFILE_FIELDS[kind]},
        key_people_on=latest(customer_since if key_people else None, confirmed.get("key_people")),
        statements_on=statements_on,
        interests_on=latest(interests_recorded_on, confirmed.get("interests")),
        competitors_on=latest(competitors_recorded_on, confirmed.get("competitors")),
        last_visit_on=last_visit_on,
        not_expected=frozenset({KnowledgeArea.STATEMENTS}) if kind in STATEMENTS_NOT_EXPECTED_OF else frozenset(),
    )


def per_30_days(total_fen: int, days: int) -> Decimal:
    """Money over ``days`` days, in fen, as yuan per 30 days (exact, unrounded)."""
    return Decimal(total_fen * 30) / Decimal(days * 100) if days > 0 else Decimal(0)


def average_yuan(fen_days: int, days: int) -> Decimal:
    """A time-weighted sum of balances (fen x days) as the average balance in yuan over ``days``."""
    return Decimal(fen_days) / Decimal(days * 100) if days > 0 else Decimal(0)


@dataclass(frozen=True)
class CustomerFacts:
    """Everything ``assess`` reads of one customer on ``as_of``.

    ``aum``: deposits and wealth at the end of ``as_of``; ``held``: codes of the products held
    open; ``positions``: the year of every holding held during it; ``pd``: the 12-month PD
    (the decided rating's, else the latest proposal's, else the policy's for the unrated);
    ``grade``: the decided grade in force (None: unrated); ``classification``: the worst
    category of the loans the customer owes (None: owes nothing classified); ``income``: the
    monthly salary, sales and wages figures the offers' reasons read.
    """

    customer_id: int
    kind: str
    industry: str
    customer_since: datetime.date
    aum: Decimal
    families_held: int
    held: frozenset[str]
    positions: tuple[Position, ...]
    pd: Decimal
    grade: str | None
    classification: str | None
    knowledge: KnowledgeFacts
    first_opened_on: datetime.date | None
    open_products: int
    last_own_transaction_on: datetime.date | None
    last_contact_on: datetime.date | None
    attrition: AttritionFacts
    idle_balance: Decimal
    monthly_salary_here: Decimal
    monthly_sales_here: Decimal
    monthly_wages_paid: Decimal
    policy_failures: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Market:
    """Bank-wide figures the offers read: the share of similar customers (kind, tier) holding
    each product, and the amount of a new holding of each product for each kind of customer."""

    peer_share: Mapping[tuple[str, str, str], Decimal]
    amount: Mapping[tuple[str, str], Decimal]


@dataclass(frozen=True)
class Assessment:
    """A customer's assessment on ``as_of``; ``amounts`` is the amount each offer proposes."""

    customer_id: int
    tier: str
    stage: LifecycleStage
    profitability: CustomerProfitability
    knowledge: KnowledgeScore
    drift: Drift
    contact: ContactDue
    offers: NextBestOffers
    amounts: Mapping[str, Decimal]


def proposed_position(product: CatalogueProduct, *, kind: str, amount: Decimal) -> Position:
    """The holding an offer proposes: ``amount`` (for services, none) on the product's terms,
    held the whole year."""
    return holding_position(
        reference=f"offer {product.code}", family=product.family, terms=product.terms, kind=kind,
        average_balance=amount, days_held=PROFIT_WINDOW_DAYS,
    )


class OfferProfits:
    """The economic profit of each product offered to a kind of customer at a PD, computed once
    per combination: it does not depend on who else the customer is."""

    def __init__(self, configuration: MarketingConfiguration, market: Market) -> None:
        self.configuration = configuration
        self.market = market
        self._cache: dict[tuple[str, str, Decimal], Decimal] = {}

    def amount(self, product: CatalogueProduct, kind: str) -> Decimal:
        return self.market.amount.get((kind, product.code), product.terms.typical_amount)

    def profit(self, product: CatalogueProduct, *, kind: str, pd: Decimal) -> Decimal:
        key = (product.code, kind, pd)
        if key not in self._cache:
            position = proposed_position(product, kind=kind, amount=self.amount(product, kind))
            result = position_profitability(position, probability_of_default=pd, parameters=self.configuration.profitability)
            self._cache[key] = result.economic_profit
        return self._cache[key]


def assess(
    facts: CustomerFacts,
    *,
    as_of: datetime.date,
    acceptance: Mapping[str, Decimal],
    profits: OfferProfits,
    configuration: MarketingConfiguration,
) -> Assessment:
    """The customer's marketing assessment on ``as_of`` by the domain's rules.

    ``acceptance``: the probability that the customer accepts each product, by code (from the
    acceptance model, or the prior where there is no history).
    """
    tier = value_tier(facts.aum)
    profitability = customer_profitability(
        facts.positions, tier=tier, probability_of_default=facts.pd, parameters=configuration.profitability
    )
    knowledge = knowledge_score(facts.knowledge, as_of=as_of, policy=configuration.knowledge)
    radar = drift(facts.attrition, configuration.attrition)
    stage = lifecycle_stage(
        LifecycleFacts(
            first_opened_on=facts.first_opened_on,
            open_products=facts.open_products,
            last_own_transaction_on=facts.last_own_transaction_on,
            drifting=radar.at_risk,
        ),
        as_of=as_of,
        policy=configuration.lifecycle,
    )
    contact = contact_due(
        tier=tier,
        customer_since=facts.customer_since,
        last_contact_on=facts.last_contact_on,
        as_of=as_of,
        service_levels=configuration.service_levels,
    )
    customer = OfferCustomer(
        kind=facts.kind,
        tier=tier,
        held=facts.held,
        grade=facts.grade,
        classification=facts.classification,
        policy_failures=facts.policy_failures,
        idle_balance=facts.idle_balance,
        monthly_salary_here=facts.monthly_salary_here,
        monthly_sales_here=facts.monthly_sales_here,
        monthly_wages_paid=facts.monthly_wages_paid,
    )
    candidates = [
        OfferCandidate(
            product=product.offer,
            acceptance=acceptance[product.code],
            risk_adjusted_profit=profits.profit(product, kind=facts.kind, pd=facts.pd),
            peer_share=profits.market.peer_share.get((facts.kind, tier, product.code), Decimal(0)),
        )
        for product in configuration.products
    ]
    offers = next_best_offers(customer, candidates, packages=configuration.packages, policy=configuration.offer_policy)
    by_code = {product.code: product for product in configuration.products}
    amounts = {offer.product: profits.amount(by_code[offer.product], facts.kind) for offer in offers.offers}
    return Assessment(
        customer_id=facts.customer_id,
        tier=tier,
        stage=stage,
        profitability=profitability,
        knowledge=knowledge,
        drift=radar,
        contact=contact,
        offers=offers,
        amounts=amounts,
    )
