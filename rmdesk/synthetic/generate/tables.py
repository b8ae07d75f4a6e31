"""A settled chunk as the frames of the tables it fills: holdings, loans, instalments,
transactions and daily balances, with explicit ids linking them.

Money stays integer fen (rates integer millionths) in these frames; the loader formats it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from rmdesk.synthetic.generate.chunk import Chunk
from rmdesk.synthetic.generate.common import as_dates
from rmdesk.synthetic.generate.contracts import loan_holding_of
from rmdesk.synthetic.generate.customers import INDIVIDUAL, MIGRANT
from rmdesk.synthetic.generate.holdings import BILL, DISCOUNT, LOAN, TIME
from rmdesk.synthetic.generate.identity import luhn_numbers
from rmdesk.synthetic.generate.ledger import CHANNELS, PURPOSES, Balances, Ledger
from rmdesk.synthetic.generate.loans import GUARANTEES, METHODS, contract_numbers
from rmdesk.synthetic.names import BANK_SHORT_NAME, DISTANT_BANKS, OTHER_BANK_CARD_BINS, OTHER_BANKS


def _dates_or_null(days: np.ndarray) -> pl.Series:
    """A Date column with nulls where the day is -1."""
    days = np.asarray(days, dtype=np.int64)
    return pl.select(pl.when(pl.Series(days >= 0)).then(pl.Series(as_dates(np.maximum(days, 0)))).alias("d")).to_series()


def counterparties(ch: Chunk) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Names, accounts and banks of every counterparty index the chunk's transactions use.

    The bank-wide pool, then each holding of the chunk (the customer's own account here), then
    each customer's own account at another bank (a city bank for migrant workers, the bank a
    drifting customer moves to for everyone else), then one empty entry for "none" (-1).
    """
    c, h = ch.customers, ch.holdings
    local = np.arange(ch.lo, ch.hi)
    bins = np.array(OTHER_BANK_CARD_BINS)[local % len(OTHER_BANK_CARD_BINS)]
    accounts = np.empty(len(local), dtype=object)
    for prefix in sorted(set(bins.tolist())):
        mask = bins == prefix
        accounts[mask] = luhn_numbers(prefix, 100_000_000 + local[mask], 19)
    migrant = (c.kind[local] == INDIVIDUAL) & (c.role[local] == MIGRANT)
    banks = np.where(migrant, np.array(DISTANT_BANKS)[local % len(DISTANT_BANKS)], np.array(OTHER_BANKS)[ch.fates.drift_bank[local]])
    holding_owner = h.customer[ch.h_lo : ch.h_hi]
    names = pl.concat([ch.pool.names, pl.Series(c.names[holding_owner].astype(str)), pl.Series(c.names[local].astype(str)), pl.Series([""])])
    accounts = pl.concat([ch.pool.accounts, pl.Series(h.account[ch.h_lo : ch.h_hi]), pl.Series(accounts.astype(str)), pl.Series([""])])
    banks = pl.concat([ch.pool.banks, pl.Series([BANK_SHORT_NAME] * (ch.h_hi - ch.h_lo)), pl.Series(banks.astype(str)), pl.Series([""])])
    return names, accounts, banks


def transactions_frame(ch: Chunk, led: Ledger, first_id: int) -> pl.DataFrame:
    """The chunk's transactions in (holding, day) order, ids from ``first_id``."""
    cols = led.columns
    order = np.lexsort((cols["day"], cols["holding"]))
    holding = cols["holding"][order]
    names, accounts, banks = counterparties(ch)
    cp = cols["cp"][order]
    cp = np.where(cp < 0, len(names) - 1, cp)
    n = len(order)
    return pl.DataFrame(
        {
            "id": np.arange(first_id, first_id + n, dtype=np.int64),
            "holding_id": holding + 1,
            "customer_id": ch.holdings.customer[holding] + 1,
            "booked_on": as_dates(cols["day"][order]),
            "amount": cols["amount"][order],
            "direction": np.where(cols["credit"][order], "C", "D"),
            "counterparty_name": names.gather(cp),
            "counterparty_account": accounts.gather(cp),
            "counterparty_bank": banks.gather(cp),
            "channel": pl.Series(CHANNELS).gather(cols["channel"][order].astype(np.int64)),
            "purpose": pl.Series(PURPOSES).gather(cols["purpose"][order].astype(np.int64)),
        }
    )


def balances_frame(ch: Chunk, balances: Balances, first_id: int) -> pl.DataFrame:
    """End-of-day balances on the days they changed (and the carry row), ids from ``first_id``."""
    changed = balances.changed
    n = int(changed.sum())
    return pl.DataFrame(
        {
            "id": np.arange(first_id, first_id + n, dtype=np.int64),
            "holding_id": balances.holding[changed] + ch.h_lo + 1,
            "on": as_dates(balances.day[changed]),
            "balance": balances.balance[changed],
        }
    )


def holdings_frame(ch: Chunk, balances: Balances, status: dict[str, np.ndarray]) -> pl.DataFrame:
    """The chunk's holdings with their last balance and, if closed, the day they closed."""
    h, last = ch.holdings, ch.window.last
    index = np.arange(ch.h_lo, ch.h_hi)
    local = index - ch.h_lo
    final = np.zeros(len(index), dtype=np.int64)
    is_last = np.r_[balances.holding[1:] != balances.holding[:-1], True] if len(balances.holding) else np.zeros(0, dtype=bool)
    final[balances.holding[is_last]] = balances.balance[is_last]
    role = h.role[index]
    matured = np.isin(role, (TIME, BILL, DISCOUNT)) & (h.matures[index] >= 0) & (h.matures[index] <= last)
    closed = np.where(h.closes[index] >= 0, h.closes[index], np.where(matured, h.matures[index], -1))
    loan = h.loan[index]
    closed = np.where(role == LOAN, status["repaid_on"][np.maximum(loan, 0)], closed)
    as_of = np.where(h.has_balance[index], np.where(closed >= 0, closed, last), -1)
    return pl.DataFrame(
        {
            "id": index + 1,
            "customer_id": h.customer[index] + 1,
            "product_id": h.product[index] + 1,
            "account_number": h.account[index],
            "opened_on": as_dates(h.opened[index]),
            "closed_on": _dates_or_null(closed),
            "balance": final[local],
            "balance_as_of": _dates_or_null(as_of),
        }
    )


def loans_frames(ch: Chunk, status: dict[str, np.ndarray]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The chunk's loan contracts and their instalments, ids = position in the bank + 1."""
    loans, last = ch.loans, ch.window.last
    holding_of = loan_holding_of(ch)
    mine = np.flatnonzero(holding_of >= 0)
    loan_frame = pl.DataFrame(
        {
            "id": mine + 1,
            "holding_id": holding_of[mine] + 1,
            "customer_id": loans.customer[mine] + 1,
            "contract_number": contract_numbers(loans, mine),
            "principal": loans.principal[mine],
            "annual_rate": loans.rate[mine],
            "term_months": loans.term[mine],
            "repayment_method": np.array(METHODS)[loans.method[mine]],
            "guarantee_kind": np.array(GUARANTEES)[loans.guarantee[mine]],
            "purpose": loans.purpose[mine].astype(str),
            "disbursed_on": as_dates(loans.disbursed[mine]),
            "maturity_on": as_dates(loans.maturity[mine]),
            "outstanding_principal": status["outstanding"][mine],
            "days_past_due": status["days_past_due"][mine],
            "status_as_of": as_dates(np.full(len(mine), last)),
        }
    )
    rows = np.flatnonzero(np.isin(loans.inst_loan, mine))
    instalment_frame = pl.DataFrame(
        {
            "id": rows + 1,
            "loan_id": loans.inst_loan[rows] + 1,
            "number": loans.inst_number[rows],
            "due_on": as_dates(loans.inst_due[rows]),
            "principal_due": loans.inst_principal[rows],
            "interest_due": loans.inst_interest[rows],
            "principal_paid": loans.inst_principal_paid[rows],
            "interest_paid": loans.inst_interest_paid[rows],
            "settled_on": _dates_or_null(loans.inst_settled[rows]),
        }
    )
    return loan_frame, instalment_frame
