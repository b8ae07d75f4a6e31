"""The catalogue and what each customer holds: accounts, deposits, cards, wealth, loans, bills, services.

Holdings get ids in customer order (each customer's main account first), so a chunk of
customers owns one contiguous range of holdings. Debit cards (individual deposit accounts)
and credit cards carry Luhn-valid numbers; other accounts are numbered by outlet and product.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import polars as pl

from rmdesk.products.models import ProductFamily
from rmdesk.synthetic.generate.common import Window, add_months, day_of, lognormal_yuan, rng_for
from rmdesk.synthetic.generate.customers import ENTERPRISE, FARMER, INDIVIDUAL, RETIRED, SOLE_PROPRIETOR, Customers
from rmdesk.synthetic.generate.fates import Fates
from rmdesk.synthetic.generate.identity import luhn_numbers, numbered
from rmdesk.synthetic.generate.loans import LOAN_PRODUCTS, Loans
from rmdesk.synthetic.names import ACCOUNT_PREFIX, CREDIT_CARD_BIN, DEBIT_CARD_BIN, PRODUCTS

MAIN, TIME, WEALTH, CARD, LOAN, BILL, DISCOUNT, SERVICE = range(8)
CODES = tuple(p[0] for p in PRODUCTS)
FAMILIES = tuple(p[1] for p in PRODUCTS)
_CREDIT_LIKE = frozenset(ProductFamily.credit_families()) | {ProductFamily.ACCEPTANCE_BILL.value}
_NO_BALANCE = frozenset(
    {ProductFamily.PAYROLL_AGENCY.value, ProductFamily.SETTLEMENT.value, ProductFamily.E_BANKING.value, ProductFamily.INSURANCE_AGENCY.value}
)
_LAUNCHED = {"DP03": datetime.date(2015, 6, 15), "CC01": datetime.date(2016, 5, 1), "WM01": datetime.date(2015, 1, 5), "WM02": datetime.date(2017, 3, 1),
             "ST02": datetime.date(2018, 9, 1), "EB01": datetime.date(2013, 6, 1), "EB11": datetime.date(2011, 3, 1), "IA01": datetime.date(2009, 7, 1)}
_FOUNDED = datetime.date(1996, 1, 1)
"""The bank's products date from its founding unless ``_LAUNCHED`` says otherwise."""


def launched_on(code: str) -> datetime.date:
    """The day a product was launched."""
    return _LAUNCHED.get(code, _FOUNDED)


def products_frame() -> pl.DataFrame:
    """The catalogue: one product of every family (rmdesk.products.models.ProductFamily) and more."""
    return pl.DataFrame(
        {
            "id": np.arange(1, len(PRODUCTS) + 1, dtype=np.int64),
            "code": list(CODES),
            "family": list(FAMILIES),
            "name_zh": [p[2] for p in PRODUCTS],
            "name_en": [p[3] for p in PRODUCTS],
            "for_individuals": [p[4] for p in PRODUCTS],
            "for_organisations": [p[5] for p in PRODUCTS],
            "launched_on": [launched_on(c) for c in CODES],
            "withdrawn_on": pl.Series([None] * len(PRODUCTS), dtype=pl.Date),
        }
    )


@dataclass
class Holdings:
    """Every holding (index ``id - 1``), in customer order, and the plan of its money.

    ``amount`` is what the holding starts with in fen: the balance carried into the window (or
    first deposited, if opened within it) of deposits and wealth, a card's monthly spending, a
    bill's face value; ``matures`` the day a bill or discount falls due, or a time deposit
    that matures within the window does (-1 otherwise); ``closes`` the day a drifting
    customer closes it (-1 if not).
    """

    customer: np.ndarray
    product: np.ndarray
    role: np.ndarray
    opened: np.ndarray
    amount: np.ndarray
    matures: np.ndarray
    closes: np.ndarray
    loan: np.ndarray
    account: np.ndarray
    main: np.ndarray

    @property
    def n(self) -> int:
        """Number of holdings."""
        return len(self.customer)

    @property
    def credit_like(self) -> np.ndarray:
        """Whether money out (a debit) raises the balance: what the customer owes."""
        return np.isin(np.array(FAMILIES)[self.product], list(_CREDIT_LIKE))

    @property
    def has_balance(self) -> np.ndarray:
        """Whether the holding has a balance at all (services have none)."""
        return ~np.isin(np.array(FAMILIES)[self.product], list(_NO_BALANCE))


def _opened(rng: np.random.Generator, since: np.ndarray, code_index: np.ndarray, last: int) -> np.ndarray:
    launched = np.array([day_of(launched_on(c)) for c in CODES])[code_index]
    start = np.maximum(since, launched)
    return start + (rng.random(len(since)) ** 1.5 * np.maximum(last - start, 0)).astype(np.int64)


def generate_holdings(seed: int, window: Window, customers: Customers, loans: Loans, fates: Fates) -> Holdings:
    """Each customer's holdings with open days, planned amounts and account numbers.

    Plants: a main current account for everyone (a debit card for people, a basic account for
    firms); time deposits, certificates of deposit and wealth products for savers; credit
    cards; one holding per loan; acceptance bills and discounts for enterprises; payroll agency,
    POS and QR-code collection, e-banking and insurance agency as services. Drifting customers
    redeem time deposits and wealth after onset, and those without credit close the main
    account (with its services) two to five months after onset, within the window.
    """
    rng = rng_for(seed, "holdings")
    c = customers
    n = c.n
    last = window.last
    person = c.kind >= FARMER
    code = {code: i for i, code in enumerate(CODES)}
    rows: list[tuple[np.ndarray, ...]] = []

    def add(owner: np.ndarray, product: np.ndarray | int, role: int, opened: np.ndarray, amount=None, matures=None, loan=None) -> None:
        k = len(owner)
        rows.append((
            owner, np.broadcast_to(product, k).astype(np.int64), np.full(k, role), opened,
            np.zeros(k, np.int64) if amount is None else amount, np.full(k, -1) if matures is None else matures,
            np.full(k, -1) if loan is None else loan,
        ))

    everyone = np.arange(n)
    add(everyone, np.where(person, code["DP01"], code["DP11"]), MAIN, c.since, c.balance)
    saver = np.flatnonzero(rng.random(n) < np.where(person, np.where((c.kind == INDIVIDUAL) & (c.role == RETIRED), 0.4, 0.22), 0.2))
    td = np.where(person[saver], code["DP02"], code["DP12"])
    td_amount = np.where(person[saver], lognormal_yuan(rng, 50_000, 0.9, len(saver), 1_000), c.income[saver] // 1000 * rng.integers(40, 150, len(saver)) // 100 * 100)
    td_opened = _opened(rng, c.since[saver], td, last)
    # A quarter of the time deposits opened before the window mature in it and go back home.
    td_matures = np.where((td_opened < window.first) & (rng.random(len(saver)) < 0.25), rng.integers(window.first + 10, last, len(saver)), -1)
    add(saver, td, TIME, td_opened, np.maximum(td_amount, 100_000), td_matures)
    rich = np.flatnonzero(person & (c.balance > 10_000_000) & (rng.random(n) < 0.3))
    add(rich, code["DP03"], TIME, _opened(rng, c.since[rich], np.full(len(rich), code["DP03"]), last), lognormal_yuan(rng, 300_000, 0.5, len(rich), 10_000) + 20_000_000)
    investor = np.flatnonzero(rng.random(n) < np.where(c.balance > 5_000_000, 0.25, np.where(person, 0.05, 0.04)))
    wm = np.where(rng.random(len(investor)) < 0.6, code["WM01"], code["WM02"])
    add(investor, wm, WEALTH, _opened(rng, c.since[investor], wm, last), lognormal_yuan(rng, 100_000, 0.9, len(investor), 1_000) + 1_000_000)
    salaried = c.monthly_pay > 0
    carded = np.flatnonzero(person & (rng.random(n) < np.where(salaried, 0.25, np.where(c.kind == FARMER, 0.05, 0.08))))
    add(carded, code["CC01"], CARD, _opened(rng, c.since[carded], np.full(len(carded), code["CC01"]), last), lognormal_yuan(rng, 2_500, 0.8, len(carded), 10))
    loan_codes = np.array([code[p[0]] for p in LOAN_PRODUCTS])
    add(loans.customer, loan_codes[loans.product], LOAN, loans.disbursed, loans.principal, loan=np.arange(loans.n))
    big = np.flatnonzero((c.kind == ENTERPRISE) & (c.income >= 500_000_000) & (rng.random(n) < 0.3))
    drawer = np.repeat(big, rng.integers(1, 4, len(big)))
    issued = last - rng.integers(0, 300, len(drawer))
    issued = np.maximum(issued, c.since[drawer])
    bill_matures = add_months(issued, 6)
    add(drawer, code["BA01"], BILL, issued, c.income[drawer] // 10_000 * rng.integers(300, 800, len(drawer)) // 1_000_000 * 1_000_000 + 10_000_000, bill_matures)
    holder = np.flatnonzero(((c.kind == ENTERPRISE) & (rng.random(n) < 0.08)) | ((c.kind == SOLE_PROPRIETOR) & (rng.random(n) < 0.02)))
    discounted = np.maximum(last - rng.integers(0, 330, len(holder)), c.since[holder])
    discount_matures = discounted + rng.integers(60, 181, len(holder))
    add(holder, code["BD01"], DISCOUNT, discounted, c.income[holder] // 10_000 * rng.integers(200, 600, len(holder)) // 100_000 * 100_000 + 5_000_000, discount_matures)
    payroll = np.flatnonzero((c.kind == ENTERPRISE) & (c.employees >= 10) & (rng.random(n) < 0.5))
    qr = np.flatnonzero((c.kind == SOLE_PROPRIETOR) & (rng.random(n) < 0.8))
    pos = np.flatnonzero(((c.kind == SOLE_PROPRIETOR) & (rng.random(n) < 0.4)) | ((c.kind == ENTERPRISE) & np.isin(c.section, ["F", "H"]) & (rng.random(n) < 0.3)))
    online = np.flatnonzero(rng.random(n) < np.where(person, np.where(c.kind == INDIVIDUAL, 0.7, 0.45), 0.9))
    insured = np.flatnonzero(rng.random(n) < np.where(person, 0.06, 0.1))
    for owners, product in (
        (payroll, np.full(len(payroll), code["PA01"])),
        (qr, np.full(len(qr), code["ST02"])),
        (pos, np.full(len(pos), code["ST01"])),
        (online, np.where(person[online], code["EB01"], code["EB11"])),
        (insured, np.full(len(insured), code["IA01"])),
    ):
        add(owners, product, SERVICE, _opened(rng, c.since[owners], product, last))

    owner, product, role, opened, amount, matures, loan = (np.concatenate(col) for col in zip(*rows, strict=True))
    order = np.lexsort((opened, role, owner))
    owner, product, role, opened, amount, matures, loan = (a[order] for a in (owner, product, role, opened, amount, matures, loan))
    total = len(owner)
    main = np.flatnonzero(role == MAIN)
    closes = _drift_closures(rng, window, fates, owner, role, opened)
    return Holdings(
        customer=owner, product=product, role=role, opened=opened, amount=amount, matures=matures, closes=closes,
        loan=loan, account=_account_numbers(owner, product, c, total), main=main,
    )


def _drift_closures(rng: np.random.Generator, window: Window, fates: Fates, owner: np.ndarray, role: np.ndarray, opened: np.ndarray) -> np.ndarray:
    n_holdings = len(owner)
    onset = fates.drift_onset[owner]
    drifting = fates.drifting[owner]
    closes = np.full(n_holdings, -1, dtype=np.int64)
    savings = drifting & np.isin(role, (TIME, WEALTH))
    redeemed = onset + rng.integers(5, 61, n_holdings)
    closes[savings & (redeemed < window.last)] = redeemed[savings & (redeemed < window.last)]
    in_debt = np.zeros(len(fates.drifting), dtype=bool)
    in_debt[owner[np.isin(role, (CARD, LOAN, BILL, DISCOUNT))]] = True
    leaving = fates.drifting & ~in_debt & (rng.random(len(fates.drifting)) < 0.5)
    leave_on = fates.drift_onset + rng.integers(60, 151, len(fates.drifting))
    leaving &= leave_on < window.last
    # The main account and its services close together; savings left by then go too.
    with_main = leaving[owner] & np.isin(role, (MAIN, SERVICE, TIME, WEALTH))
    closes[with_main] = np.where(closes[with_main] >= 0, np.minimum(closes[with_main], leave_on[owner][with_main]), leave_on[owner][with_main])
    # A holding opened after the day it would close stays open: the customer took it up again.
    closes[closes <= opened] = -1
    return closes


def _account_numbers(owner: np.ndarray, product: np.ndarray, customers: Customers, total: int) -> np.ndarray:
    serial = np.arange(total, dtype=np.int64)
    accounts = np.empty(total, dtype=object)
    debit = product == CODES.index("DP01")
    credit = product == CODES.index("CC01")
    accounts[debit] = luhn_numbers(DEBIT_CARD_BIN, serial[debit], 19)
    accounts[credit] = luhn_numbers(CREDIT_CARD_BIN, serial[credit], 16)
    other = ~(debit | credit)
    # 8020 + outlet (2 digits) + product (2 digits) + serial (10 digits).
    outlet_product = (customers.township[owner[other]] + 1) * 100 + product[other] + 10
    accounts[other] = numbered(ACCOUNT_PREFIX, outlet_product * 10_000_000_000 + serial[other], 14)
    return accounts.astype(str)
