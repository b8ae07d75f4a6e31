"""The truth the bank planted, one row per customer and fact, for scoring detection later.

``onset_on`` is the day the fact began (a borrower's business turning bad, a customer starting
to leave, a guarantee circle closing); ``detail`` says how, so that a detector's hit can be
checked against the signals that were really there.
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl

from rmdesk.synthetic.generate.common import Window, as_dates, date_of
from rmdesk.synthetic.generate.customers import INDIVIDUAL, RETIRED, Customers
from rmdesk.synthetic.generate.fates import Fates, moved_on
from rmdesk.synthetic.generate.holdings import MAIN, TIME, WEALTH, Holdings
from rmdesk.synthetic.generate.links import Circles
from rmdesk.synthetic.generate.loans import Loans, contract_numbers
from rmdesk.synthetic.models import PlantedTruthKind
from rmdesk.synthetic.names import OTHER_BANKS


def _number(index: int) -> str:
    return f"C{index + 1:010d}"


def _json(detail: dict) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True)


def generate_truths(window: Window, customers: Customers, loans: Loans, status: dict[str, np.ndarray], fates: Fates, holdings: Holdings, circles: Circles) -> pl.DataFrame:
    """Planted truths (without their seed run): deteriorating borrowers, drifting customers and
    members of guarantee circles, each with the day it began and how it shows."""
    last = window.last
    customer, kind, onset, detail = [], [], [], []
    contracts = contract_numbers(loans, np.arange(loans.n))
    missing = fates.declining[loans.customer[loans.inst_loan]] & (loans.inst_due >= fates.missing_from[loans.customer[loans.inst_loan]])
    first_missed = np.full(customers.n, np.iinfo(np.int64).max)
    np.minimum.at(first_missed, loans.customer[loans.inst_loan[missing]], loans.inst_due[missing])
    for i in np.flatnonzero(fates.declining).tolist():
        mine = np.flatnonzero(loans.customer == i)
        missed = first_missed[i] <= last
        customer.append(i)
        kind.append(PlantedTruthKind.DETERIORATING_BORROWER.value)
        onset.append(fates.decline_onset[i])
        detail.append(_json({
            "signals": ["inflows_fall", "missed_instalments"] if missed else ["inflows_fall"],
            "inflows_fall_to_per_mille": int(fates.decline_to[i]),
            "stops_paying_from": date_of(fates.missing_from[i]).isoformat(),
            "first_missed_due_on": date_of(first_missed[i]).isoformat() if missed else None,
            "days_past_due": int(status["days_past_due"][mine].max()),
            "loans": contracts[mine].tolist(),
        }))

    closing = holdings.closes >= 0
    savings_closed = np.zeros(customers.n, dtype=bool)
    savings_closed[holdings.customer[closing & np.isin(holdings.role, (TIME, WEALTH))]] = True
    main_closes = np.full(customers.n, -1, dtype=np.int64)
    main_rows = closing & (holdings.role == MAIN)
    main_closes[holdings.customer[main_rows]] = holdings.closes[main_rows]
    moved = moved_on(fates, np.arange(customers.n))
    for i in np.flatnonzero(fates.drifting).tolist():
        signals = ["balance_drained"]
        if customers.kind[i] == INDIVIDUAL:
            pensioner = customers.role[i] == RETIRED
            signals.insert(0, "pension_moved" if pensioner else "salary_moved" if customers.monthly_pay[i] > 0 else "income_moved")
        else:
            signals.insert(0, "sales_moved")
        if savings_closed[i]:
            signals.append("products_closed")
        if main_closes[i] >= 0:
            signals.append("account_closed")
        customer.append(i)
        kind.append(PlantedTruthKind.DRIFTING_CUSTOMER.value)
        onset.append(fates.drift_onset[i])
        detail.append(_json({
            "signals": signals,
            "to_bank": OTHER_BANKS[fates.drift_bank[i]],
            "moved_on": date_of(min(moved[i], last)).isoformat(),
            "account_closed_on": date_of(main_closes[i]).isoformat() if main_closes[i] >= 0 else None,
        }))

    for k, members in enumerate(circles.members):
        numbers = [_number(m) for m in members.tolist()]
        with_declining = bool(fates.declining[members].any())
        for position, member in enumerate(members.tolist()):
            customer.append(member)
            kind.append(PlantedTruthKind.GUARANTEE_CIRCLE.value)
            onset.append(circles.onset[k])
            detail.append(_json({
                "circle": k + 1,
                "size": len(members),
                "members": numbers,
                "guarantees": numbers[(position + 1) % len(members)],
                "with_deteriorating_member": with_declining,
            }))

    customer = np.array(customer, dtype=np.int64)
    order = np.lexsort((np.array(kind, dtype=object).astype(str), customer))
    n = len(order)
    return pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "customer_id": customer[order] + 1,
            "kind": np.array(kind, dtype=object)[order].astype(str),
            "onset_on": as_dates(np.array(onset, dtype=np.int64)[order]),
            "detail": np.array(detail, dtype=object)[order].astype(str),
        }
    )
