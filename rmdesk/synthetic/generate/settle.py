"""Settling a chunk: balances that never go below zero, drifting customers' money leaving, interest.

After the streams are drawn, the chunk's ledger is settled in this order: holdings closed by
drifting customers lose what came after the close; every deposit that would go below zero
gets a larger balance brought in (or a larger first deposit, if opened within the window);
drifting customers move most of their money to their account at the other bank; current
accounts earn quarterly interest; accounts that close are emptied on the day they close.
"""

from __future__ import annotations

import numpy as np

from rmdesk.synthetic.generate.chunk import Chunk
from rmdesk.synthetic.generate.contracts import loan_carry
from rmdesk.synthetic.generate.ledger import CH, P, Balances, Ledger
from rmdesk.synthetic.generate.holdings import CARD, MAIN, TIME, WEALTH
from rmdesk.synthetic.generate.common import ymd

_INTEREST_DAY = 21
"""Current accounts are credited interest on the 21st of March, June, September, December."""
_CURRENT_RATE = 15
"""Current-account interest for a quarter: balance x 15 / 40,000 (0.15% a year)."""


def opening_balances(ch: Chunk) -> tuple[np.ndarray, np.ndarray]:
    """(balance brought in on the day before the window, whether one is) per chunk holding."""
    h = ch.holdings
    rows = slice(ch.h_lo, ch.h_hi)
    carried = h.has_balance[rows] & (h.opened[rows] < ch.window.first)
    opening = np.where(carried & np.isin(h.role[rows], (MAIN, TIME, WEALTH, CARD)), h.amount[rows], 0)
    loan_rows, owed = loan_carry(ch)
    opening[loan_rows - ch.h_lo] = owed
    return opening, carried


def settle(ch: Chunk, rng: np.random.Generator, led: Ledger) -> tuple[Balances, np.ndarray, np.ndarray]:
    """Settle the chunk's ledger (see the module) and return its final balances.

    Returns the balances, the balance each holding brought in and whether it brought one in.
    """
    h, window = ch.holdings, ch.window
    rows = slice(ch.h_lo, ch.h_hi)
    n_holdings = ch.h_hi - ch.h_lo
    credit_like = h.credit_like[rows]
    opening, carried = opening_balances(ch)

    def balances() -> Balances:
        return Balances(led, credit_like, opening, carried, ch.h_lo, window.carry)

    cols = led.columns
    close = h.closes[cols["holding"]]
    led.keep((close < 0) | (cols["day"] <= close))

    deposit = ~credit_like & h.has_balance[rows]
    deficit = np.where(deposit, -balances().lowest(n_holdings), 0)
    cushion = rng.integers(0, 20_000, n_holdings)
    raise_carry = deposit & carried & (deficit > 0)
    opening[raise_carry] += deficit[raise_carry] + cushion[raise_carry]
    new_main = np.flatnonzero((h.role[rows] == MAIN) & ~carried)
    first_deposit = np.maximum(h.amount[rows][new_main] // 5, deficit[new_main] + cushion[new_main])
    first_deposit = np.maximum(first_deposit, 1_000)
    led.add(ch.h_lo + new_main, h.opened[rows][new_main], first_deposit, True, P["cash"], CH["counter"], -1)

    drifting = ch.who(ch.fates.drifting)
    main = ch.main[drifting]
    drain_on = ch.fates.drift_onset[ch.lo + drifting] + rng.integers(10, 41, len(drifting))
    main_close = h.closes[main]
    ok = (drain_on <= window.last) & ((main_close < 0) | (drain_on < main_close))
    share = rng.integers(500, 901, len(drifting))
    drained = balances().lowest_from(main[ok], drain_on[ok]) * share[ok] // 1000
    led.add(main[ok], drain_on[ok], drained, False, P["transfer"], CH["interbank"], ch.elsewhere(drifting[ok]))

    starts = window.month_starts()
    quarter_days = starts[np.isin(ymd(starts)[1], (3, 6, 9, 12))] + _INTEREST_DAY - 1
    quarter_days = quarter_days[(quarter_days >= window.first) & (quarter_days <= window.last)]
    mains = np.repeat(ch.main, len(quarter_days))
    days = np.tile(quarter_days, len(ch.main))
    open_then = (h.opened[mains] < days) & ((h.closes[mains] < 0) | (days < h.closes[mains]))
    mains, days = mains[open_then], days[open_then]
    interest = np.maximum(balances().at(mains, days - 1), 0) * _CURRENT_RATE // 40_000
    led.add(mains, days, interest, True, P["interest"], CH["batch"], -1)

    closing = ch.main[h.closes[ch.main] >= 0]
    close_on = h.closes[closing]
    left = balances().at(closing, close_on)
    led.add(closing, close_on, left, False, P["transfer"], CH["interbank"], ch.elsewhere(h.customer[closing] - ch.lo))
    return balances(), opening, carried
