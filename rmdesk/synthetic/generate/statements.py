"""Financial statements that add up: enterprises' annual accounts and households' simple statements.

Enterprises report two or three years under the small-enterprise standard; farm households and
sole proprietors who borrow have the simplified household statement an account manager draws
up at the pre-loan investigation. Detail lines are drawn in integer fen, subtotals are summed
by the lines' own rules (``rmdesk.domain.statements``). A firm keeps its shape from year to
year (each line's share of revenue or assets is its own, plus a little noise), its equity rolls
forward with the profit less dividends, and cash (or owners' loans in other payables) takes up
what the year leaves over; a first year's retained earnings make it balance. A household's
earlier year follows from the later one the same way, through its net worth. Revenue is the
customer's planned sales at this bank divided by the share of their business done here
(35-90%), so the bank never sees more inflows than the customer reports; borrowings include
what this bank had lent at the time.
"""

from __future__ import annotations

import datetime

import numpy as np
import polars as pl

from rmdesk.domain.statements import (
    MONTHS,
    OPTIONAL_PARTS,
    StatementBasis,
    StatementPart,
    inflow_code,
    outflow_code,
    statement_lines,
    subtotal_codes,
)
from rmdesk.synthetic.generate.common import Window, add_months, as_dates, day_of, lognormal_yuan, rng_for
from rmdesk.synthetic.generate.customers import ENTERPRISE, FARMER, SOLE_PROPRIETOR, Customers
from rmdesk.synthetic.generate.loans import Loans
from rmdesk.synthetic.names import FARM_TYPES

_SPAN = 1 << 20


def owed_at(loans: Loans, customer: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What each customer owed this bank at the end of each day, on loans of up to a year and
    on longer ones, by the repayment schedule."""
    starts = np.searchsorted(loans.customer, customer, side="left")
    counts = np.searchsorted(loans.customer, customer, side="right") - starts
    pair = np.repeat(np.arange(len(customer)), counts)
    loan = np.repeat(starts, counts) + (np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts))
    on = day[pair]
    key = loans.inst_loan * _SPAN + (loans.inst_due - loans.inst_due.min())
    position = np.searchsorted(key, loan * _SPAN + (on - loans.inst_due.min()), side="right") - 1
    running = np.cumsum(loans.inst_principal)
    loan_start = np.searchsorted(loans.inst_loan, loan, side="left")
    before_loan = np.where(loan_start > 0, running[np.maximum(loan_start - 1, 0)], 0)
    repaid = np.where(position >= loan_start, running[np.maximum(position, 0)] - before_loan, 0)
    owed = np.where((loans.disbursed[loan] <= on) & (loans.maturity[loan] >= on), loans.principal[loan] - repaid, 0)
    short = loans.term[loan] <= 12
    return _sum(pair[short], owed[short], len(customer)), _sum(pair[~short], owed[~short], len(customer))


def _sum(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, index, values)
    return out


def _complete(basis: StatementBasis, lines: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Add every subtotal of ``basis`` to the detail ``lines``, by the lines' sum rules."""
    subtotals = subtotal_codes(basis)
    totals = {code: np.zeros(n, dtype=np.int64) for code in subtotals}
    for line in statement_lines(basis):
        amount = totals[line.code] if line.code in subtotals else lines.get(line.code, np.zeros(n, dtype=np.int64))
        if line.subtotal is not None:
            totals[line.subtotal] = totals[line.subtotal] + line.sign * amount
    return {**lines, **totals}


class _Shape:
    """Draws that stay with a customer from one year's statement to the next (its "shape"):
    the level of each proportional line within its range, and whether the line is used at all.
    Only a small noise changes from year to year, so ratios drift rather than jump."""

    def __init__(self, rng: np.random.Generator, customers: int):
        self.rng = rng
        self.customers = customers
        self.draws: dict[str, np.ndarray] = {}

    def __call__(self, code: str) -> np.ndarray:
        if code not in self.draws:
            self.draws[code] = self.rng.random((2, self.customers))
        return self.draws[code]


def _proportional(rng: np.random.Generator, shape: _Shape, who: np.ndarray):
    """``pm(base, lo, hi, code, share)``: ``base`` times a per-mille factor between ``lo`` and
    ``hi`` that is the customer's own (plus or minus 4% a year), for the share of customers that
    have the line at all."""

    def pm(base, lo: int, hi: int, code: str, share: float = 1.0) -> np.ndarray:
        level, used = shape(code)
        factor = (lo + (hi - lo) * level[who]) * (1 + (rng.random(len(who)) - 0.5) * 0.08)
        amount = (np.asarray(base, dtype=np.float64) * factor / 1000).astype(np.int64)
        return np.where(used[who] < share, amount, 0)

    return pm


_CASH_FLOW_SHARE = 0.7
"""Share of enterprises that hand in a cash-flow statement with their accounts."""
_INTERIM_SHARE = 0.6
"""Share of enterprises that also hand in their accounts for the year to date (最近一期)."""
_MONTHS_SHARE = 0.7
"""Share of household statements drawn up with the months' money in and out."""


def _enterprise_lines(rng: np.random.Generator, shape: _Shape, who: np.ndarray, revenue: np.ndarray, short: np.ndarray, long: np.ndarray, capital: np.ndarray, employees: np.ndarray, previous: dict[str, np.ndarray] | None, months: int = 12) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The accounts of the enterprises ``who`` for a period of ``months`` (a year, or the year
    to date of an interim statement) with ``revenue`` over it; ``previous`` their accounts at
    the end of the period before (rows aligned, ``None`` for a first year), from which equity
    rolls forward (retained earnings grow by the profit less the year's dividends) and a
    cash-flow statement is drawn. Balances follow the yearly rate of revenue, flows the period's.
    Returns the lines and which rows carry a cash-flow statement."""
    n = len(revenue)
    pm = _proportional(rng, shape, who)
    yearly = revenue * 12 // months
    assets = pm(yearly, 600, 1400, "assets")
    bank_share = 600 + (400 * shape("bank_share")[0][who]).astype(np.int64)
    lines = {
        "revenue": revenue, "cost_of_sales": pm(revenue, 700, 880, "cost_of_sales"), "taxes_and_surcharges": pm(revenue, 5, 12, "taxes"),
        "selling_expenses": pm(revenue, 20, 60, "selling"), "administrative_expenses": pm(revenue, 40, 90, "administrative"),
        "finance_expenses": (short + long) * 50 * months // 12_000, "investment_income": pm(revenue, 1, 10, "investment_income", 0.1),
        "non_operating_income": pm(revenue, 1, 3, "non_operating_income", 0.3), "non_operating_expenses": pm(revenue, 1, 2, "non_operating_expenses", 0.3),
        "cash": pm(assets, 60, 130, "cash"), "notes_receivable": pm(assets, 5, 30, "notes_receivable", 0.2), "accounts_receivable": pm(yearly, 80, 200, "receivables"),
        "prepayments": pm(assets, 10, 40, "prepayments"), "other_receivables": pm(assets, 10, 30, "other_receivables"), "inventories": pm(yearly, 80, 200, "inventories"),
        "long_term_equity_investments": pm(assets, 20, 80, "equity_investments", 0.1), "construction_in_progress": pm(assets, 20, 100, "construction", 0.15),
        "intangible_assets": pm(assets, 30, 100, "intangibles"), "long_term_prepaid_expenses": pm(assets, 5, 20, "prepaid", 0.3),
        "short_term_borrowings": short * 1000 // bank_share + pm(assets, 20, 80, "other_short_borrowings", 0.3), "notes_payable": pm(assets, 10, 50, "notes_payable", 0.2),
        "accounts_payable": pm(yearly, 80, 200, "payables"), "advances_from_customers": pm(yearly, 5, 30, "advances", 0.3),
        "employee_benefits_payable": employees * 550_000, "taxes_payable": pm(yearly, 3, 10, "taxes_payable"), "other_payables": pm(assets, 20, 80, "other_payables"),
        "long_term_borrowings": long * 1000 // bank_share,
    }
    lines["fixed_assets_cost"] = pm(assets, 300, 500, "fixed_assets")
    lines["accumulated_depreciation"] = pm(lines["fixed_assets_cost"], 200, 500, "depreciation")
    lines["paid_in_capital"] = np.minimum(capital, pm(assets, 150, 400, "paid_in_capital"))
    lines["capital_reserve"] = pm(assets, 10, 50, "capital_reserve", 0.2)
    lines["surplus_reserve"] = pm(lines["paid_in_capital"], 20, 100, "surplus_reserve")
    profit = _complete(StatementBasis.SMALL_ENTERPRISE, lines, n)["total_profit"]
    # Small low-profit enterprises pay an effective 5% on profits up to 3 million yuan.
    lines["income_tax_expense"] = np.maximum(profit, 0) * np.where(profit * 12 // months <= 300_000_000, 50, 250) // 1000
    lines["retained_earnings"] = np.zeros(n, dtype=np.int64)
    if previous is None:
        draft = _complete(StatementBasis.SMALL_ENTERPRISE, lines, n)
        lines["retained_earnings"] = draft["total_assets"] - draft["total_liabilities_and_equity"]
        return _complete(StatementBasis.SMALL_ENTERPRISE, lines, n), np.zeros(n, dtype=bool)

    for code in ("paid_in_capital", "capital_reserve", "surplus_reserve"):
        lines[code] = previous[code]
    net_profit = _complete(StatementBasis.SMALL_ENTERPRISE, lines, n)["net_profit"]
    # Dividends are declared on the year's accounts, not on an interim period's.
    dividends = np.maximum(net_profit, 0) * (300 * shape("dividends")[0][who]).astype(np.int64) // 1000 * (months == 12)
    lines["retained_earnings"] = previous["retained_earnings"] + net_profit - dividends
    # What the year's borrowing, investment and profit leave over sits in cash; a shortfall was
    # met by the owners' and related parties' money, booked in other payables (股东借款).
    draft = _complete(StatementBasis.SMALL_ENTERPRISE, lines, n)
    gap = draft["total_assets"] - draft["total_liabilities_and_equity"]
    lines["other_payables"] = lines["other_payables"] + np.maximum(gap, 0)
    lines["cash"] = lines["cash"] + np.maximum(-gap, 0)

    has_cash_flow = shape("cash_flow")[1][who] < _CASH_FLOW_SHARE
    lines.update(_cash_flow(lines, previous, dividends, employees * months))
    return _complete(StatementBasis.SMALL_ENTERPRISE, lines, n), has_cash_flow


def _cash_flow(now: dict[str, np.ndarray], before: dict[str, np.ndarray], dividends: np.ndarray, employee_months: np.ndarray) -> dict[str, np.ndarray]:
    """A direct-method cash-flow statement (会小企03表) from two balance sheets and the year's
    income statement: receipts and payments follow sales and purchases corrected by the change
    in receivables, stock and payables; what the lines do not explain of the change in cash is
    other operating receipts or payments."""

    def change(*codes: str) -> np.ndarray:
        return sum(now[c] - before[c] for c in codes)

    flows = {
        "cf_sales_receipts": np.maximum(now["revenue"] - change("accounts_receivable", "notes_receivable") + change("advances_from_customers"), 0),
        "cf_purchases_paid": np.maximum(now["cost_of_sales"] + change("inventories") - change("accounts_payable", "notes_payable"), 0),
        "cf_wages_paid": employee_months * 550_000,
        "cf_taxes_paid": now["taxes_and_surcharges"] + now["income_tax_expense"],
        "cf_long_term_assets_paid": np.maximum(change("fixed_assets_cost", "construction_in_progress", "intangible_assets"), 0),
        "cf_disposal_receipts": np.maximum(-change("fixed_assets_cost", "construction_in_progress", "intangible_assets"), 0),
        "cf_borrowings_received": np.maximum(change("short_term_borrowings", "long_term_borrowings"), 0),
        "cf_borrowings_repaid": np.maximum(-change("short_term_borrowings", "long_term_borrowings"), 0),
        "cf_interest_paid": now["finance_expenses"],
        "cf_profit_distributed": dividends,
        "cash_begin": before["cash"],
    }
    explained = (
        flows["cf_sales_receipts"] - flows["cf_purchases_paid"] - flows["cf_wages_paid"] - flows["cf_taxes_paid"]
        - flows["cf_long_term_assets_paid"] + flows["cf_disposal_receipts"] + flows["cf_borrowings_received"]
        - flows["cf_borrowings_repaid"] - flows["cf_interest_paid"] - flows["cf_profit_distributed"]
    )
    rest = now["cash"] - before["cash"] - explained
    flows["cf_other_operating_receipts"] = np.maximum(rest, 0)
    flows["cf_other_operating_payments"] = np.maximum(-rest, 0)
    return flows


def _split_months(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``total`` (fen) of each row split over 12 months in proportion to ``weights`` (rows x 12),
    exactly: what the flooring leaves goes to the row's heaviest month."""
    weights = np.asarray(weights, dtype=np.float64)
    shares = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    months = (total[:, None] * shares).astype(np.int64)
    months[np.arange(len(total)), weights.argmax(axis=1)] += total - months.sum(axis=1)
    return months


_EVEN = np.ones(12)
_SPRING_FESTIVAL = np.array([1.6, 1.4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.2])


def _household_months(rng: np.random.Generator, c: Customers, who: np.ndarray, lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Money in and out by calendar month: farm sales and purchases in the farm type's months,
    business takings and costs all year, wages monthly, remittances and spending peaking at the
    Spring Festival. The months add up exactly to the year's income and expenses."""
    n = len(who)
    farmer = c.kind[who] == FARMER
    farm = np.where(farmer, c.role[who], 0)
    sales = np.where(farmer[:, None], np.array([f[2] for f in FARM_TYPES], dtype=np.float64)[farm], _EVEN)
    buying = np.where(farmer[:, None], np.array([f[4] for f in FARM_TYPES], dtype=np.float64)[farm], _EVEN)
    noise = 1 + (rng.random((n, 12)) - 0.5) * 0.2
    money_in = (
        _split_months(lines["crop_income"] + lines["livestock_income"] + lines["business_income"], (sales + 0.02) * noise)
        + _split_months(lines["wage_income"] + lines["other_income"], np.broadcast_to(_EVEN, (n, 12)))
        + _split_months(lines["transfer_income"], np.broadcast_to(_SPRING_FESTIVAL ** 2, (n, 12)))
    )
    money_out = (
        _split_months(lines["production_costs"], (buying + 0.05) * noise)
        + _split_months(lines["living_expenses"] + lines["other_expenses"], np.broadcast_to(_SPRING_FESTIVAL, (n, 12)))
        + _split_months(lines["interest_expenses"], np.broadcast_to(_EVEN, (n, 12)))
    )
    out = {inflow_code(m): money_in[:, m - 1] for m in MONTHS}
    out.update({outflow_code(m): money_out[:, m - 1] for m in MONTHS})
    return out


def _household_lines(rng: np.random.Generator, c: Customers, who: np.ndarray, owed: np.ndarray) -> dict[str, np.ndarray]:
    n = len(who)
    farmer = c.kind[who] == FARMER
    reported = c.income[who] * 1000 // c.wallet[who]
    livestock = farmer & np.isin(c.role[who], [i for i, f in enumerate(FARM_TYPES) if f[5] == "livestock_income"])
    growing = np.isin(c.role[who], [i for i, f in enumerate(FARM_TYPES) if f[0] in ("茶叶种植", "柑橘种植", "苗木种植")]) & farmer

    def pm(base, lo, hi):
        return np.asarray(base) // 1000 * rng.integers(lo, hi + 1, n)

    def some(share, median, sigma=0.6):
        return np.where(rng.random(n) < share, lognormal_yuan(rng, median, sigma, n, 100), 0)

    lines = {
        "crop_income": np.where(farmer & ~livestock, reported, 0), "livestock_income": np.where(livestock, reported, 0),
        "business_income": np.where(farmer, 0, reported), "wage_income": np.where(farmer, some(0.5, 20_000), 0),
        "transfer_income": lognormal_yuan(rng, 3_000, 0.5, n, 100) + np.where(farmer, some(0.5, 15_000), 0),
        "other_income": some(0.2, 3_000), "production_costs": np.where(farmer, pm(reported, 350, 550), pm(reported, 650, 800)),
        "living_expenses": lognormal_yuan(rng, 35_000, 0.4, n, 100), "interest_expenses": owed * 55 // 1000,
        "other_expenses": some(0.3, 4_000),
        "cash_and_deposits": c.balance[who] * 1000 // c.wallet[who], "receivables": np.where(farmer, 0, pm(reported, 0, 80)),
        "farm_inventory": np.where(farmer, pm(reported, 50, 200), 0),
        "biological_assets": np.where(livestock | growing, pm(reported, 200, 600), 0),
        "machinery_and_equipment": lognormal_yuan(rng, np.where(farmer, 30_000, 20_000), 0.7, n, 100),
        "vehicles": some(0.5, 60_000), "residential_property": lognormal_yuan(rng, 300_000, 0.5, n, 1_000),
        "business_property": np.where(farmer, some(0.3, 50_000), lognormal_yuan(rng, 200_000, 0.6, n, 1_000)),
        "loans_this_bank": owed, "loans_other_banks": some(0.2, 50_000), "private_borrowings": some(0.25, 30_000),
        "payables": np.where(farmer, 0, pm(reported, 0, 50)),
    }
    lines["net_worth"] = np.zeros(n, dtype=np.int64)
    draft = _complete(StatementBasis.HOUSEHOLD, lines, n)
    lines["net_worth"] = draft["total_assets"] - draft["total_liabilities_and_net_worth"]
    lines = _complete(StatementBasis.HOUSEHOLD, lines, n)
    return _complete(StatementBasis.HOUSEHOLD, {**lines, **_household_months(rng, c, who, lines)}, n)


def _household_year_before(rng: np.random.Generator, later: dict[str, np.ndarray], owed: np.ndarray) -> dict[str, np.ndarray]:
    """The household statement of the year before ``later`` (rows aligned): income and costs a
    little different, the same home and machines, this bank's loans as they then stood, and a
    net worth smaller by the later year's net income, the difference held in cash (or, when the
    cash would not cover it, owed privately)."""
    n = len(owed)
    step = 1000 + rng.integers(-50, 151, n)

    def before(code: str) -> np.ndarray:
        return later[code] * 1000 // step

    lines = {code: before(code) for code in (
        "crop_income", "livestock_income", "business_income", "wage_income", "transfer_income", "other_income",
        "production_costs", "receivables", "farm_inventory", "biological_assets", "payables",
    )}
    lines["living_expenses"] = later["living_expenses"] * rng.integers(930, 1001, n) // 1000
    lines["other_expenses"] = later["other_expenses"]
    lines["interest_expenses"] = owed * 55 // 1000
    for code in ("machinery_and_equipment", "vehicles", "residential_property", "business_property", "loans_other_banks", "private_borrowings"):
        lines[code] = later[code]
    lines["loans_this_bank"] = owed
    lines["net_worth"] = later["net_worth"] - later["net_income"]
    lines["cash_and_deposits"] = np.zeros(n, dtype=np.int64)
    draft = _complete(StatementBasis.HOUSEHOLD, lines, n)
    cash = draft["total_liabilities_and_net_worth"] - draft["total_assets"]
    lines["cash_and_deposits"] = np.maximum(cash, 0)
    lines["private_borrowings"] = lines["private_borrowings"] + np.maximum(-cash, 0)
    return _complete(StatementBasis.HOUSEHOLD, lines, n)


def _months_to_quarter_end(as_of: datetime.date) -> int:
    """Months from January to the last quarter end on or before ``as_of``: the period of the
    year-to-date accounts a firm can hand in then (0 in the first quarter, and at the year end,
    when the year's own accounts are due instead)."""
    month = as_of.month // 3 * 3
    if month == as_of.month and (as_of + datetime.timedelta(days=1)).month == as_of.month:
        month -= 3
    return month if 0 < month < 12 else 0


def generate_statements(seed: int, window: Window, customers: Customers, loans: Loans) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Statements (headers) and their lines, both with ids; zero detail lines are left out.

    Plants: for every enterprise the last two full years' accounts, and half of them a third
    year (revenue growing -5% to +15% a year, equity rolling forward with the profit, and for
    70% of the years that follow another a cash-flow statement); for every farm household and
    sole proprietor with a loan, the household statement of the 12 months before their latest
    loan (or the last calendar year, if that loan is older than three years), 70% of them with
    the months' money in and out, and for half of them the year before too.
    """
    rng = rng_for(seed, "statements")
    c = customers
    last_year_end = day_of(datetime.date(window.as_of.year - 1, 12, 31))
    firms = np.flatnonzero(c.kind == ENTERPRISE)
    third = rng.random(len(firms)) < 0.5
    growth = rng.integers(-50, 151, c.n)
    capital = c.frame["registered_capital"].fill_null(0).to_numpy()
    shape = _Shape(rng, c.n)

    def year(who: np.ndarray, back: int, revenue: np.ndarray, previous: dict[str, np.ndarray] | None, months: int = 12):
        end = np.full(len(who), add_months(np.array([last_year_end]), -12 * back + months - 12)[0])
        short, long = owed_at(loans, who, end)
        return _enterprise_lines(rng, shape, who, revenue, short, long, capital[who], c.employees[who], previous, months)

    # Oldest year first, so that each year's equity and cash flow follow from the year before.
    revenue_0 = c.income[firms] * 1000 // c.wallet[firms]
    revenue_1 = revenue_0 * 1000 // (1000 + growth[firms])
    revenue_2 = revenue_1[third] * 1000 // (1000 + growth[firms[third]])
    lines_2, cash_flow_2 = year(firms[third], 2, revenue_2, None)
    with_third, cash_flow_1a = year(firms[third], 1, revenue_1[third], lines_2)
    without, cash_flow_1b = year(firms[~third], 1, revenue_1[~third], None)
    lines_1, cash_flow_1 = {}, np.zeros(len(firms), dtype=bool)
    for code in with_third.keys() | without.keys():
        lines_1[code] = np.zeros(len(firms), dtype=np.int64)
        lines_1[code][third] = with_third.get(code, 0)
        lines_1[code][~third] = without.get(code, 0)
    cash_flow_1[third], cash_flow_1[~third] = cash_flow_1a, cash_flow_1b
    lines_0, cash_flow_0 = year(firms, 0, revenue_0, lines_1)
    # The year to date, up to the last quarter end the bank's as-of date has passed.
    interim_months = _months_to_quarter_end(window.as_of)
    interim = (shape("interim")[1][firms] < _INTERIM_SHARE) & (interim_months > 0)
    lines_y, cash_flow_y = year(
        firms[interim], 0, revenue_0[interim] * interim_months // 12, {code: v[interim] for code, v in lines_0.items()}, interim_months or 12
    )
    blocks = ((lines_0, firms, 0, 12), (lines_1, firms, 1, 12), (lines_2, firms[third], 2, 12), (lines_y, firms[interim], -1, interim_months))
    e_customer = np.concatenate([rows for _, rows, _, _ in blocks])
    e_end = np.concatenate([np.full(len(rows), add_months(np.array([last_year_end]), -12 * back + months - 12)[0]) for _, rows, back, months in blocks])
    e_months = np.concatenate([np.full(len(rows), months) for _, rows, _, months in blocks])
    enterprise = {
        code: np.concatenate([block.get(code, np.zeros(len(rows), dtype=np.int64)) for block, rows, _, _ in blocks])
        for code in lines_0.keys() | lines_1.keys() | lines_2.keys()
    }
    revenue = enterprise["revenue"] * 12 // e_months
    e_has_part = {StatementPart.CASH_FLOW: np.concatenate([cash_flow_0, cash_flow_1, cash_flow_2, cash_flow_y])}

    borrowers = np.unique(loans.customer[np.isin(c.kind[loans.customer], (FARMER, SOLE_PROPRIETOR))])
    latest = np.full(c.n, -1, dtype=np.int64)
    np.maximum.at(latest, loans.customer, loans.disbursed)
    before_loan = add_months(latest[borrowers], 0, anchor_day=np.ones(len(borrowers), dtype=np.int64)) - 1
    later_end = np.where(latest[borrowers] < window.last - 3 * 365, last_year_end, before_loan)
    earlier = rng.random(len(borrowers)) < 0.5
    earlier_end = add_months(later_end[earlier] + 1, -12) - 1
    later = _household_lines(rng, c, borrowers, sum(owed_at(loans, borrowers, later_end)))
    before = _household_year_before(rng, {code: amounts[earlier] for code, amounts in later.items()}, sum(owed_at(loans, borrowers[earlier], earlier_end)))
    h_customer = np.concatenate([borrowers, borrowers[earlier]])
    h_end = np.concatenate([later_end, earlier_end])
    household = {code: np.concatenate([later[code], before.get(code, np.zeros(len(earlier_end), dtype=np.int64))]) for code in later}
    with_months = rng.random(len(borrowers)) < _MONTHS_SHARE
    h_has_part = {StatementPart.SEASONAL: np.concatenate([with_months, np.zeros(len(earlier_end), dtype=bool)])}

    customer = np.concatenate([e_customer, h_customer])
    period_end = np.concatenate([e_end, h_end])
    basis = np.concatenate([np.full(len(e_customer), StatementBasis.SMALL_ENTERPRISE.value), np.full(len(h_customer), StatementBasis.HOUSEHOLD.value)])
    order = np.lexsort((period_end, customer))
    statement_id = np.empty(len(order), dtype=np.int64)
    statement_id[order] = np.arange(1, len(order) + 1)
    statements = pl.DataFrame(
        {
            "id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": customer[order] + 1,
            "basis": basis[order],
            "period_end": as_dates(period_end[order]),
            "period_months": np.concatenate([e_months, np.full(len(h_customer), 12)])[order].astype(np.int64),
            "audited": np.concatenate([revenue >= 5_000_000_000, np.zeros(len(h_customer), dtype=bool)])[order],
        }
    )
    line_parts = []
    for lines, ids, basis_value, has_part in (
        (enterprise, statement_id[: len(e_customer)], StatementBasis.SMALL_ENTERPRISE, e_has_part),
        (household, statement_id[len(e_customer) :], StatementBasis.HOUSEHOLD, h_has_part),
    ):
        subtotals = subtotal_codes(basis_value)
        for position, line in enumerate(statement_lines(basis_value)):
            amount = lines.get(line.code, np.zeros(len(ids), dtype=np.int64))
            keep = (amount != 0) | (line.code in subtotals)
            if line.part in OPTIONAL_PARTS:
                keep &= has_part[line.part]
            line_parts.append(pl.DataFrame({"statement_id": ids[keep], "position": np.full(int(keep.sum()), position), "code": np.full(int(keep.sum()), line.code), "amount": amount[keep]}))
    line_frame = pl.concat(line_parts).sort(["statement_id", "position"]).drop("position")
    line_frame = line_frame.with_columns(pl.int_range(1, line_frame.height + 1, dtype=pl.Int64).alias("id")).select("id", "statement_id", "code", "amount")
    return statements, line_frame
