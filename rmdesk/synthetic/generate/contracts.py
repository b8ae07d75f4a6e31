"""Money that moves because of a contract: cards, loans, time deposits, wealth, bills, discounts.

Each movement is booked on both holdings of the customer it joins (a repayment leaves the main
account and reduces the loan), so every holding's balance is the sum of its transactions.
"""

from __future__ import annotations

import numpy as np

from rmdesk.synthetic.generate.chunk import Chunk
from rmdesk.synthetic.generate.common import fill_days, group_sum, split_totals
from rmdesk.synthetic.generate.holdings import BILL, CARD, CODES, DISCOUNT, LOAN, TIME, WEALTH
from rmdesk.synthetic.generate.ledger import CH, P, Ledger

CARD_SPENDS = 6
"""Card payments a month, times the activity."""
_TIME_DEPOSIT_RATE = 145
"""Interest on a maturing one-year time deposit, per 10,000 (1.45%)."""
_DISCOUNT_RATE = 180
"""Discount rate of acceptance bills, per 10,000 a year (1.8%)."""
_MORTGAGE = CODES.index("LN03")


def _rows(ch: Chunk, role: int) -> np.ndarray:
    """Global indexes of the chunk's holdings of one role."""
    return ch.h_lo + np.flatnonzero(ch.holdings.role[ch.h_lo : ch.h_hi] == role)


def _main_of(ch: Chunk, holdings: np.ndarray) -> np.ndarray:
    """The main account of the customer of each holding."""
    return ch.holdings.main[ch.holdings.customer[holdings]]


def _pair(led: Ledger, ch: Chunk, product: np.ndarray, main: np.ndarray, day: np.ndarray, amount: np.ndarray, into_product: bool, purpose: int, channel) -> None:
    """Book a transfer between a product holding and its customer's main account, both sides.

    ``into_product``: the money leaves the main account for the product (a deposit placed, a
    card or loan repaid); otherwise it comes out of the product (a deposit withdrawn, a loan
    drawn) into the main account.
    """
    led.add(product, day, amount, into_product, purpose, channel, ch.own(main))
    led.add(main, day, amount, not into_product, purpose, channel, ch.own(product))


def _cards(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    cards = _rows(ch, CARD)
    h = ch.holdings
    starts = ch.window.month_starts()[:12]
    counts = rng.poisson(CARD_SPENDS * ch.act, (len(cards), 12))
    card_index = np.repeat(np.arange(len(cards)), 12)
    month = np.tile(np.arange(12), len(cards))
    group = np.repeat(np.arange(len(cards) * 12), counts.ravel())
    event_month = month[group]
    lo = np.maximum(starts[event_month], np.maximum(h.opened[cards[card_index[group]]], ch.window.first))
    hi = np.r_[starts[1:], ch.window.last + 1][event_month] - 1
    day = fill_days(lo, hi, rng.random(len(group)))
    keep = (lo <= hi) & (day <= hi)
    group, day = group[keep], day[keep]
    amount = split_totals(rng, group, np.repeat(h.amount[cards], 12), 0.8)
    holding = cards[card_index[group]]
    how = rng.random(len(group)) < 0.6
    cp = np.where(how, ch.pool.firms[rng.integers(0, len(ch.pool.firms), len(group))], ch.pool.payee["alipay"])
    led.add(holding, day, amount, False, P["living"], np.where(how, CH["pos"], CH["mobile"]), cp)
    # Each month's spending is repaid in full from the main account on the 25th of the next
    # month; last month's spending of a card opened earlier is the balance it brings in.
    spent = group_sum(group, amount, len(cards) * 12)
    repay_day = np.r_[starts[1:], starts[-1] + 31][month] + 24
    carried = h.opened[cards] < ch.window.first
    first_repay = np.full(len(cards), starts[0] + 24)
    repay_card = np.r_[np.repeat(cards, 12), cards[carried]]
    repay_on = np.r_[repay_day, first_repay[carried]]
    repay = np.r_[spent, h.amount[cards][carried]]
    keep = (repay_on <= ch.window.last) & (repay > 0)
    _pair(led, ch, repay_card[keep], _main_of(ch, repay_card[keep]), repay_on[keep], repay[keep], True, P["transfer"], CH["batch"])


def loan_holding_of(ch: Chunk) -> np.ndarray:
    """Global index of the holding of each loan of the chunk, by loan index (-1 elsewhere)."""
    rows = _rows(ch, LOAN)
    out = np.full(ch.loans.n, -1, dtype=np.int64)
    out[ch.holdings.loan[rows]] = rows
    return out


def _loans(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    loans, pool, first, last = ch.loans, ch.pool, ch.window.first, ch.window.last
    holding_of = loan_holding_of(ch)
    chunk_loans = np.flatnonzero(holding_of >= 0)
    new = chunk_loans[loans.disbursed[chunk_loans] >= first]
    loan_h = holding_of[new]
    main = _main_of(ch, loan_h)
    _pair(led, ch, loan_h, main, loans.disbursed[new], loans.principal[new], False, P["loan_drawdown"], CH["counter"])
    # The money is used within ten days: a mortgage goes to the developer on the day, other
    # loans mostly to suppliers.
    mortgage = ch.holdings.product[loan_h] == _MORTGAGE
    use_day = np.minimum(loans.disbursed[new] + np.where(mortgage, 0, rng.integers(0, 11, len(new))), last)
    used = np.where(mortgage, loans.principal[new], loans.principal[new] // 100 * rng.integers(60, 101, len(new)))
    cp = np.where(mortgage, pool.developers[rng.integers(0, len(pool.developers), len(new))], pool.firms[rng.integers(0, len(pool.firms), len(new))])
    led.add(main, use_day, used, False, np.where(mortgage, P["transfer"], P["purchase"]), CH["internet"], cp)

    instalments = np.flatnonzero(np.isin(loans.inst_loan, chunk_loans) & (loans.inst_paid_on >= first) & (loans.inst_paid_on <= last))
    loan_h = holding_of[loans.inst_loan[instalments]]
    main = _main_of(ch, loan_h)
    day = loans.inst_paid_on[instalments]
    led.add(main, day, loans.inst_principal_paid[instalments] + loans.inst_interest_paid[instalments], False, P["loan_repayment"], CH["batch"], ch.own(loan_h))
    led.add(loan_h, day, loans.inst_principal_paid[instalments], True, P["loan_repayment"], CH["batch"], ch.own(main))


def loan_carry(ch: Chunk) -> tuple[np.ndarray, np.ndarray]:
    """(loan holdings, principal they owe on the day before the window) for loans of the chunk
    disbursed earlier."""
    loans = ch.loans
    holding_of = loan_holding_of(ch)
    earlier = np.flatnonzero((holding_of >= 0) & (loans.disbursed < ch.window.first))
    before = (loans.inst_paid_on >= 0) & (loans.inst_paid_on < ch.window.first)
    repaid = group_sum(loans.inst_loan[before], loans.inst_principal_paid[before], loans.n)
    return holding_of[earlier], loans.principal[earlier] - repaid[earlier]


def _savings(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    h, first = ch.holdings, ch.window.first
    rows = np.r_[_rows(ch, TIME), _rows(ch, WEALTH)]
    main = _main_of(ch, rows)
    new = h.opened[rows] >= first
    channel = np.where(rng.random(len(rows)) < 0.5, CH["counter"], CH["mobile"])
    _pair(led, ch, rows[new], main[new], h.opened[rows][new], h.amount[rows][new], True, P["transfer"], channel[new])
    closes, matures = h.closes[rows], h.matures[rows]
    # A drifting customer redeems early and sends the money to the other bank the same day.
    redeemed = (closes >= 0) & ((matures < 0) | (closes < matures))
    r, m, d, amount = rows[redeemed], main[redeemed], closes[redeemed], h.amount[rows][redeemed]
    _pair(led, ch, r, m, d, amount, False, P["transfer"], CH["counter"])
    led.add(m, d, amount, False, P["transfer"], CH["interbank"], ch.elsewhere(h.customer[r] - ch.lo))
    matured = ~redeemed & (matures >= 0) & (matures <= ch.window.last)
    r, m, d, amount = rows[matured], main[matured], matures[matured], h.amount[rows][matured]
    _pair(led, ch, r, m, d, amount, False, P["transfer"], CH["batch"])
    led.add(m, d, amount * _TIME_DEPOSIT_RATE // 10_000, True, P["interest"], CH["batch"], ch.own(r))


def _bills(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    h, pool, last = ch.holdings, ch.pool, ch.window.last
    bills = _rows(ch, BILL)
    supplier = pool.firms[rng.integers(0, len(pool.firms), len(bills))]
    led.add(bills, h.opened[bills], h.amount[bills], False, P["purchase"], CH["counter"], supplier)
    due = h.matures[bills] <= last
    b = bills[due]
    led.add(_main_of(ch, b), h.matures[b], h.amount[b], False, P["purchase"], CH["batch"], supplier[due])
    led.add(b, h.matures[b], h.amount[b], True, P["transfer"], CH["batch"], ch.own(_main_of(ch, b)))

    discounts = _rows(ch, DISCOUNT)
    face = h.amount[discounts]
    days = h.matures[discounts] - h.opened[discounts]
    proceeds = face - face // 10_000 * _DISCOUNT_RATE * days // 365
    main = _main_of(ch, discounts)
    led.add(discounts, h.opened[discounts], face, False, P["transfer"], CH["counter"], ch.own(main))
    led.add(main, h.opened[discounts], proceeds, True, P["transfer"], CH["counter"], ch.own(discounts))
    due = h.matures[discounts] <= last
    acceptor = pool.firms[rng.integers(0, len(pool.firms), int(due.sum()))]
    led.add(discounts[due], h.matures[discounts][due], face[due], True, P["transfer"], CH["interbank"], acceptor)


def contract_flows(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    """Add the chunk's card, loan, savings, bill and discount movements to the ledger."""
    _cards(ch, rng, led)
    _loans(ch, rng, led)
    _savings(ch, rng, led)
    _bills(ch, rng, led)
