"""One chunk of customers and the helpers its streams of transactions are drawn with.

Flows are generated a chunk of customers at a time, so that memory stays bounded at county
scale; a chunk owns a contiguous range of customers and of holdings, and its own random
stream, so any chunk can be generated alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from rmdesk.synthetic.generate.common import Window, fill_days, repeat_owners, ymd
from rmdesk.synthetic.generate.counterparties import Pool
from rmdesk.synthetic.generate.customers import Customers
from rmdesk.synthetic.generate.fates import Fates, decline_factor, moved_on
from rmdesk.synthetic.generate.holdings import Holdings
from rmdesk.synthetic.generate.loans import Loans

_DRIFT_KEEPS = 300
"""Per mille of a drifting customer's business still done here after onset."""


@dataclass
class Chunk:
    """Customers ``lo`` to ``hi - 1`` (0-based) and their holdings ``h_lo`` to ``h_hi - 1``.

    ``act`` is the bank-wide multiplier of discretionary activity that brings the number of
    transactions near the scale's target. Counterparty indexes from ``pool_size`` on are the
    chunk's own: each holding of the chunk (``own``), then each customer's own account at
    another bank (``elsewhere``).
    """

    index: int
    lo: int
    hi: int
    h_lo: int
    h_hi: int
    window: Window
    customers: Customers
    holdings: Holdings
    loans: Loans
    fates: Fates
    pool: Pool
    act: float

    @property
    def pool_size(self) -> int:
        """Number of bank-wide counterparties; the chunk's own come after them."""
        return len(self.pool.names)

    @cached_property
    def main(self) -> np.ndarray:
        """Global index of each chunk customer's main account."""
        return self.holdings.main[self.lo : self.hi]

    @cached_property
    def start(self) -> np.ndarray:
        """First day of the window each chunk customer can have flows (from opening on)."""
        return np.maximum(self.window.first, self.holdings.opened[self.main])

    @cached_property
    def moved_on(self) -> np.ndarray:
        """Day a drifting customer's salary or sales move to the other bank (-1 if never)."""
        return moved_on(self.fates, np.arange(self.lo, self.hi))

    def who(self, mask: np.ndarray) -> np.ndarray:
        """Chunk-local indexes of the customers where ``mask`` (over all customers) holds."""
        return np.flatnonzero(mask[self.lo : self.hi])

    def own(self, holding: np.ndarray) -> np.ndarray:
        """Counterparty index of a holding of the chunk (the customer's own other account)."""
        return self.pool_size + np.asarray(holding) - self.h_lo

    def elsewhere(self, local: np.ndarray) -> np.ndarray:
        """Counterparty index of a chunk customer's own account at another bank."""
        return self.pool_size + (self.h_hi - self.h_lo) + np.asarray(local)

    def monthly(self, local: np.ndarray, day_of_month: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One event a month on a fixed day for each customer, within their active days."""
        starts = self.window.month_starts()
        owner = np.repeat(local, len(starts))
        month_end = np.tile(np.r_[starts[1:], starts[-1] + 31], len(local)) - 1
        day = np.minimum(np.tile(starts, len(local)) + np.repeat(day_of_month, len(starts)) - 1, month_end)
        keep = (day >= self.start[owner]) & (day <= self.window.last)
        return owner[keep], day[keep]

    def spread(self, rng: np.random.Generator, local: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``counts[i]`` events for customer ``local[i]`` on days spread over their active days."""
        owner = local[repeat_owners(counts)]
        return owner, fill_days(self.start[owner], np.full(len(owner), self.window.last), rng.random(len(owner)))

    def seasonal(self, rng: np.random.Generator, local: np.ndarray, counts: np.ndarray, month_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Events in calendar months drawn by each customer's ``month_weights`` (rows of 12)."""
        index = repeat_owners(counts)
        owner = local[index]
        cdf = np.cumsum(month_weights, axis=1) / np.maximum(month_weights.sum(axis=1, keepdims=True), 1e-9)
        calendar_month = np.minimum((cdf[index] < rng.random(len(index))[:, None]).sum(axis=1), 11) + 1
        starts = self.window.month_starts()[:12]
        _, start_month, _ = ymd(starts)
        which = (calendar_month - start_month[0]) % 12
        lo = starts[which]
        hi = np.r_[starts[1:], self.window.last + 1][which] - 1
        day = fill_days(lo, hi, rng.random(len(index)))
        keep = (day >= self.start[owner]) & (day <= self.window.last)
        return owner[keep], day[keep]

    def fate(self, local: np.ndarray, day: np.ndarray, inflow: bool) -> np.ndarray:
        """Per mille of the usual amount that a customer's fate leaves on a day.

        Deteriorating borrowers' inflows fall after onset (their outflows fall half as much);
        drifting customers keep a small part of their business here after onset.
        """
        customer = self.lo + local
        factor = decline_factor(self.fates, customer, day)
        if not inflow:
            factor = (1000 + factor) // 2
        drifted = (self.fates.drift_onset[customer] >= 0) & (day >= self.fates.drift_onset[customer])
        return np.where(drifted, _DRIFT_KEEPS, factor)
