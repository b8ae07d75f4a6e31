"""One customer's facts gathered with plain queries: the customer 360's live figures, and the
reference the portfolio batch's column-wise gathering is tested against.

Each figure is computed the plain way, day by day and row by row, from the customer's own
records; the batch computes the same figures for every customer at once in Polars
(rmdesk.marketing.batch). Both hand their ``CustomerFacts`` to the same ``assess``.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from rmdesk.credit.models import Loan
from rmdesk.customers.models import Customer, FinancialStatement, KeyPerson
from rmdesk.desk.models import Interaction, InteractionKind
from rmdesk.domain.attrition import AttritionFacts, AttritionPolicy, IncomeSource
from rmdesk.domain.classification import Category
from rmdesk.domain.profitability import Position
from rmdesk.marketing.assessment import CustomerFacts, average_yuan, holding_position, knowledge_facts, per_30_days
from rmdesk.marketing.batch import CLOSING_FAMILIES, MATURITY_TOLERANCE_DAYS, SAVINGS_FAMILIES, policy_failures_of, restricted_industries
from rmdesk.marketing.configuration import MarketingConfiguration
from rmdesk.marketing.defaults import MONTHLY_FROM_DAYS, PROFILE_FIELDS, PROFIT_WINDOW_DAYS, UNRATED_PD
from rmdesk.marketing.models import Interest, KnowledgeConfirmation, OtherBankProduct
from rmdesk.products.models import DailyBalance, Holding, Transaction
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.risk.models import LoanRisk

DAY = datetime.timedelta(days=1)


def flow_of(tx: Transaction) -> str:
    """Which regular flow a transaction is: salary, pension, sales, wages, or none ("")."""
    if tx.direction == "C":
        if tx.purpose == "salary":
            return "salary"
        if tx.purpose in ("sales", "farm_sales"):
            return "sales"
        if tx.purpose == "transfer" and tx.channel == "batch":
            return "pension"
    elif tx.purpose == "wages_paid":
        return "wages"
    return ""


def first_transaction_on() -> datetime.date | None:
    """The first day the bank has a transaction for."""
    return Transaction.objects.aggregate(first=Min("booked_on"))["first"]


class DailyBalances:
    """A holding's end-of-day balance on any day, from its sparse daily balance rows."""

    def __init__(self, holding: Holding, as_of: datetime.date) -> None:
        self.rows = list(DailyBalance.objects.filter(holding=holding, on__lte=as_of).order_by("on").values_list("on", "balance"))

    def on(self, day: datetime.date) -> Decimal:
        balance = Decimal(0)
        for on, value in self.rows:
            if on > day:
                break
            balance = value
        return balance

    def fen_days(self, first: datetime.date, last: datetime.date) -> int:
        total, day = 0, first
        while day <= last:
            total += int(self.on(day) * 100)
            day += DAY
        return total


def _open(holding: Holding, day: datetime.date) -> bool:
    return holding.opened_on <= day and (holding.closed_on is None or holding.closed_on > day)


def _closed_early(holding: Holding, term_months: int | None) -> bool:
    if term_months is None:
        return True
    opened, closed = holding.opened_on, holding.closed_on
    months = (closed.year - opened.year) * 12 + closed.month - opened.month
    terms = max(1, round(months / term_months))
    month = opened.month - 1 + terms * term_months
    year, month = opened.year + month // 12, month % 12 + 1
    day = min(opened.day, calendar.monthrange(year, month)[1])
    return abs((closed - datetime.date(year, month, day)).days) > MATURITY_TOLERANCE_DAYS


def attrition_facts_of(
    customer: Customer,
    *,
    as_of: datetime.date,
    policy: AttritionPolicy,
    history_from: datetime.date,
    configuration: MarketingConfiguration,
    holdings: list[Holding],
    balances: dict[int, DailyBalances],
) -> AttritionFacts:
    """The radar's inputs for one customer on ``as_of`` (rmdesk.domain.attrition)."""
    recent_from = as_of - datetime.timedelta(days=policy.recent_days - 1)
    reference_from = max(history_from, recent_from - datetime.timedelta(days=policy.reference_days))
    reference_to = recent_from - DAY
    before_days = (reference_to - reference_from).days + 1
    savings = [h for h in holdings if h.product.family in SAVINGS_FAMILIES]
    before_fd = sum(balances[h.pk].fen_days(reference_from, reference_to) for h in savings)
    now_fd = sum(balances[h.pk].fen_days(recent_from, as_of) for h in savings)
    income_before, income_now, by_source = 0, 0, {}
    for tx in Transaction.objects.filter(customer=customer, booked_on__gte=reference_from, booked_on__lte=as_of):
        flow = flow_of(tx)
        if flow not in ("salary", "pension", "sales"):
            continue
        fen = int(tx.amount * 100)
        if tx.booked_on < recent_from:
            income_before += fen
            by_source[flow] = by_source.get(flow, 0) + fen
        else:
            income_now += fen
    source = min(by_source, key=lambda flow: (-by_source[flow], flow)) if by_source else None
    closed = sorted(
        {
            h.product.code
            for h in holdings
            if h.product.family in CLOSING_FAMILIES
            and h.closed_on is not None
            and recent_from <= h.closed_on <= as_of
            and _closed_early(h, configuration.terms_by_product[h.product_id].term_months)
        }
    )
    own = list(
        Transaction.objects.filter(
            customer=customer, direction="D", counterparty_name=customer.name, booked_on__gte=reference_from, booked_on__lte=as_of
        ).exclude(counterparty_account="")
    )
    ours = set(Holding.objects.filter(account_number__in={tx.counterparty_account for tx in own}).values_list("account_number", flat=True))
    sent_before, moved = set(), {}
    for tx in own:
        if tx.counterparty_account in ours:
            continue
        if tx.booked_on < recent_from:
            sent_before.add(tx.counterparty_bank)
        else:
            moved[tx.counterparty_bank] = moved.get(tx.counterparty_bank, 0) + int(tx.amount * 100)
    recorded = sorted(
        set(OtherBankProduct.objects.filter(customer=customer, recorded_on__gte=recent_from, recorded_on__lte=as_of).values_list("bank", flat=True))
    )
    return AttritionFacts(
        balance_before=average_yuan(before_fd, before_days),
        balance_now=average_yuan(now_fd, policy.recent_days),
        income_before=per_30_days(income_before, before_days),
        income_now=per_30_days(income_now, policy.recent_days),
        income_source={"salary": IncomeSource.SALARY, "pension": IncomeSource.PENSION, "sales": IncomeSource.SALES}.get(source, IncomeSource.INCOME),
        products_closed=tuple(closed),
        moved_to_competitors={bank: Decimal(fen).scaleb(-2) for bank, fen in sorted(moved.items()) if bank not in sent_before},
        competitor_products=tuple(recorded),
    )


def positions_of(
    customer: Customer, *, as_of: datetime.date, configuration: MarketingConfiguration
) -> tuple[list[Holding], dict[int, DailyBalances], tuple[Position, ...]]:
    """The customer's holdings opened by ``as_of``, their daily balances, and the year to
    ``as_of`` of those held during it as profitability reads them."""
    year_from = as_of - datetime.timedelta(days=PROFIT_WINDOW_DAYS - 1)
    holdings = list(Holding.objects.filter(customer=customer, opened_on__lte=as_of).select_related("product").order_by("pk"))
    balances = {h.pk: DailyBalances(h, as_of) for h in holdings}
    terms = configuration.terms_by_product
    loans = {loan.holding_id: loan for loan in Loan.objects.filter(customer=customer)}
    positions = []
    for h in holdings:
        if h.closed_on is not None and h.closed_on < year_from:
            continue
        loan = loans.get(h.pk)
        held_to = min(h.closed_on or as_of, as_of)
        positions.append(
            holding_position(
                reference=str(h.pk),
                family=h.product.family,
                terms=terms[h.product_id],
                kind=customer.kind,
                average_balance=average_yuan(balances[h.pk].fen_days(year_from, as_of), PROFIT_WINDOW_DAYS),
                days_held=max(0, (held_to - max(h.opened_on, year_from)).days + 1),
                loan_rate=loan.annual_rate if loan else None,
                loan_term=loan.term_months if loan else None,
            )
        )
    return holdings, balances, tuple(positions)


def pd_and_grade_of(customer: Customer, *, as_of: datetime.date) -> tuple[Decimal, str | None]:
    """The customer's 12-month PD (the decided rating's in force, else the latest rating's,
    decided or proposed, else the policy's for the unrated) and the decided grade in force."""
    in_force = (
        Rating.objects.filter(customer=customer, status__in=RatingStatus.in_force(), valid_from__lte=as_of, valid_until__gte=as_of, as_of__lte=as_of)
        .order_by("-valid_from", "-pk")
        .first()
    )
    if in_force is not None:
        return in_force.pd, in_force.grade
    latest = Rating.objects.filter(customer=customer, as_of__lte=as_of).order_by("-pk").first()
    if latest is None:
        return UNRATED_PD, None
    return (latest.pd if latest.pd is not None else latest.proposed_pd), None


def customer_facts_of(customer: Customer, *, as_of: datetime.date, configuration: MarketingConfiguration, history_from: datetime.date) -> CustomerFacts:
    """One customer's ``CustomerFacts`` on ``as_of``, by plain queries (see the module)."""
    kind = customer.kind
    holdings, balances, positions = positions_of(customer, as_of=as_of, configuration=configuration)
    open_now = [h for h in holdings if _open(h, as_of)]
    terms = configuration.terms_by_product
    aum_fen = sum(int(balances[h.pk].on(as_of) * 100) for h in open_now if h.product.family in SAVINGS_FAMILIES)
    current_fen = sum(
        int(balances[h.pk].on(as_of) * 100) for h in open_now if h.product.family == "deposit" and terms[h.product_id].term_months is None
    )

    pd, grade = pd_and_grade_of(customer, as_of=as_of)
    ranks = [Category(risk.category).rank for risk in LoanRisk.objects.filter(loan__customer=customer, loan__outstanding_principal__gt=0)]
    classification = next(c.value for c in Category if c.rank == max(ranks)) if ranks else None

    monthly_from = as_of - datetime.timedelta(days=MONTHLY_FROM_DAYS - 1)
    salary = sales = wages = outflow = 0
    transactions = Transaction.objects.filter(customer=customer, booked_on__lte=as_of)
    for tx in transactions.filter(booked_on__gte=monthly_from):
        fen = int(tx.amount * 100)
        flow = flow_of(tx)
        salary += fen if flow in ("salary", "pension") else 0
        sales += fen if flow == "sales" else 0
        wages += fen if flow == "wages" else 0
        outflow += fen if tx.direction == "D" else 0
    last_own = transactions.exclude(purpose="interest").aggregate(day=Max("booked_on"))["day"]

    filled = {name for name in PROFILE_FIELDS[kind] if getattr(customer, name) not in ("", None)}
    if customer.industry == "Z":
        filled.discard("industry")
    confirmations = KnowledgeConfirmation.objects.filter(customer=customer, confirmed_on__lte=as_of)
    confirmed = {area: confirmations.filter(area=area).aggregate(day=Max("confirmed_on"))["day"] for area in ("profile", "key_people", "interests", "competitors")}
    days = [timezone.localtime(i.occurred_at).date() for i in Interaction.objects.filter(customer=customer)]
    visits = [
        timezone.localtime(i.occurred_at).date()
        for i in Interaction.objects.filter(customer=customer, kind__in=[InteractionKind.VISIT, InteractionKind.MEETING])
    ]
    seen = [d for d in days if d <= as_of]
    visited = [d for d in visits if d <= as_of]
    restricted = restricted_industries([customer.industry], configuration, as_of=as_of)
    return CustomerFacts(
        customer_id=customer.pk,
        kind=kind,
        industry=customer.industry,
        customer_since=customer.customer_since,
        aum=Decimal(aum_fen).scaleb(-2),
        families_held=len({h.product.family for h in open_now}),
        held=frozenset(h.product.code for h in open_now),
        positions=positions,
        pd=pd,
        grade=grade,
        classification=classification,
        knowledge=knowledge_facts(
            kind=kind,
            customer_since=customer.customer_since,
            filled=frozenset(filled),
            key_people=KeyPerson.objects.filter(customer=customer).count(),
            statements_on=FinancialStatement.objects.filter(customer=customer, period_end__lte=as_of).aggregate(d=Max("period_end"))["d"],
            interests_recorded_on=Interest.objects.filter(customer=customer, recorded_on__lte=as_of).aggregate(d=Max("recorded_on"))["d"],
            competitors_recorded_on=OtherBankProduct.objects.filter(customer=customer, recorded_on__lte=as_of).aggregate(d=Max("recorded_on"))["d"],
            confirmed=confirmed,
            last_visit_on=max(visited) if visited else None,
        ),
        first_opened_on=min((h.opened_on for h in holdings), default=None),
        open_products=len(open_now),
        last_own_transaction_on=last_own,
        last_contact_on=max(seen) if seen else None,
        attrition=attrition_facts_of(
            customer, as_of=as_of, policy=configuration.attrition, history_from=history_from, configuration=configuration,
            holdings=holdings, balances=balances,
        ),
        idle_balance=max(Decimal(0), Decimal(current_fen).scaleb(-2) - per_30_days(outflow, MONTHLY_FROM_DAYS)),
        monthly_salary_here=per_30_days(salary, MONTHLY_FROM_DAYS),
        monthly_sales_here=per_30_days(sales, MONTHLY_FROM_DAYS),
        monthly_wages_paid=per_30_days(wages, MONTHLY_FROM_DAYS),
        policy_failures=policy_failures_of(customer.industry, restricted, configuration),
    )
