"""A statement against the bank's own records: does the money the customer reports come in here?

An account manager must not rely only on the statements a customer hands in (the regulators'
rules on working-capital and personal loans ask the bank to verify the borrower's operations
and cash flows, 贷款资金回笼, 流水核实). The bank sees the money that comes into the customer's
accounts here. Over the days of the statement's period that the bank's records cover:

- the reported revenue (a household's total income) is pro-rated to those days: in
  proportion to days, or, when the statement gives the money in of each calendar month (a
  household's seasonal cash flow), by those months, so that a harvest inside or outside the
  days covered does not pass for a disagreement;
- the bank's inflows are the credits to the customer's own accounts, without transfers between
  the customer's own accounts and without loan drawdowns (the shell selects them);
- the share of wallet is inflows / pro-rated revenue: how much of the business runs through
  this bank.

Flags: inflows above the revenue by more than ``tolerance`` (the statement understates the
business, or money passes through that is not sales: an undeclared loan, a related party's
funds); a share below ``lowest_share`` for a customer whose settlement is at this bank (the
statement overstates revenue, or the business has moved its settlement elsewhere). When the
bank's records cover less than ``least_coverage`` of the period there is no comparison.
"""

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from rmdesk.domain.money import round_yuan
from rmdesk.domain.statements import StatementBasis

SHARE_PLACES = Decimal("0.0001")

REVENUE_LINES: dict[StatementBasis, str] = {
    StatementBasis.SMALL_ENTERPRISE: "revenue",
    StatementBasis.HOUSEHOLD: "total_income",
}
"""The line of each basis whose amount is compared with the bank's inflows."""


class FlowsFlagCode(StrEnum):
    """How a statement disagrees with the bank's own flows."""

    INFLOWS_EXCEED_REVENUE = "inflows_exceed_revenue"
    SHARE_IMPLAUSIBLY_LOW = "share_implausibly_low"


@dataclass(frozen=True)
class FlowsThresholds:
    """When the bank's flows and a statement disagree (fractions). Defaults: inflows may exceed
    revenue by 10% (VAT collected with sales, receipts of the previous period's sales); a customer
    settling here shows at least 20% of its revenue here; records must cover a quarter of the
    period (three months of a year)."""

    tolerance: Decimal = Decimal("0.10")
    lowest_share: Decimal = Decimal("0.20")
    least_coverage: Decimal = Decimal("0.25")


@dataclass(frozen=True)
class FlowsComparison:
    """The comparison of one statement with the bank's inflows, with the numbers behind it.

    ``expected`` is the reported revenue pro-rated to the ``covered_days`` of the period's
    ``period_days`` (``by_month``: by the statement's money in of each month); ``share_of_wallet``
    and ``flags`` are empty when the coverage is too short (``covered`` is then False).
    """

    revenue_line: str
    reported: Decimal
    period_days: int
    covered_days: int
    expected: Decimal
    bank_inflows: Decimal
    covered: bool
    share_of_wallet: Decimal | None
    flags: tuple[FlowsFlagCode, ...]
    by_month: bool = False


def compare_with_bank_flows(
    *,
    basis: StatementBasis | str,
    reported: Decimal,
    bank_inflows: Decimal,
    period_start: date,
    period_end: date,
    records_from: date | None,
    records_to: date | None,
    settles_here: bool,
    monthly: Sequence[Decimal] | None = None,
    thresholds: FlowsThresholds = FlowsThresholds(),
) -> FlowsComparison:
    """Compare ``reported`` revenue of a statement with the ``bank_inflows`` over its period.

    ``records_from`` / ``records_to``: the days the bank's records of the customer's flows
    cover (``None`` when it has none); ``bank_inflows`` must be summed over the period within
    them. ``monthly``: the money in of each calendar month, January first, when the statement
    gives it. Rule and default thresholds: see the module docstring. The share is rounded
    half-up to 4 places, the expected revenue to the fen.
    """
    period_days = (period_end - period_start).days + 1
    span = covered_span(period_start, period_end, records_from, records_to)
    covered_days = (span[1] - span[0]).days + 1 if span else 0
    by_month = monthly is not None and span is not None and sum(monthly) > 0
    if by_month:
        expected = round_yuan(_months_share(monthly, *span) * reported / sum(monthly))
    else:
        expected = round_yuan(reported * covered_days / period_days)
    covered = covered_days >= thresholds.least_coverage * period_days and expected > 0
    share = (bank_inflows / expected).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) if covered else None
    flags: list[FlowsFlagCode] = []
    if share is not None:
        if share > 1 + thresholds.tolerance:
            flags.append(FlowsFlagCode.INFLOWS_EXCEED_REVENUE)
        if settles_here and share < thresholds.lowest_share:
            flags.append(FlowsFlagCode.SHARE_IMPLAUSIBLY_LOW)
    return FlowsComparison(
        revenue_line=REVENUE_LINES[StatementBasis(basis)],
        reported=reported,
        period_days=period_days,
        covered_days=covered_days,
        expected=expected,
        bank_inflows=bank_inflows,
        covered=covered,
        share_of_wallet=share,
        flags=tuple(flags),
        by_month=by_month,
    )


def _months_share(monthly: Sequence[Decimal], first: date, last: date) -> Decimal:
    """The money in of the days ``first`` to ``last``, each month's money spread over its days."""
    total, day = Decimal(0), first
    while day <= last:
        month_days = monthrange(day.year, day.month)[1]
        month_end = date(day.year, day.month, month_days)
        days = (min(month_end, last) - day).days + 1
        total += Decimal(monthly[day.month - 1]) * days / month_days
        day = month_end + timedelta(days=1)
    return total


def covered_span(
    period_start: date, period_end: date, records_from: date | None, records_to: date | None
) -> tuple[date, date] | None:
    """The days of a period the bank's records cover, both ends included, or ``None``: the span
    over which the shell sums the inflows that ``compare_with_bank_flows`` compares."""
    if records_from is None or records_to is None:
        return None
    first, last = max(period_start, records_from), min(period_end, records_to)
    return (first, last) if first <= last else None
