"""Reading a customer's statements and what the desk makes of them, in a handful of queries.

The statements with their lines, the debt service the bank's schedules hold for each period,
the inflows the bank saw over each period and the industry benchmarks are each fetched once
(one query apiece, however many periods); the ratios, trends, positions, anomalies and the
comparison with the bank's flows are then computed by the domain's rules.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from rmdesk.credit.models import Instalment
from rmdesk.customers.models import Customer, FinancialStatement
from rmdesk.customers.models import StatementBasis as BasisChoice
from rmdesk.domain.amortisation import add_months
from rmdesk.domain.anomalies import Anomaly, statement_anomalies
from rmdesk.domain.bank_flows import (
    REVENUE_LINES,
    FlowsComparison,
    compare_with_bank_flows,
)
from rmdesk.domain.benchmarks import BenchmarkPosition, Quartiles, benchmark_position
from rmdesk.domain.ratios import (
    RatioDefinition,
    RatioFamily,
    Trend,
    ratio_trend,
    ratios_for,
    statement_ratios,
)
from rmdesk.domain.statements import (
    MONTHS,
    OPTIONAL_PARTS,
    PeriodProblem,
    SeasonalCashFlow,
    StatementBasis,
    StatementLine,
    StatementPart,
    StatementPeriod,
    inflow_code,
    parts_given,
    period_problems,
    seasonal_cash_flow,
    statement_lines,
)
from rmdesk.org.models import User
from rmdesk.products.models import Holding, ProductFamily, Purpose, Transaction
from rmdesk.statements.models import IndustryBenchmark

MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StatementColumn:
    """One period's statement with what is computed from it."""

    statement: FinancialStatement
    period: StatementPeriod
    amounts: dict[str, Decimal]
    compared_with_previous: bool
    annual_debt_service: Decimal
    ratios: dict[str, Decimal | None]
    anomalies: tuple[Anomaly, ...]
    flows: FlowsComparison


@dataclass(frozen=True)
class RatioRow:
    """A ratio over the periods (oldest first), its trend, and where its latest known value
    stands among its industry."""

    definition: RatioDefinition
    values: list[Decimal | None]
    trend: Trend | None
    benchmark: Quartiles | None
    position: BenchmarkPosition | None


@dataclass(frozen=True)
class LineRow:
    """A statement line over the periods (oldest first); ``None`` where a period lacks the part.
    Detail lines nil in every period are left out of the page."""

    line: StatementLine
    is_subtotal: bool
    values: list[Decimal | None]


@dataclass
class BasisAnalysis:
    """Everything the statements page shows for the statements of one basis."""

    basis: StatementBasis
    columns: list[StatementColumn]
    parts: list[tuple[StatementPart, list[LineRow]]] = field(default_factory=list)
    families: list[tuple[RatioFamily, list[RatioRow]]] = field(default_factory=list)
    seasonal: SeasonalCashFlow | None = None
    period_problems: tuple[PeriodProblem, ...] = ()
    settles_here: bool = False

    @property
    def label(self) -> str:
        return BasisChoice(self.basis).label

    @property
    def anomaly_count(self) -> int:
        return sum(len(column.anomalies) for column in self.columns)


def statements_of(*, user: User, customer: Customer) -> list[FinancialStatement]:
    """The customer's statements within ``user``'s scope, oldest period first, lines prefetched."""
    return list(
        FinancialStatement.objects.restrict(user)
        .filter(customer=customer)
        .prefetch_related("lines")
        .order_by("period_end", "period_months")
    )


def _debt_service(user: User, customer: Customer, ends: Sequence[datetime.date]) -> dict[datetime.date, Decimal]:
    """Principal and interest due on the customer's loans here in the 12 months after each date."""
    if not ends:
        return {}
    payment = ExpressionWrapper(F("principal_due") + F("interest_due"), output_field=MONEY)
    sums = (
        Instalment.objects.restrict(user)
        .filter(loan__customer=customer)
        .aggregate(
            **{
                f"p{i}": Coalesce(
                    Sum(payment, filter=Q(due_on__gt=end, due_on__lte=add_months(end, 12))), ZERO, output_field=MONEY
                )
                for i, end in enumerate(ends)
            }
        )
    )
    return {end: sums[f"p{i}"] for i, end in enumerate(ends)}


def _inflow_filter(customer: Customer) -> Q:
    """Credits that are money coming into the customer's business or household at this bank.

    Rule: a credit to one of the customer's own accounts (not to a loan or card, where a
    credit is a repayment), not a loan drawdown or deposit interest, and not from the
    customer's own accounts here or elsewhere (same name or own account number: a transfer
    between own accounts, 同名划转, is not income).
    """
    own_accounts = Holding.objects.filter(customer=customer).values("account_number")
    return (
        Q(direction="C")
        & ~Q(holding__product__family__in=ProductFamily.credit_families())
        & ~Q(purpose__in=[Purpose.LOAN_DRAWDOWN, Purpose.INTEREST])
        & ~Q(counterparty_name=customer.name)
        & ~Q(counterparty_account__in=own_accounts)
    )


def _bank_inflows(
    user: User, customer: Customer, periods: Sequence[StatementPeriod]
) -> tuple[dict[StatementPeriod, Decimal], datetime.date | None, datetime.date | None]:
    """The inflows over each period and the first and last day of the bank's records, one query."""
    inflow = _inflow_filter(customer)
    sums = (
        Transaction.objects.restrict(user)
        .filter(customer=customer)
        .aggregate(
            first=Min("booked_on"),
            last=Max("booked_on"),
            **{
                f"p{i}": Coalesce(
                    Sum("amount", filter=inflow & Q(booked_on__gte=p.start, booked_on__lte=p.period_end)),
                    ZERO,
                    output_field=MONEY,
                )
                for i, p in enumerate(periods)
            },
        )
    )
    records_to = customer.positions_as_of or sums["last"]
    return {p: sums[f"p{i}"] for i, p in enumerate(periods)}, sums["first"], records_to if sums["first"] else None


def _settles_here(customer: Customer) -> bool:
    """Whether the customer's settlement is expected at this bank: it has a settlement account
    or a loan open here (loan contracts route sales receipts to the lending bank, 资金回笼)."""
    return Holding.objects.filter(
        customer=customer, closed_on__isnull=True, product__family__in=[ProductFamily.SETTLEMENT, ProductFamily.LOAN]
    ).exists()


def _benchmarks(customer: Customer, basis: StatementBasis) -> dict[str, Quartiles]:
    """The quartiles of each ratio for the customer's industry, else for all industries."""
    rows = IndustryBenchmark.objects.filter(basis=basis, industry__in=[customer.industry, ""]).order_by("industry")
    found: dict[str, Quartiles] = {}
    for row in rows:
        # "" sorts first, so the industry's own row, when there is one, overrides it.
        found[row.ratio] = row.quartiles
    return found


def _monthly_income(basis: StatementBasis, amounts: dict[str, Decimal]) -> list[Decimal] | None:
    """The money in of each calendar month, when the statement gives its seasonal cash flow."""
    if StatementPart.SEASONAL not in parts_given(basis, amounts):
        return None
    return [amounts.get(inflow_code(month), ZERO) for month in MONTHS]


def _follows(before: StatementPeriod, period: StatementPeriod) -> bool:
    return not period_problems([before, period])


def statement_analysis(*, user: User, customer: Customer) -> list[BasisAnalysis]:
    """The statements page of ``customer``: per basis, the periods side by side with their
    lines, ratios with trend and benchmark position, anomalies and the comparison with the
    bank's inflows; the seasonal cash flow of the latest household statement."""
    statements = statements_of(user=user, customer=customer)
    if not statements:
        return []
    periods = [StatementPeriod(s.period_end, s.period_months) for s in statements]
    debt_service = _debt_service(user, customer, sorted({p.period_end for p in periods}))
    inflows, records_from, records_to = _bank_inflows(user, customer, periods)
    settles_here = _settles_here(customer)
    analyses = []
    for basis in StatementBasis:
        mine = [(s, p) for s, p in zip(statements, periods, strict=True) if s.basis == basis]
        if mine:
            analyses.append(_analyse(basis, customer, mine, debt_service, inflows, records_from, records_to, settles_here))
    return analyses


def _analyse(basis, customer, mine, debt_service, inflows, records_from, records_to, settles_here) -> BasisAnalysis:
    columns: list[StatementColumn] = []
    for statement, period in mine:
        amounts = {line.code: line.amount for line in statement.lines.all()}
        before = columns[-1] if columns and _follows(columns[-1].period, period) else None
        previous = before.amounts if before else None
        extra = {"annual_debt_service": debt_service[period.period_end]}
        columns.append(
            StatementColumn(
                statement=statement,
                period=period,
                amounts=amounts,
                compared_with_previous=before is not None,
                annual_debt_service=extra["annual_debt_service"],
                ratios=statement_ratios(basis, amounts, previous, period_months=period.period_months, extra=extra),
                anomalies=statement_anomalies(basis, amounts, previous),
                flows=compare_with_bank_flows(
                    basis=basis,
                    reported=amounts.get(REVENUE_LINES[basis], ZERO),
                    bank_inflows=inflows[period],
                    period_start=period.start,
                    period_end=period.period_end,
                    records_from=records_from,
                    records_to=records_to,
                    settles_here=settles_here,
                    monthly=_monthly_income(basis, amounts),
                ),
            )
        )
    analysis = BasisAnalysis(basis=basis, columns=columns, settles_here=settles_here)
    analysis.parts = _line_rows(basis, columns)
    benchmarks = _benchmarks(customer, basis)
    families: dict[RatioFamily, list[RatioRow]] = {family: [] for family in RatioFamily}
    for ratio in ratios_for(basis):
        values = [column.ratios[ratio.code] for column in columns]
        # The position is that of the latest period the ratio could be computed for.
        latest = next((value for value in reversed(values) if value is not None), None)
        quartiles = benchmarks.get(ratio.code)
        families[ratio.family].append(
            RatioRow(
                definition=ratio,
                values=values,
                trend=ratio_trend(values, higher_is_better=ratio.higher_is_better),
                benchmark=quartiles,
                position=benchmark_position(latest, quartiles, higher_is_better=ratio.higher_is_better) if quartiles else None,
            )
        )
    analysis.families = [(family, rows) for family, rows in families.items() if rows]
    analysis.seasonal = next(
        (profile for column in reversed(columns) if (profile := seasonal_cash_flow(column.amounts)) is not None), None
    )
    analysis.period_problems = period_problems([column.period for column in columns])
    return analysis


def _line_rows(basis: StatementBasis, columns: list[StatementColumn]) -> list[tuple[StatementPart, list[LineRow]]]:
    given = [parts_given(basis, column.amounts) for column in columns]
    subtotals = {line.subtotal for line in statement_lines(basis) if line.subtotal}
    parts: dict[StatementPart, list[LineRow]] = {}
    for line in statement_lines(basis):
        if line.part in OPTIONAL_PARTS and not any(line.part in g for g in given):
            continue
        values = [
            column.amounts.get(line.code, ZERO) if line.part in g else None for column, g in zip(columns, given, strict=True)
        ]
        if line.code not in subtotals and not any(values):
            # A line nil in every period says nothing; the totals still show every part.
            continue
        parts.setdefault(line.part, []).append(LineRow(line=line, is_subtotal=line.code in subtotals, values=values))
    return list(parts.items())
