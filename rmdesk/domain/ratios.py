"""Financial ratios of a statement, as data: what is divided by what, for which statement basis.

Every ratio is a ``RatioDefinition``: a numerator and a denominator, each a signed sum of
``Term``s, a term naming a line of the statement (detail line or subtotal, subtotals computed
with ``statement_totals``) or a fact the bank knows outside the statement (``EXTRA_FACTS``,
such as the debt service it has scheduled), taken from the current period, the previous one,
or their average. Because definitions are only data, the portfolio batch can build the same
ratios column-wise (Polars expressions) from ``RATIOS`` without a second formula to drift.

The arithmetic, in this order (``statement_ratios``):

1. each term's value: the line's amount in its period; ``Period.AVERAGE`` is
   (current + previous) / 2, the average balance analysts use for turnover and returns;
2. numerator and denominator: the signed sums of their terms;
3. ``annualise_numerator``: a flow numerator (revenue, profit, cash flow) over a balance or a
   yearly amount is scaled to 12 months, numerator x 12 / ``period_months``;
4. ratio = numerator / denominator x the unit's factor: ``ratio`` x 1, ``percent`` x 100,
   ``days`` x the days in the period, 365 x ``period_months`` / 12 (a balance over the
   period's flow, in days of that flow: receivable days over a half-year's revenue count
   half-year days);
5. rounded half-up (四舍五入) to 4 decimal places (``RATIO_PLACES``).

The ratio is ``None`` when a value it needs is missing: the previous period for a previous or
average term, an extra fact not supplied, or a line of an optional part (cash flow) the
customer did not hand in. It is also ``None`` when the denominator is 0 or negative: a ratio
over negative equity, a loss-making base year or a negative interest expense has no meaning as
a ratio (negative equity shows in debt-to-assets above 100%).

Sources: the usual definitions of Chinese bank credit analysis (流动比率, 速动比率, 资产负债率,
利息保障倍数, 应收账款周转天数, 总资产报酬率, 营业收入增长率 ...) on the lines of the
small-enterprise standard's statements (小企业会计准则, 会小企01-03表); for households, those an
account manager draws from the household statement (资产负债率, 家庭纯收入对还款额的覆盖).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from rmdesk.domain.statements import (
    OPTIONAL_PARTS,
    StatementBasis,
    parts_given,
    statement_lines,
    statement_totals,
)


class Period(StrEnum):
    """Which period a term's amount is taken from."""

    CURRENT = "current"
    PREVIOUS = "previous"
    AVERAGE = "average"
    """(current + previous) / 2: the average balance over the period."""


class RatioFamily(StrEnum):
    """The question a ratio answers, as a credit analyst groups them."""

    LIQUIDITY = "liquidity"
    LEVERAGE = "leverage"
    COVERAGE = "coverage"
    TURNOVER = "turnover"
    PROFITABILITY = "profitability"
    GROWTH = "growth"


@dataclass(frozen=True)
class Term:
    """One signed amount of a numerator or denominator: a line (or extra fact) in a period."""

    code: str
    sign: int = 1
    period: Period = Period.CURRENT


@dataclass(frozen=True)
class RatioDefinition:
    """A ratio: signed sum of ``numerator`` terms over signed sum of ``denominator`` terms.

    ``bases``: the statement bases whose lines the terms name. ``annualise_numerator``: the
    numerator is a flow scaled to 12 months by ``period_months``. ``unit``: ``ratio`` (x1),
    ``percent`` (x100) or ``days`` (x the days in the period). ``higher_is_better`` orients
    benchmarks, trends and scorecard bins.
    """

    code: str
    label_zh: str
    label_en: str
    family: RatioFamily
    bases: frozenset[StatementBasis]
    numerator: tuple[Term, ...]
    denominator: tuple[Term, ...]
    annualise_numerator: bool
    higher_is_better: bool
    unit: str


RATIO_PLACES = Decimal("0.0001")
"""Ratios are rounded half-up to 4 decimal places (0.01% of a percentage, 0.0001 of a ratio)."""

UNITS: frozenset[str] = frozenset({"ratio", "percent", "days"})
"""The units a ratio may be expressed in; see ``unit_factor``."""

EXTRA_FACTS: Mapping[str, str] = {
    "annual_debt_service": (
        "Principal and interest the borrower must pay over the next 12 months on all its debt "
        "(this bank's schedules, plus other lenders' where known), in yuan."
    ),
}
"""Facts outside the statement a term may name, passed to ``statement_ratios`` in ``extra``."""

SE = frozenset({StatementBasis.SMALL_ENTERPRISE})
HH = frozenset({StatementBasis.HOUSEHOLD})
BOTH = SE | HH


def _t(code: str, sign: int = 1, period: Period = Period.CURRENT) -> Term:
    return Term(code=code, sign=sign, period=period)


def _avg(code: str) -> Term:
    return Term(code=code, period=Period.AVERAGE)


def _ratio(
    code: str,
    zh: str,
    en: str,
    family: RatioFamily,
    bases: frozenset[StatementBasis],
    numerator: tuple[Term, ...],
    denominator: tuple[Term, ...],
    *,
    unit: str,
    higher_is_better: bool,
    annualise: bool = False,
) -> RatioDefinition:
    return RatioDefinition(
        code=code, label_zh=zh, label_en=en, family=family, bases=bases, numerator=numerator,
        denominator=denominator, annualise_numerator=annualise, higher_is_better=higher_is_better, unit=unit,
    )


_LQ, _LV, _CV = RatioFamily.LIQUIDITY, RatioFamily.LEVERAGE, RatioFamily.COVERAGE
_TO, _PR, _GR = RatioFamily.TURNOVER, RatioFamily.PROFITABILITY, RatioFamily.GROWTH

# EBIT of the small-enterprise income statement: total profit with finance expenses added back.
# The standard's 财务费用 is mostly interest for a county-bank borrower; its "of which: interest"
# memo line is not collected, so finance expenses stand for interest (a conservative reading when
# the firm also earns deposit interest, which is netted in them).
_EBIT = (_t("total_profit"), _t("finance_expenses"))


def _growth(code: str, zh: str, en: str, line: str, bases: frozenset[StatementBasis]) -> RatioDefinition:
    return _ratio(
        code, zh, en, _GR, bases, (_t(line), _t(line, -1, Period.PREVIOUS)), (_t(line, 1, Period.PREVIOUS),),
        unit="percent", higher_is_better=True,
    )


RATIOS: tuple[RatioDefinition, ...] = (
    # Liquidity: can the borrower meet what falls due within the year?
    _ratio("current_ratio", "流动比率", "Current ratio", _LQ, SE,
           (_t("total_current_assets"),), (_t("total_current_liabilities"),), unit="ratio", higher_is_better=True),
    _ratio("quick_ratio", "速动比率", "Quick ratio", _LQ, SE,
           (_t("total_current_assets"), _t("inventories", -1)), (_t("total_current_liabilities"),),
           unit="ratio", higher_is_better=True),
    _ratio("cash_ratio", "现金比率", "Cash ratio", _LQ, SE,
           (_t("cash"),), (_t("total_current_liabilities"),), unit="ratio", higher_is_better=True),
    _ratio("operating_cash_flow_ratio", "现金流动负债比率", "Operating cash flow to current liabilities", _LQ, SE,
           (_t("net_operating_cash_flow"),), (_t("total_current_liabilities"),),
           unit="ratio", higher_is_better=True, annualise=True),
    _ratio("cash_to_debt_service", "存款对年还款额覆盖", "Cash and deposits to a year's debt service", _LQ, HH,
           (_t("cash_and_deposits"),), (_t("annual_debt_service"),), unit="ratio", higher_is_better=True),
    # Leverage: how much of what the borrower has is owed?
    _ratio("debt_to_assets", "资产负债率", "Debt to assets", _LV, BOTH,
           (_t("total_liabilities"),), (_t("total_assets"),), unit="percent", higher_is_better=False),
    _ratio("debt_to_equity", "产权比率", "Debt to equity", _LV, SE,
           (_t("total_liabilities"),), (_t("total_equity"),), unit="ratio", higher_is_better=False),
    _ratio("debt_to_net_worth", "负债对家庭净资产比率", "Debt to household net worth", _LV, HH,
           (_t("total_liabilities"),), (_t("net_worth"),), unit="ratio", higher_is_better=False),
    _ratio("private_borrowing_share", "民间借款占负债比重", "Private borrowings in total debt", _LV, HH,
           (_t("private_borrowings"),), (_t("total_liabilities"),), unit="percent", higher_is_better=False),
    # Coverage: does what the business earns pay what it owes?
    _ratio("interest_coverage", "利息保障倍数", "Interest coverage (EBIT / finance expenses)", _CV, SE,
           _EBIT, (_t("finance_expenses"),), unit="ratio", higher_is_better=True),
    _ratio("debt_service_coverage", "偿债覆盖率", "Debt-service coverage (EBIT / a year's debt service)", _CV, SE,
           _EBIT, (_t("annual_debt_service"),), unit="ratio", higher_is_better=True, annualise=True),
    _ratio("cash_flow_debt_service_coverage", "经营现金流偿债覆盖率", "Operating cash flow to a year's debt service", _CV, SE,
           (_t("net_operating_cash_flow"),), (_t("annual_debt_service"),),
           unit="ratio", higher_is_better=True, annualise=True),
    # Household: net income is after interest paid; interest is added back since debt service includes it.
    _ratio("household_debt_service_coverage", "家庭纯收入还款覆盖率", "Net household income to a year's debt service", _CV, HH,
           (_t("net_income"), _t("interest_expenses")), (_t("annual_debt_service"),),
           unit="ratio", higher_is_better=True, annualise=True),
    # Turnover: how fast money tied up in the business comes back.
    _ratio("receivable_days", "应收账款周转天数", "Receivable days", _TO, SE,
           (_avg("accounts_receivable"), _avg("notes_receivable")), (_t("revenue"),),
           unit="days", higher_is_better=False),
    _ratio("inventory_days", "存货周转天数", "Inventory days", _TO, SE,
           (_avg("inventories"),), (_t("cost_of_sales"),), unit="days", higher_is_better=False),
    _ratio("total_asset_turnover", "总资产周转率（次）", "Total asset turnover (times a year)", _TO, SE,
           (_t("revenue"),), (_avg("total_assets"),), unit="ratio", higher_is_better=True, annualise=True),
    # Profitability.
    _ratio("gross_margin", "毛利率", "Gross margin", _PR, SE,
           (_t("revenue"), _t("cost_of_sales", -1)), (_t("revenue"),), unit="percent", higher_is_better=True),
    _ratio("net_margin", "销售净利率", "Net margin", _PR, SE,
           (_t("net_profit"),), (_t("revenue"),), unit="percent", higher_is_better=True),
    _ratio("return_on_assets", "总资产净利率", "Return on average assets", _PR, SE,
           (_t("net_profit"),), (_avg("total_assets"),), unit="percent", higher_is_better=True, annualise=True),
    _ratio("return_on_equity", "净资产收益率", "Return on average equity", _PR, SE,
           (_t("net_profit"),), (_avg("total_equity"),), unit="percent", higher_is_better=True, annualise=True),
    _ratio("net_income_margin", "家庭纯收入率", "Net household income to total income", _PR, HH,
           (_t("net_income"),), (_t("total_income"),), unit="percent", higher_is_better=True),
    _ratio("living_expenses_to_income", "生活支出占收入比重", "Living expenses to total income", _PR, HH,
           (_t("living_expenses"),), (_t("total_income"),), unit="percent", higher_is_better=False),
    # Growth, on the previous period of the same length.
    _growth("revenue_growth", "营业收入增长率", "Revenue growth", "revenue", SE),
    _growth("net_profit_growth", "净利润增长率", "Net profit growth", "net_profit", SE),
    _growth("total_assets_growth", "总资产增长率", "Total assets growth", "total_assets", BOTH),
    _growth("income_growth", "家庭总收入增长率", "Household income growth", "total_income", HH),
)
"""Every ratio the desk computes; a basis's ratios are those whose ``bases`` include it."""

RATIOS_BY_CODE: Mapping[str, RatioDefinition] = {ratio.code: ratio for ratio in RATIOS}
"""``RATIOS`` by code (codes are unique across bases)."""


def ratios_for(basis: StatementBasis | str) -> tuple[RatioDefinition, ...]:
    """The ratios that apply to statements of ``basis``, in the order of ``RATIOS``."""
    basis = StatementBasis(basis)
    return tuple(ratio for ratio in RATIOS if basis in ratio.bases)


def unit_factor(unit: str, period_months: int = 12) -> Decimal:
    """What a ratio of ``unit`` is multiplied by: ratio 1, percent 100, days 365 x months / 12.

    Rule: a days figure is a balance over the period's flow times the days in the period
    (365-day year, the convention of Chinese turnover-days ratios).
    """
    if unit == "ratio":
        return Decimal(1)
    if unit == "percent":
        return Decimal(100)
    if unit == "days":
        return Decimal(365) * period_months / 12
    raise ValueError(f"unknown ratio unit {unit!r}: expected one of {sorted(UNITS)}")


class _Missing(Exception):
    """A term's value is not known (previous period, extra fact or optional part missing)."""


class _PeriodValues:
    """The amounts of one period's statement: given lines, computed subtotals, parts given."""

    def __init__(self, basis: StatementBasis, amounts: Mapping[str, Decimal]):
        self.amounts = amounts
        self.totals = statement_totals(basis, amounts)
        self.given = parts_given(basis, amounts)

    def value(self, code: str, part) -> Decimal:
        if part in OPTIONAL_PARTS and part not in self.given:
            raise _Missing(code)
        if code in self.totals:
            return self.totals[code]
        return Decimal(self.amounts.get(code, 0))


def statement_ratios(
    basis: StatementBasis | str,
    current: Mapping[str, Decimal],
    previous: Mapping[str, Decimal] | None = None,
    *,
    period_months: int = 12,
    extra: Mapping[str, Decimal] | None = None,
) -> dict[str, Decimal | None]:
    """Every ratio of ``basis`` (``ratios_for``) for the statement ``current`` (line code -> yuan).

    ``previous`` is the statement of the period just before, of the same basis and length
    (needed for averages and growth); ``period_months`` the length of the current period;
    ``extra`` the facts of ``EXTRA_FACTS`` (``annual_debt_service``). Arithmetic, units,
    rounding (4 places, half-up) and when a ratio is ``None``: see the module docstring.
    """
    basis = StatementBasis(basis)
    if period_months <= 0:
        raise ValueError(f"period_months must be positive, not {period_months}")
    part_of = {line.code: line.part for line in statement_lines(basis)}
    now = _PeriodValues(basis, current)
    before = _PeriodValues(basis, previous) if previous is not None else None
    extra = extra or {}

    def term_value(term: Term) -> Decimal:
        if term.code not in part_of:
            if term.code not in extra or term.period is not Period.CURRENT:
                raise _Missing(term.code)
            return Decimal(extra[term.code])
        part = part_of[term.code]
        if term.period is Period.CURRENT:
            return now.value(term.code, part)
        if before is None:
            raise _Missing(term.code)
        if term.period is Period.PREVIOUS:
            return before.value(term.code, part)
        return (now.value(term.code, part) + before.value(term.code, part)) / 2

    results: dict[str, Decimal | None] = {}
    for ratio in ratios_for(basis):
        try:
            numerator = sum((term.sign * term_value(term) for term in ratio.numerator), Decimal(0))
            denominator = sum((term.sign * term_value(term) for term in ratio.denominator), Decimal(0))
        except _Missing:
            results[ratio.code] = None
            continue
        if denominator <= 0:
            results[ratio.code] = None
            continue
        if ratio.annualise_numerator:
            numerator = numerator * 12 / period_months
        value = numerator / denominator * unit_factor(ratio.unit, period_months)
        results[ratio.code] = value.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
    return results


class Trend(StrEnum):
    """Which way a ratio went over the periods, judged by whether higher is better."""

    IMPROVING = "improving"
    STABLE = "stable"
    WORSENING = "worsening"


TREND_TOLERANCE = Decimal("0.05")
"""A ratio that moved by less than 5% of its first value (or 0.05 of a unit from 0) is stable."""


def ratio_trend(
    values: Sequence[Decimal | None], *, higher_is_better: bool, tolerance: Decimal = TREND_TOLERANCE
) -> Trend | None:
    """The trend of a ratio over periods given oldest first; ``None`` with fewer than two values.

    Rule: compare the latest known value with the earliest known one; a move of less than
    ``tolerance`` of the earliest value's size (of 1, when it is 0) is stable, otherwise the move
    improves when it goes the way ``higher_is_better`` says, and worsens the other way. Missing
    periods (``None``) are skipped, not read as 0.
    """
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return None
    first, last = known[0], known[-1]
    if abs(last - first) < tolerance * (abs(first) or 1):
        return Trend.STABLE
    return Trend.IMPROVING if (last > first) == higher_is_better else Trend.WORSENING
