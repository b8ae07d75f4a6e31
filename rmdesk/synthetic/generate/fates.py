"""What happens to customers during the 12 months: some borrowers deteriorate, some customers drift.

These are the truths the bank plants so that early warning and attrition detection can be
scored: each has an onset day inside the window, and the flows, the repayments and the
account manager's notes follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmdesk.synthetic.generate.common import Window, rng_for
from rmdesk.synthetic.names import OTHER_BANKS
from rmdesk.synthetic.scales import Scale


@dataclass(frozen=True)
class Fates:
    """Per customer (index ``id - 1``): who deteriorates or drifts, from when, and how.

    Deteriorating borrowers' inflows fall after ``decline_onset`` to ``decline_to`` per mille of
    their former level over two months, and they stop paying instalments due from
    ``missing_from``, some weeks later. Drifting customers move their business to bank
    ``drift_bank`` (index into ``OTHER_BANKS``) from ``drift_onset``: salary and sales go there,
    balances are drained and products closed. Days are -1 where a fate does not apply.
    """

    declining: np.ndarray
    decline_onset: np.ndarray
    decline_to: np.ndarray
    missing_from: np.ndarray
    drifting: np.ndarray
    drift_onset: np.ndarray
    drift_bank: np.ndarray


def generate_fates(scale: Scale, seed: int, window: Window, since: np.ndarray, active_borrower: np.ndarray) -> Fates:
    """Choose the deteriorating borrowers and the drifting customers and their onset days.

    Plants: ``deteriorating_share`` of the borrowers with a loan still running at ``as_of``
    (onset between one month into the window and six weeks before its end; instalments missed
    from three to eight weeks after onset), and ``drifting_share`` of the other customers who
    had been customers for at least three months at onset (onset between two months into the
    window and a month before its end).
    """
    rng = rng_for(seed, "truth")
    n = len(since)
    first, last = window.first, window.last
    borrowers = np.flatnonzero(active_borrower)
    declining = np.zeros(n, dtype=bool)
    declining[rng.choice(borrowers, size=int(round(len(borrowers) * scale.deteriorating_share)), replace=False)] = True
    decline_onset = np.where(declining, rng.integers(first + 30, last - 45, n), -1)
    decline_to = np.where(declining, rng.integers(200, 600, n), 1000)
    missing_from = np.where(declining, decline_onset + rng.integers(21, 57, n), -1)

    drift_onset_all = rng.integers(first + 60, last - 30, n)
    eligible = np.flatnonzero(~declining & (since < drift_onset_all - 90))
    drifting = np.zeros(n, dtype=bool)
    drifting[rng.choice(eligible, size=min(len(eligible), int(round(n * scale.drifting_share))), replace=False)] = True
    return Fates(
        declining=declining,
        decline_onset=decline_onset,
        decline_to=decline_to,
        missing_from=missing_from,
        drifting=drifting,
        drift_onset=np.where(drifting, drift_onset_all, -1),
        drift_bank=rng.integers(0, len(OTHER_BANKS), n),
    )


def decline_factor(fates: Fates, owners: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Per mille of the former inflow that a deteriorating customer still receives on a day.

    1000 before onset; then falling in a straight line over 60 days to the customer's
    ``decline_to``, and staying there.
    """
    onset = fates.decline_onset[owners]
    floor = fates.decline_to[owners]
    progress = np.clip(days - onset, 0, 60)
    factor = 1000 - (1000 - floor) * progress // 60
    return np.where(fates.declining[owners], factor, 1000)


def moved_on(fates: Fates, customer: np.ndarray) -> np.ndarray:
    """Day a drifting customer's salary or sales start going to the other bank (-1 if never).

    Up to a month after onset: the pay office or the buyers take a while to change accounts.
    """
    customer = np.asarray(customer, dtype=np.int64)
    onset = fates.drift_onset[customer]
    return np.where(onset >= 0, onset + (customer * 7919) % 31, -1)
