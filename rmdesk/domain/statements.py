"""Lines of the financial statements a county bank collects, and the check that one balances.

Two bases share one table of lines held by code (``FinancialStatementLine.code``):

- the small-enterprise standard (小企业会计准则): balance sheet (会小企01表), income
  statement (会小企02表) and cash-flow statement (会小企03表, direct method), for enterprises;
- a simplified household and farm statement (农户/个体工商户家庭资产负债及收支简表), for farmer
  households and sole proprietors, as account managers draw it up on a pre-loan investigation,
  with a seasonal cash flow: the money coming in and going out in each calendar month of the
  year, which is what decides when a farm loan can be repaid.

Every line names the subtotal it adds into (``subtotal``) and with which sign (``sign``): a
subtotal is the signed sum of the lines that name it, and subtotals themselves add into higher
ones (current assets into total assets, operating profit into total profit). A statement
balances when every subtotal equals that sum and assets equal liabilities plus equity (net
worth, for a household). A detail line left out of a statement counts as 0; a subtotal may not
be left out. The cash-flow statement and the seasonal cash flow are optional parts (many small
customers hand in none): a part with no line at all is simply absent, but a part that is given
must be complete and agree with the rest of the statement (closing cash with the balance
sheet's cash, the months' money in and out with the year's income and expenses).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from rmdesk.domain.amortisation import add_months


class StatementBasis(StrEnum):
    """The accounting basis of a statement; the values are those of the statement header."""

    SMALL_ENTERPRISE = "small_enterprise"
    """小企业会计准则: the standard most enterprise borrowers of a county bank report under."""
    HOUSEHOLD = "household"
    """Simplified household and farm statement for farmer households and sole proprietors."""


class StatementPart(StrEnum):
    """Which part of a statement a line is on."""

    ASSETS = "assets"
    LIABILITIES = "liabilities"
    EQUITY = "equity"
    INCOME = "income"
    """The income statement (or, for a household, the year's income and expenses)."""
    CASH_FLOW = "cash_flow"
    """The cash-flow statement (会小企03表): operating, investing and financing activities."""
    SEASONAL = "seasonal"
    """A household's money in and out by calendar month of the year."""


OPTIONAL_PARTS: frozenset[StatementPart] = frozenset({StatementPart.CASH_FLOW, StatementPart.SEASONAL})
"""Parts a statement may leave out altogether; when any of their lines is given, all their
subtotals must be (the small-enterprise standard makes the cash-flow statement part of the
annual accounts, but county-bank borrowers often bring only the first two tables)."""


@dataclass(frozen=True)
class StatementLine:
    """One line of a statement: its code, labels, part, and the subtotal it adds into.

    ``subtotal`` is the code of the line this one adds into (``None`` for a top line such as
    total assets or net profit); ``sign`` is +1 when it adds and -1 when it is subtracted
    (cost of sales from operating profit, accumulated depreciation from fixed assets). Amounts
    are entered as positive numbers, the sign doing the subtracting; only a line with
    ``may_be_negative`` (retained losses, an investment loss, a household's negative net worth)
    takes a negative amount.
    """

    code: str
    label_zh: str
    label_en: str
    part: StatementPart
    subtotal: str | None
    sign: int = 1
    may_be_negative: bool = False


def _line(
    code: str, zh: str, en: str, part: StatementPart, subtotal: str | None, sign: int = 1, *, may_be_negative: bool = False
) -> StatementLine:
    return StatementLine(
        code=code, label_zh=zh, label_en=en, part=part, subtotal=subtotal, sign=sign, may_be_negative=may_be_negative
    )


_A, _L, _E, _I = StatementPart.ASSETS, StatementPart.LIABILITIES, StatementPart.EQUITY, StatementPart.INCOME
_C, _S = StatementPart.CASH_FLOW, StatementPart.SEASONAL

SMALL_ENTERPRISE_LINES: tuple[StatementLine, ...] = (
    _line("cash", "货币资金", "Cash and bank balances", _A, "total_current_assets"),
    _line("notes_receivable", "应收票据", "Notes receivable", _A, "total_current_assets"),
    _line("accounts_receivable", "应收账款", "Accounts receivable", _A, "total_current_assets"),
    _line("prepayments", "预付账款", "Prepayments", _A, "total_current_assets"),
    _line("other_receivables", "其他应收款", "Other receivables", _A, "total_current_assets"),
    _line("inventories", "存货", "Inventories", _A, "total_current_assets"),
    _line("other_current_assets", "其他流动资产", "Other current assets", _A, "total_current_assets"),
    _line("total_current_assets", "流动资产合计", "Total current assets", _A, "total_assets"),
    _line("long_term_equity_investments", "长期股权投资", "Long-term equity investments", _A, "total_noncurrent_assets"),
    _line("fixed_assets_cost", "固定资产原价", "Fixed assets at cost", _A, "fixed_assets_net"),
    _line("accumulated_depreciation", "减：累计折旧", "Less: accumulated depreciation", _A, "fixed_assets_net", -1),
    _line("fixed_assets_net", "固定资产账面价值", "Fixed assets, net", _A, "total_noncurrent_assets"),
    _line("construction_in_progress", "在建工程", "Construction in progress", _A, "total_noncurrent_assets"),
    _line("intangible_assets", "无形资产", "Intangible assets", _A, "total_noncurrent_assets"),
    _line("long_term_prepaid_expenses", "长期待摊费用", "Long-term prepaid expenses", _A, "total_noncurrent_assets"),
    _line("other_noncurrent_assets", "其他非流动资产", "Other non-current assets", _A, "total_noncurrent_assets"),
    _line("total_noncurrent_assets", "非流动资产合计", "Total non-current assets", _A, "total_assets"),
    _line("total_assets", "资产总计", "Total assets", _A, None),
    _line("short_term_borrowings", "短期借款", "Short-term borrowings", _L, "total_current_liabilities"),
    _line("notes_payable", "应付票据", "Notes payable", _L, "total_current_liabilities"),
    _line("accounts_payable", "应付账款", "Accounts payable", _L, "total_current_liabilities"),
    _line("advances_from_customers", "预收账款", "Advances from customers", _L, "total_current_liabilities"),
    _line("employee_benefits_payable", "应付职工薪酬", "Wages and benefits payable", _L, "total_current_liabilities"),
    _line("taxes_payable", "应交税费", "Taxes payable", _L, "total_current_liabilities"),
    _line("interest_payable", "应付利息", "Interest payable", _L, "total_current_liabilities"),
    _line("other_payables", "其他应付款", "Other payables", _L, "total_current_liabilities"),
    _line("other_current_liabilities", "其他流动负债", "Other current liabilities", _L, "total_current_liabilities"),
    _line("total_current_liabilities", "流动负债合计", "Total current liabilities", _L, "total_liabilities"),
    _line("long_term_borrowings", "长期借款", "Long-term borrowings", _L, "total_noncurrent_liabilities"),
    _line("long_term_payables", "长期应付款", "Long-term payables", _L, "total_noncurrent_liabilities"),
    _line("other_noncurrent_liabilities", "其他非流动负债", "Other non-current liabilities", _L, "total_noncurrent_liabilities"),
    _line("total_noncurrent_liabilities", "非流动负债合计", "Total non-current liabilities", _L, "total_liabilities"),
    _line("total_liabilities", "负债合计", "Total liabilities", _L, "total_liabilities_and_equity"),
    _line("paid_in_capital", "实收资本（或股本）", "Paid-in capital", _E, "total_equity"),
    _line("capital_reserve", "资本公积", "Capital reserve", _E, "total_equity"),
    _line("surplus_reserve", "盈余公积", "Surplus reserve", _E, "total_equity"),
    _line("retained_earnings", "未分配利润", "Retained earnings", _E, "total_equity", may_be_negative=True),
    _line("total_equity", "所有者权益（或股东权益）合计", "Total equity", _E, "total_liabilities_and_equity"),
    _line("total_liabilities_and_equity", "负债和所有者权益（或股东权益）总计", "Total liabilities and equity", _E, None),
    _line("revenue", "营业收入", "Revenue", _I, "operating_profit"),
    _line("cost_of_sales", "减：营业成本", "Less: cost of sales", _I, "operating_profit", -1),
    _line("taxes_and_surcharges", "税金及附加", "Taxes and surcharges", _I, "operating_profit", -1),
    _line("selling_expenses", "销售费用", "Selling expenses", _I, "operating_profit", -1),
    _line("administrative_expenses", "管理费用", "Administrative expenses", _I, "operating_profit", -1),
    _line("finance_expenses", "财务费用", "Finance expenses", _I, "operating_profit", -1),
    _line("investment_income", "加：投资收益", "Add: investment income", _I, "operating_profit", may_be_negative=True),
    _line("operating_profit", "营业利润", "Operating profit", _I, "total_profit"),
    _line("non_operating_income", "加：营业外收入", "Add: non-operating income", _I, "total_profit"),
    _line("non_operating_expenses", "减：营业外支出", "Less: non-operating expenses", _I, "total_profit", -1),
    _line("total_profit", "利润总额", "Total profit", _I, "net_profit"),
    _line("income_tax_expense", "减：所得税费用", "Less: income tax", _I, "net_profit", -1),
    _line("net_profit", "净利润", "Net profit", _I, None),
    _line("cf_sales_receipts", "销售产成品、商品、提供劳务收到的现金", "Cash received from sales of goods and services", _C, "net_operating_cash_flow"),
    _line("cf_other_operating_receipts", "收到其他与经营活动有关的现金", "Other cash received from operating activities", _C, "net_operating_cash_flow"),
    _line("cf_purchases_paid", "购买原材料、商品、接受劳务支付的现金", "Cash paid for materials, goods and services", _C, "net_operating_cash_flow", -1),
    _line("cf_wages_paid", "支付的职工薪酬", "Cash paid to employees", _C, "net_operating_cash_flow", -1),
    _line("cf_taxes_paid", "支付的税费", "Taxes paid", _C, "net_operating_cash_flow", -1),
    _line("cf_other_operating_payments", "支付其他与经营活动有关的现金", "Other cash paid for operating activities", _C, "net_operating_cash_flow", -1),
    _line("net_operating_cash_flow", "经营活动产生的现金流量净额", "Net cash from operating activities", _C, "net_increase_in_cash"),
    _line("cf_investments_recovered", "收回短期投资、长期债券投资和长期股权投资收到的现金", "Cash from investments recovered", _C, "net_investing_cash_flow"),
    _line("cf_investment_income_received", "取得投资收益收到的现金", "Investment income received", _C, "net_investing_cash_flow"),
    _line("cf_disposal_receipts", "处置固定资产、无形资产和其他非流动资产收回的现金净额", "Net cash from disposals of long-term assets", _C, "net_investing_cash_flow"),
    _line("cf_investments_paid", "短期投资、长期债券投资和长期股权投资支付的现金", "Cash paid for investments", _C, "net_investing_cash_flow", -1),
    _line("cf_long_term_assets_paid", "购建固定资产、无形资产和其他非流动资产支付的现金", "Cash paid for fixed, intangible and other long-term assets", _C, "net_investing_cash_flow", -1),
    _line("net_investing_cash_flow", "投资活动产生的现金流量净额", "Net cash from investing activities", _C, "net_increase_in_cash"),
    _line("cf_borrowings_received", "取得借款收到的现金", "Cash from borrowings", _C, "net_financing_cash_flow"),
    _line("cf_capital_received", "吸收投资者投资收到的现金", "Cash from investors", _C, "net_financing_cash_flow"),
    _line("cf_borrowings_repaid", "偿还借款本金支付的现金", "Repayments of borrowings", _C, "net_financing_cash_flow", -1),
    _line("cf_interest_paid", "偿还借款利息支付的现金", "Interest paid", _C, "net_financing_cash_flow", -1),
    _line("cf_profit_distributed", "分配利润支付的现金", "Profit distributed", _C, "net_financing_cash_flow", -1),
    _line("net_financing_cash_flow", "筹资活动产生的现金流量净额", "Net cash from financing activities", _C, "net_increase_in_cash"),
    _line("net_increase_in_cash", "现金净增加额", "Net increase in cash", _C, "cash_end"),
    _line("cash_begin", "加：期初现金余额", "Add: cash at beginning of period", _C, "cash_end"),
    _line("cash_end", "期末现金余额", "Cash at end of period", _C, None),
)
"""The small-enterprise standard's balance sheet, income and cash-flow statements, in reading order."""

MONTHS: tuple[int, ...] = tuple(range(1, 13))
"""Calendar months of the seasonal cash flow, January first."""


def inflow_code(month: int) -> str:
    """The code of the seasonal cash flow's money-in line of calendar ``month`` (1-12)."""
    return f"inflow_{month:02d}"


def outflow_code(month: int) -> str:
    """The code of the seasonal cash flow's money-out line of calendar ``month`` (1-12)."""
    return f"outflow_{month:02d}"

HOUSEHOLD_LINES: tuple[StatementLine, ...] = (
    _line("cash_and_deposits", "现金及存款", "Cash and deposits", _A, "total_assets"),
    _line("receivables", "应收款项", "Receivables", _A, "total_assets"),
    _line("farm_inventory", "农产品及农资存货", "Produce and farm supplies in stock", _A, "total_assets"),
    _line("biological_assets", "生物资产（牲畜、林木、果树）", "Livestock, trees and orchards", _A, "total_assets"),
    _line("machinery_and_equipment", "农机具及生产设备", "Farm machinery and equipment", _A, "total_assets"),
    _line("vehicles", "车辆", "Vehicles", _A, "total_assets"),
    _line("residential_property", "自有住房", "Own home", _A, "total_assets"),
    _line("business_property", "经营用房及设施", "Business premises and facilities", _A, "total_assets"),
    _line("other_assets", "其他资产", "Other assets", _A, "total_assets"),
    _line("total_assets", "资产合计", "Total assets", _A, None),
    _line("loans_this_bank", "本行借款", "Loans from this bank", _L, "total_liabilities"),
    _line("loans_other_banks", "他行借款", "Loans from other banks", _L, "total_liabilities"),
    _line("private_borrowings", "民间借款", "Private borrowings", _L, "total_liabilities"),
    _line("payables", "应付款项", "Payables", _L, "total_liabilities"),
    _line("total_liabilities", "负债合计", "Total liabilities", _L, "total_liabilities_and_net_worth"),
    _line("net_worth", "家庭净资产", "Household net worth", _E, "total_liabilities_and_net_worth", may_be_negative=True),
    _line("total_liabilities_and_net_worth", "负债和净资产合计", "Total liabilities and net worth", _E, None),
    _line("crop_income", "种植业收入", "Crop income", _I, "total_income"),
    _line("livestock_income", "养殖业收入", "Livestock income", _I, "total_income"),
    _line("business_income", "经营收入", "Business income", _I, "total_income"),
    _line("wage_income", "工资性收入", "Wage income", _I, "total_income"),
    _line("transfer_income", "转移性收入（补贴、汇款）", "Transfers received (subsidies, remittances)", _I, "total_income"),
    _line("other_income", "其他收入", "Other income", _I, "total_income"),
    _line("total_income", "总收入", "Total income", _I, "net_income"),
    _line("production_costs", "生产经营支出", "Production and business costs", _I, "total_expenses"),
    _line("living_expenses", "家庭生活支出", "Living expenses", _I, "total_expenses"),
    _line("interest_expenses", "利息支出", "Interest paid", _I, "total_expenses"),
    _line("other_expenses", "其他支出", "Other expenses", _I, "total_expenses"),
    _line("total_expenses", "总支出", "Total expenses", _I, "net_income", -1),
    _line("net_income", "家庭纯收入", "Net household income", _I, None),
    *(_line(inflow_code(m), f"{m}月收入", f"Money in, month {m}", _S, "seasonal_inflows") for m in MONTHS),
    _line("seasonal_inflows", "全年收入（按月合计）", "Money in over the year (sum of months)", _S, "seasonal_net"),
    *(_line(outflow_code(m), f"{m}月支出", f"Money out, month {m}", _S, "seasonal_outflows") for m in MONTHS),
    _line("seasonal_outflows", "全年支出（按月合计）", "Money out over the year (sum of months)", _S, "seasonal_net", -1),
    _line("seasonal_net", "全年净现金流（按月合计）", "Net money over the year (sum of months)", _S, None),
)
"""The simplified household and farm statement, in reading order."""

LINES: Mapping[StatementBasis, tuple[StatementLine, ...]] = {
    StatementBasis.SMALL_ENTERPRISE: SMALL_ENTERPRISE_LINES,
    StatementBasis.HOUSEHOLD: HOUSEHOLD_LINES,
}
"""The lines of each basis, in reading order (every subtotal after the lines adding into it)."""

BALANCING_LINES: Mapping[StatementBasis, tuple[str, str]] = {
    StatementBasis.SMALL_ENTERPRISE: ("total_assets", "total_liabilities_and_equity"),
    StatementBasis.HOUSEHOLD: ("total_assets", "total_liabilities_and_net_worth"),
}
"""The two lines that must be equal for a balance sheet to balance: assets = liabilities + equity."""

AGREEING_LINES: Mapping[StatementBasis, tuple[tuple[str, str], ...]] = {
    StatementBasis.SMALL_ENTERPRISE: (("cash_end", "cash"),),
    StatementBasis.HOUSEHOLD: (("seasonal_inflows", "total_income"), ("seasonal_outflows", "total_expenses")),
}
"""Lines of an optional part that must equal a line of the main statement, (line, must equal).

The cash-flow statement's closing cash is the balance sheet's cash and bank balances (under the
small-enterprise standard both are 库存现金, bank deposits and other monetary funds); a
household's months add up to the year's income and expenses it declared."""


def statement_lines(basis: StatementBasis | str) -> tuple[StatementLine, ...]:
    """The lines of ``basis`` in reading order; raises ``ValueError`` for an unknown basis."""
    return LINES[StatementBasis(basis)]


def subtotal_codes(basis: StatementBasis | str) -> frozenset[str]:
    """Codes of the lines of ``basis`` that are sums of other lines (totals and subtotals)."""
    return frozenset(line.subtotal for line in statement_lines(basis) if line.subtotal is not None)


def detail_codes(basis: StatementBasis | str) -> tuple[str, ...]:
    """Codes of the lines of ``basis`` that are entered, not summed, in reading order."""
    subtotals = subtotal_codes(basis)
    return tuple(line.code for line in statement_lines(basis) if line.code not in subtotals)


class StatementProblemCode(StrEnum):
    """What is wrong with a statement."""

    UNKNOWN_LINE = "unknown_line"
    NEGATIVE_AMOUNT = "negative_amount"
    """A negative amount on a detail line that is entered as a positive number."""
    MISSING_SUBTOTAL = "missing_subtotal"
    SUBTOTAL_MISMATCH = "subtotal_mismatch"
    DOES_NOT_BALANCE = "does_not_balance"
    DISAGREES_WITH_STATEMENT = "disagrees_with_statement"
    """A line of an optional part differs from the line of the main statement it must equal."""


@dataclass(frozen=True)
class StatementProblem:
    """One thing wrong with a statement: which line, what it should be and what it is.

    For ``DOES_NOT_BALANCE`` the line is the liabilities-and-equity total, ``expected`` the
    total assets; for ``DISAGREES_WITH_STATEMENT`` the line is the one of the optional part,
    ``expected`` the amount of the main statement's line it must equal.
    """

    code: StatementProblemCode
    line: str
    expected: Decimal | None = None
    found: Decimal | None = None


def statement_totals(basis: StatementBasis | str, details: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Every subtotal of ``basis`` computed from the detail lines in ``details``.

    Rule: a subtotal is the signed sum of the lines that name it, detail lines left out count
    as 0, and subtotals add into higher subtotals. Amounts of subtotals in ``details`` are
    ignored: they are what is being computed.
    """
    lines = statement_lines(basis)
    subtotals = subtotal_codes(basis)
    totals = {code: Decimal(0) for code in subtotals}
    # Reading order puts every subtotal after the lines adding into it, so one pass suffices.
    for line in lines:
        amount = totals[line.code] if line.code in subtotals else details.get(line.code, Decimal(0))
        if line.subtotal is not None:
            totals[line.subtotal] += line.sign * amount
    return totals


def parts_given(basis: StatementBasis | str, amounts: Mapping[str, Decimal]) -> frozenset[StatementPart]:
    """The parts of a statement of ``basis`` that have at least one line in ``amounts``.

    Rule: an optional part (cash flow, seasonal) with no line at all was not handed in; its
    lines are then unknown rather than 0.
    """
    part_of = {line.code: line.part for line in statement_lines(basis)}
    return frozenset(part_of[code] for code in amounts if code in part_of)


def statement_problems(basis: StatementBasis | str, amounts: Mapping[str, Decimal]) -> tuple[StatementProblem, ...]:
    """What is wrong with a statement of ``basis`` whose lines are ``amounts`` (code -> yuan).

    Checks, in this order: every code is a line of the basis; no detail line is negative
    unless it may be (``StatementLine.may_be_negative``); every subtotal is present and
    equals the signed sum of its lines (``statement_totals``), the subtotals of an optional
    part only when that part is given (``OPTIONAL_PARTS``); total assets equal total
    liabilities plus equity (net worth); a given optional part agrees with the main statement
    (``AGREEING_LINES``). An empty tuple means the statement balances.
    """
    lines = {line.code: line for line in statement_lines(basis)}
    given = parts_given(basis, amounts)
    problems = [StatementProblem(StatementProblemCode.UNKNOWN_LINE, code) for code in amounts if code not in lines]
    subtotals = subtotal_codes(basis)
    problems += [
        StatementProblem(StatementProblemCode.NEGATIVE_AMOUNT, code, found=amount)
        for code, amount in amounts.items()
        if code in lines and code not in subtotals and amount < 0 and not lines[code].may_be_negative
    ]
    for code, expected in statement_totals(basis, amounts).items():
        if lines[code].part in OPTIONAL_PARTS and lines[code].part not in given:
            continue
        if code not in amounts:
            problems.append(StatementProblem(StatementProblemCode.MISSING_SUBTOTAL, code, expected=expected))
        elif amounts[code] != expected:
            problems.append(
                StatementProblem(StatementProblemCode.SUBTOTAL_MISMATCH, code, expected=expected, found=amounts[code])
            )
    assets, funding = BALANCING_LINES[StatementBasis(basis)]
    if assets in amounts and funding in amounts and amounts[assets] != amounts[funding]:
        problems.append(
            StatementProblem(StatementProblemCode.DOES_NOT_BALANCE, funding, expected=amounts[assets], found=amounts[funding])
        )
    totals = statement_totals(basis, amounts)
    for code, other in AGREEING_LINES[StatementBasis(basis)]:
        if lines[code].part not in given:
            continue
        found = amounts.get(code, totals.get(code, Decimal(0)))
        expected = amounts.get(other, totals.get(other, Decimal(0)))
        if found != expected:
            problems.append(StatementProblem(StatementProblemCode.DISAGREES_WITH_STATEMENT, code, expected=expected, found=found))
    return tuple(problems)


def statement_balances(basis: StatementBasis | str, amounts: Mapping[str, Decimal]) -> bool:
    """Whether a statement of ``basis`` with lines ``amounts`` has no problem at all.

    Rule: subtotals add up and assets = liabilities + equity (``statement_problems``).
    """
    return not statement_problems(basis, amounts)


class PeriodProblemCode(StrEnum):
    """What is wrong with the periods of a customer's statements of one basis."""

    NOT_MONTH_END = "not_month_end"
    """Accounts close on the last day of a month."""
    BAD_LENGTH = "bad_length"
    """A period is 1 to 12 months long."""
    OVERLAP = "overlap"
    """The period starts before the previous one ended (a second statement of the same months)."""
    GAP = "gap"
    """Months between the previous period and this one are not covered by any statement."""
    LENGTH_DIFFERS = "length_differs"
    """The period is not as long as the previous one, so flows are not comparable."""


@dataclass(frozen=True)
class StatementPeriod:
    """The period a statement covers: the months up to and including ``period_end``."""

    period_end: date
    period_months: int

    @property
    def start(self) -> date:
        """The first day of the period: ``period_months`` before the day after its end."""
        return add_months(self.period_end + timedelta(days=1), -self.period_months)

    @property
    def days(self) -> int:
        """How many days the period covers, both ends included."""
        return (self.period_end - self.start).days + 1


@dataclass(frozen=True)
class PeriodProblem:
    """One thing wrong with a statement's period, on the header line (``period_end`` or
    ``period_months``) of the statement ending ``period_end``; ``previous_end`` is the end of the
    statement before it when the problem is between the two."""

    code: PeriodProblemCode
    period_end: date
    line: str
    expected: date | int | None = None
    found: date | int | None = None
    previous_end: date | None = None


MAX_PERIOD_MONTHS = 12
"""The longest period a statement covers: a financial year."""


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def period_problems(periods: Iterable[StatementPeriod]) -> tuple[PeriodProblem, ...]:
    """What is wrong with the periods of one customer's statements of one basis.

    Rules: a period ends on a month end and is 1-12 months long; taken in order of their end,
    each period starts the day after the previous one ended: starting earlier is an overlap
    (two statements for the same months), later a gap; and each is as long as the previous one,
    since a half-year's flows cannot be compared with a year's. Problems are reported on the
    later statement of a pair, in order of period end.
    """
    ordered = sorted(periods, key=lambda p: (p.period_end, p.period_months))
    problems: list[PeriodProblem] = []
    for period in ordered:
        if period.period_end != _month_end(period.period_end):
            problems.append(PeriodProblem(PeriodProblemCode.NOT_MONTH_END, period.period_end, "period_end",
                                          expected=_month_end(period.period_end), found=period.period_end))
        if not 1 <= period.period_months <= MAX_PERIOD_MONTHS:
            problems.append(PeriodProblem(PeriodProblemCode.BAD_LENGTH, period.period_end, "period_months",
                                          expected=MAX_PERIOD_MONTHS, found=period.period_months))
    for before, period in zip(ordered, ordered[1:], strict=False):
        follows = before.period_end + timedelta(days=1)
        if period.start != follows:
            code = PeriodProblemCode.OVERLAP if period.start < follows else PeriodProblemCode.GAP
            problems.append(PeriodProblem(code, period.period_end, "period_end", expected=follows, found=period.start,
                                          previous_end=before.period_end))
        if period.period_months != before.period_months:
            problems.append(PeriodProblem(PeriodProblemCode.LENGTH_DIFFERS, period.period_end, "period_months",
                                          expected=before.period_months, found=period.period_months,
                                          previous_end=before.period_end))
    return tuple(problems)


@dataclass(frozen=True)
class SeasonalMonth:
    """One calendar month of a household's year: money in, money out, and what is left."""

    month: int
    money_in: Decimal
    money_out: Decimal

    @property
    def net(self) -> Decimal:
        return self.money_in - self.money_out


@dataclass(frozen=True)
class SeasonalCashFlow:
    """A household's year by month, and what it means for a loan.

    ``funding_need`` is the most money the household is short over any run of consecutive
    months (the year wraps: a run may go from November into February); ``need_from`` and
    ``need_to`` are the first and last months of that run. ``surplus_months`` are the months
    that leave money over: when instalments fit.
    """

    months: tuple[SeasonalMonth, ...]
    funding_need: Decimal
    need_from: int | None
    need_to: int | None
    surplus_months: tuple[int, ...]


def seasonal_cash_flow(amounts: Mapping[str, Decimal]) -> SeasonalCashFlow | None:
    """The seasonal cash flow of a household statement's lines, or ``None`` if it has none.

    Rule: a farm borrows for the months its outgoings run ahead of its income and repays from
    the months of harvest or sale (the pre-loan investigation's 生产经营周期 and 还款来源). The
    funding need is the largest cumulative shortfall over consecutive months, the year read as
    a circle, since a season's costs in autumn are repaid from the next summer's harvest.
    """
    if not any(code in amounts for m in MONTHS for code in (inflow_code(m), outflow_code(m))):
        return None
    months = tuple(
        SeasonalMonth(m, Decimal(amounts.get(inflow_code(m), 0)), Decimal(amounts.get(outflow_code(m), 0))) for m in MONTHS
    )
    need, need_from, need_to = Decimal(0), None, None
    for first in range(12):
        if months[first].net >= 0:
            # A shortfall starts in a month that is short: the run reported is the tightest.
            continue
        shortfall = Decimal(0)
        for length in range(12):
            shortfall -= months[(first + length) % 12].net
            if shortfall > need:
                need, need_from, need_to = shortfall, first + 1, (first + length) % 12 + 1
    return SeasonalCashFlow(
        months=months,
        funding_need=need,
        need_from=need_from,
        need_to=need_to,
        surplus_months=tuple(month.month for month in months if month.net > 0),
    )
