"""Loans: contract terms, repayment schedules and what was paid against them.

Schedules are computed column-wise over all loans at once, with the very rules of
``rmdesk.domain.amortisation.repayment_schedule`` in integer fen (the monthly payment of an
equal-instalment loan in ``Decimal``, as the domain does); a test proves the two identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy as np

from rmdesk.credit.models import GuaranteeKind
from rmdesk.domain.amortisation import RepaymentMethod
from rmdesk.domain.money import round_yuan
from rmdesk.synthetic.generate.common import Window, add_months, choose, group_sum, lognormal_yuan, rng_for, ymd
from rmdesk.synthetic.generate.customers import ENTERPRISE, FARMER, INDIVIDUAL, SOLE_PROPRIETOR, Customers
from rmdesk.synthetic.generate.fates import Fates
from rmdesk.synthetic.names import LOAN_PURPOSES
from rmdesk.synthetic.scales import Scale

METHODS = (RepaymentMethod.EQUAL_INSTALMENT.value, RepaymentMethod.EQUAL_PRINCIPAL.value, RepaymentMethod.INTEREST_ONLY_BULLET.value)
EQUAL_INSTALMENT, EQUAL_PRINCIPAL, BULLET = 0, 1, 2
GUARANTEES = (GuaranteeKind.CREDIT.value, GuaranteeKind.GUARANTEE.value, GuaranteeKind.MORTGAGE.value, GuaranteeKind.PLEDGE.value)
CREDIT, GUARANTEE, MORTGAGE, PLEDGE = 0, 1, 2, 3

# Loan products: code, kinds of customer that take it (with weight), median principal in yuan
# (None: a share of the customer's yearly sales), spread, rounding step, rate range in per
# cent, terms (months: weight), methods (weights by METHODS), guarantees (weights by GUARANTEES).
LOAN_PRODUCTS = (
    ("LN01", {FARMER: 0.5}, 50_000, 0.5, 1_000, (4.35, 6.5), {12: 0.6, 24: 0.25, 36: 0.15}, (0.4, 0, 0.6), (1, 0, 0, 0)),
    ("LN02", {FARMER: 0.3}, 100_000, 0.5, 1_000, (5.0, 7.0), {12: 0.7, 24: 0.3}, (0.5, 0, 0.5), (0, 1, 0, 0)),
    ("LN03", {INDIVIDUAL: 0.35}, 350_000, 0.4, 10_000, (3.1, 3.9), {120: 0.2, 180: 0.2, 240: 0.3, 300: 0.1, 360: 0.2}, (0.7, 0.3, 0), (0, 0, 1, 0)),
    ("LN04", {INDIVIDUAL: 0.65}, 60_000, 0.7, 1_000, (4.2, 7.8), {12: 0.3, 24: 0.3, 36: 0.25, 60: 0.15}, (1, 0, 0), (0.7, 0.3, 0, 0)),
    ("LN05", {FARMER: 0.2, SOLE_PROPRIETOR: 1.0}, None, 0.5, 1_000, (4.5, 7.2), {12: 0.5, 24: 0.3, 36: 0.2}, (0.6, 0, 0.4), (0.1, 0.5, 0.4, 0)),
    ("LN11", {ENTERPRISE: 0.75}, None, 0.5, 10_000, (3.6, 6.0), {12: 1.0}, (0, 0, 1), (0, 0.45, 0.35, 0.2)),
    ("LN12", {ENTERPRISE: 0.25}, 1_500_000, 0.8, 10_000, (4.0, 6.0), {36: 0.4, 60: 0.6}, (0.3, 0.7, 0), (0, 0.3, 0.7, 0)),
)
_BORROWING_PROPENSITY = {ENTERPRISE: 8.0, SOLE_PROPRIETOR: 4.0, FARMER: 1.6, INDIVIDUAL: 0.25}
_SALES_SHARE = {"LN05": (0.2, 0.5), "LN11": (0.1, 0.3)}
_LATE_SHARE = 0.04
_RATE_STEP = 500
"""Rates are on a grid of 5 basis points: 500 millionths."""


@dataclass
class Loans:
    """Loan terms (one entry per loan, in customer order) and, once paid, the instalments.

    Money in fen, rates in millionths (52000 = 5.20%), days as day numbers. Instalment arrays
    (``inst_*``) are in (loan, number) order; ``inst_settled`` is -1 while not fully paid and
    ``inst_paid_on`` the day of a payment (full or interest only), -1 if none.
    """

    customer: np.ndarray
    product: np.ndarray
    principal: np.ndarray
    rate: np.ndarray
    term: np.ndarray
    method: np.ndarray
    guarantee: np.ndarray
    purpose: np.ndarray
    disbursed: np.ndarray
    first_due: np.ndarray
    maturity: np.ndarray
    inst_loan: np.ndarray | None = None
    inst_number: np.ndarray | None = None
    inst_due: np.ndarray | None = None
    inst_principal: np.ndarray | None = None
    inst_interest: np.ndarray | None = None
    inst_principal_paid: np.ndarray | None = None
    inst_interest_paid: np.ndarray | None = None
    inst_settled: np.ndarray | None = None
    inst_paid_on: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of loans."""
        return len(self.customer)

    @property
    def codes(self) -> tuple[str, ...]:
        """Product codes, indexed by ``product``."""
        return tuple(p[0] for p in LOAN_PRODUCTS)


def generate_loan_terms(scale: Scale, seed: int, window: Window, customers: Customers) -> Loans:
    """Exactly ``scale.loans`` loan contracts of the products each kind of customer borrows.

    Plants: farm microcredit and joint-guarantee loans for households, mortgages and consumer
    loans for individuals, business loans for sole proprietors, working-capital (interest
    monthly, principal at maturity) and fixed-asset loans for enterprises; principals, rates,
    terms, methods and guarantees as a county bank writes them, disbursed on a day 1-28 (so
    that due dates keep their day) after the customer joined, and still running at some point
    of the 12 months.
    """
    rng = rng_for(seed, "loans")
    c = customers
    propensity = np.array([_BORROWING_PROPENSITY[k] for k in range(4)])[c.kind]
    customer = np.sort(rng.choice(c.n, size=scale.loans, p=propensity / propensity.sum()))
    kind = c.kind[customer]
    product = np.zeros(scale.loans, dtype=np.int64)
    for k in range(4):
        mask = kind == k
        weights = np.array([p[1].get(k, 0.0) for p in LOAN_PRODUCTS])
        product[mask] = choose(rng, weights, mask.sum())
    principal = np.zeros(scale.loans, dtype=np.int64)
    rate = np.zeros(scale.loans, dtype=np.int64)
    term = np.zeros(scale.loans, dtype=np.int64)
    method = np.zeros(scale.loans, dtype=np.int64)
    guarantee = np.zeros(scale.loans, dtype=np.int64)
    purpose = np.empty(scale.loans, dtype=object)
    for index, (code, _, median, sigma, step, (low, high), terms, methods, guarantees) in enumerate(LOAN_PRODUCTS):
        mask = product == index
        m = int(mask.sum())
        if median is None:
            share_low, share_high = _SALES_SHARE[code]
            sales = c.income[customer[mask]] // 100
            principal[mask] = np.maximum(np.rint(sales * rng.uniform(share_low, share_high, m) / step) * step, step * 20).astype(np.int64) * 100
        else:
            principal[mask] = lognormal_yuan(rng, median, sigma, m, step=step)
        grid = np.arange(int(low * 10_000), int(high * 10_000) + 1, _RATE_STEP)
        rate[mask] = grid[rng.integers(0, len(grid), m)]
        term[mask] = np.array(list(terms))[choose(rng, list(terms.values()), m)]
        method[mask] = choose(rng, methods, m)
        guarantee[mask] = choose(rng, guarantees, m)
        purposes = LOAN_PURPOSES[code]
        purpose[mask] = np.array(purposes)[rng.integers(0, len(purposes), m)]

    # Elapsed time since disbursement: up to the term plus ten months (so some loans matured
    # within the 12 months), at most eight years for long loans; never before the customer joined.
    last = window.last
    elapsed = (rng.random(scale.loans) * np.minimum(term * 30.4 + 300, 8 * 365)).astype(np.int64)
    disbursed = last - 1 - elapsed
    since = c.since[customer]
    late = disbursed < since
    disbursed[late] = since[late] + (rng.random(late.sum()) * (last - 1 - since[late])).astype(np.int64)
    _, _, day = ymd(disbursed)
    disbursed = disbursed - np.maximum(day - 28, 0)
    disbursed = np.maximum(disbursed, since)
    _, _, day = ymd(disbursed)
    first_due = add_months(disbursed, 1, anchor_day=day)
    maturity = add_months(first_due, term - 1, anchor_day=ymd(first_due)[2])
    return Loans(
        customer=customer, product=product, principal=principal, rate=rate, term=term, method=method,
        guarantee=guarantee, purpose=purpose, disbursed=disbursed, first_due=first_due, maturity=maturity,
    )


def monthly_share(principal_fen: int, rate_millionths: int, months: int, method: int) -> int:
    """The fixed amount of a non-final month in fen, exactly as the domain computes it.

    The payment for equal instalments (``P r (1+r)^n / ((1+r)^n - 1)``, r = rate / 12, in
    ``Decimal`` at 50 digits, rounded half-up to the fen), the principal ``P / n`` for equal
    principal, nothing for a bullet.
    """
    if method == BULLET:
        return 0
    if method == EQUAL_PRINCIPAL or rate_millionths == 0:
        return (2 * principal_fen + months) // (2 * months)
    with localcontext(prec=50):
        principal = Decimal(principal_fen).scaleb(-2)
        monthly_rate = Decimal(rate_millionths).scaleb(-6) / 12
        growth = (1 + monthly_rate) ** months
        return int(round_yuan(principal * monthly_rate * growth / (growth - 1)).scaleb(2))


def schedule(loans: Loans) -> None:
    """Fill the loans' instalments due: the domain's repayment rules, column-wise.

    Interest of a month = opening principal x rate / 12, half-up to the fen; a non-final
    month repays the fixed share (less the interest, for equal instalments), never more than
    is owed; the last month repays what is left; due dates are monthly on the first due day.
    """
    share = np.array(
        [monthly_share(int(p), int(r), int(t), int(m)) for p, r, t, m in zip(loans.principal, loans.rate, loans.term, loans.method, strict=True)],
        dtype=np.int64,
    )
    anchor = ymd(loans.first_due)[2]
    opening = loans.principal.copy()
    parts: list[tuple[np.ndarray, ...]] = []
    active = np.arange(loans.n)
    for number in range(1, int(loans.term.max()) + 1):
        active = active[loans.term[active] >= number]
        o = opening[active]
        interest = (2 * o * loans.rate[active] + 12_000_000) // 24_000_000
        fixed = np.where(loans.method[active] == EQUAL_INSTALMENT, share[active] - interest, share[active])
        repaid = np.where(loans.term[active] == number, o, np.minimum(fixed, o))
        due = add_months(loans.first_due[active], number - 1, anchor_day=anchor[active])
        parts.append((active, np.full(len(active), number), due, repaid, interest))
        opening[active] = o - repaid
    loan, number, due, principal, interest = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.lexsort((number, loan))
    loans.inst_loan, loans.inst_number, loans.inst_due = loan[order], number[order], due[order]
    loans.inst_principal, loans.inst_interest = principal[order], interest[order]


def pay(seed: int, window: Window, loans: Loans, fates: Fates) -> None:
    """Record what was paid against each instalment by ``as_of``.

    Instalments are paid on their due day, a few late by up to nine days (still unpaid at
    ``as_of`` if that is later); a deteriorating borrower pays nothing due from their
    ``missing_from`` day on, except sometimes the interest of the first instalment missed.
    """
    rng = rng_for(seed, "loans", 1)
    as_of = window.last
    customer = loans.customer[loans.inst_loan]
    due = loans.inst_due
    n = len(due)
    late = np.where(rng.random(n) < _LATE_SHARE, rng.integers(1, 10, n), 0)
    paid_on = due + late
    missing = fates.declining[customer] & (due >= fates.missing_from[customer])
    paid = (paid_on <= as_of) & ~missing
    first_missing = missing & np.r_[True, ~missing[:-1] | (loans.inst_loan[1:] != loans.inst_loan[:-1])]
    interest_only = first_missing & (due <= as_of) & (rng.random(n) < 0.4)
    loans.inst_principal_paid = np.where(paid, loans.inst_principal, 0)
    loans.inst_interest_paid = np.where(paid | interest_only, loans.inst_interest, 0)
    loans.inst_settled = np.where(paid, paid_on, -1)
    loans.inst_paid_on = np.where(paid, paid_on, np.where(interest_only, due, -1))


def loan_status(loans: Loans, last: int) -> dict[str, np.ndarray]:
    """Outstanding principal, days past due and the day repaid in full (-1) of every loan.

    Days past due count from the oldest instalment due by ``as_of`` and not fully paid.
    """
    repaid = group_sum(loans.inst_loan, loans.inst_principal_paid, loans.n)
    short = (loans.inst_due <= last) & (loans.inst_principal_paid + loans.inst_interest_paid < loans.inst_principal + loans.inst_interest)
    oldest = np.full(loans.n, np.iinfo(np.int64).max)
    np.minimum.at(oldest, loans.inst_loan[short], loans.inst_due[short])
    settled = group_sum(loans.inst_loan, loans.inst_settled >= 0, loans.n)
    last_settled = np.full(loans.n, -1, dtype=np.int64)
    np.maximum.at(last_settled, loans.inst_loan, loans.inst_settled)
    return {
        "outstanding": loans.principal - repaid,
        "days_past_due": np.where(oldest <= last, last - oldest, 0),
        "repaid_on": np.where(settled == loans.term, last_settled, -1),
    }


def contract_numbers(loans: Loans, index: np.ndarray) -> np.ndarray:
    """Contract numbers of loans at ``index``: HT, the year of disbursement, the loan id."""
    year = ymd(loans.disbursed[index])[0]
    return np.array([f"HT{y}{i + 1:08d}" for y, i in zip(year.tolist(), np.asarray(index).tolist(), strict=True)], dtype=object).astype(str)
