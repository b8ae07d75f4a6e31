"""How customers are linked: groups, related parties, families, guarantors and guarantee circles.

A relationship row reads "from_customer is <kind> to_customer"; a guarantor row means the
first guarantees the second's loan. Ordinary guarantors are customers without loans of their
own, so they can never close a cycle; the only cycles of guarantor rows are the guarantee
circles (担保圈) planted on purpose, and each closes within the 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from rmdesk.customers.models import RelationshipKind
from rmdesk.synthetic.generate.common import Window, as_dates, rng_for
from rmdesk.synthetic.generate.customers import ENTERPRISE, FARMER, Customers
from rmdesk.synthetic.generate.fates import Fates
from rmdesk.synthetic.generate.loans import GUARANTEE, Loans, contract_numbers
from rmdesk.synthetic.generate.people import People
from rmdesk.synthetic.scales import Scale

_FAMILY_NOTES = ("夫妻", "父子", "母子", "兄弟", "姐妹", "父女", "母女")


@dataclass(frozen=True)
class Circles:
    """The guarantee circles: ``members[k]`` are the customer indexes of circle k in cycle
    order (each guarantees the next, the last the first) and ``onset[k]`` the day it closed."""

    members: list[np.ndarray]
    onset: np.ndarray


def _circles(rng: np.random.Generator, scale: Scale, window: Window, customers: Customers, loans: Loans, fates: Fates) -> tuple[Circles, np.ndarray, np.ndarray]:
    """Choose the circles among guaranteed borrowers; return them with each member's loan."""
    guaranteed = np.flatnonzero(loans.guarantee == GUARANTEE)
    # One guaranteed loan per borrower: their first.
    borrower, first_loan = np.unique(loans.customer[guaranteed], return_index=True)
    loan_of = guaranteed[first_loan]
    recent = loans.disbursed[loan_of] >= window.first
    order = rng.permutation(len(borrower))
    taken = np.zeros(customers.n, dtype=bool)
    members: list[np.ndarray] = []
    loans_of: list[np.ndarray] = []
    onsets = []
    candidates_recent = [i for i in order if recent[i]]
    candidates = list(order)
    for k in range(scale.guarantee_circles):
        size = int(rng.integers(3, 6))
        closer = next((i for i in candidates_recent if not taken[borrower[i]]), None)
        if closer is None:
            break
        picked = [closer]
        taken[borrower[closer]] = True
        # Every third circle takes in a deteriorating borrower: trouble spreads along it.
        if k % 3 == 0:
            declining = next((i for i in candidates if not taken[borrower[i]] and fates.declining[borrower[i]]), None)
            if declining is not None:
                picked.append(declining)
                taken[borrower[declining]] = True
        for i in candidates:
            if len(picked) == size:
                break
            if not taken[borrower[i]]:
                picked.append(i)
                taken[borrower[i]] = True
        if len(picked) < 3:
            break
        who = borrower[np.array(picked)]
        members.append(who)
        loans_of.append(loan_of[np.array(picked)])
        since = np.maximum(loans.disbursed[loan_of[np.array(picked)]], customers.since[np.roll(who, 1)])
        onsets.append(since.max())
    edges_from = np.concatenate([np.roll(m, 1) for m in members]) if members else np.zeros(0, dtype=np.int64)
    edges_to = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
    edge_loan = np.concatenate(loans_of) if members else np.zeros(0, dtype=np.int64)
    return Circles(members=members, onset=np.array(onsets, dtype=np.int64)), np.stack([edges_from, edges_to]), edge_loan


def generate_links(scale: Scale, seed: int, window: Window, customers: Customers, people: People, loans: Loans, fates: Fates) -> tuple[pl.DataFrame, Circles]:
    """Relationships between customers, and the guarantee circles planted among them.

    Plants: enterprise groups (members to the group's largest firm), enterprises owned by an
    individual customer (related parties), family members among households in the same
    township, a guarantor customer without loans of their own for most guaranteed loans, and
    ``scale.guarantee_circles`` circles of three to five borrowers, a third of them with a
    deteriorating member, each closed by a loan disbursed within the 12 months.
    """
    rng = rng_for(seed, "links")
    c = customers
    since = c.since
    rows_from, rows_to, rows_kind, rows_since, rows_note = [], [], [], [], []

    def add(frm: np.ndarray, to: np.ndarray, kind: str, on: np.ndarray, note: np.ndarray | str) -> None:
        rows_from.append(frm)
        rows_to.append(to)
        rows_kind.append(np.full(len(frm), kind, dtype=object))
        rows_since.append(on)
        rows_note.append(np.broadcast_to(np.asarray(note, dtype=object), len(frm)))

    firms = np.flatnonzero(c.kind == ENTERPRISE)
    shuffled = rng.permutation(firms)
    n_groups = len(firms) // 25
    for g in range(n_groups):
        group = shuffled[g * 4 : g * 4 + int(rng.integers(2, 5))]
        parent = group[np.argmax(c.income[group])]
        members = group[group != parent]
        add(members, np.full(len(members), parent), RelationshipKind.GROUP_MEMBER.value, np.maximum(since[members], since[parent]), "集团成员")

    add(people.owned_firm, people.owner_customer, RelationshipKind.RELATED_PARTY.value, np.maximum(since[people.owned_firm], since[people.owner_customer]), "法定代表人为本行个人客户")

    households = np.flatnonzero(c.kind >= FARMER)
    by_township = households[np.lexsort((rng.random(len(households)), c.township[households]))]
    pairs = by_township[: len(by_township) // 2 * 2].reshape(-1, 2)
    pairs = pairs[(c.township[pairs[:, 0]] == c.township[pairs[:, 1]]) & (rng.random(len(pairs)) < 0.06)]
    add(pairs[:, 0], pairs[:, 1], RelationshipKind.FAMILY.value, np.maximum(since[pairs[:, 0]], since[pairs[:, 1]]), np.array(_FAMILY_NOTES, dtype=object)[rng.integers(0, len(_FAMILY_NOTES), len(pairs))])

    circles, (edge_from, edge_to), edge_loan = _circles(rng, scale, window, c, loans, fates)
    in_circle = np.zeros(c.n, dtype=bool)
    in_circle[edge_to] = True
    borrowers = np.zeros(c.n, dtype=bool)
    borrowers[loans.customer] = True
    guaranteed = np.flatnonzero((loans.guarantee == GUARANTEE) & ~in_circle[loans.customer] & (rng.random(loans.n) < 0.6))
    free = np.flatnonzero(~borrowers)
    guarantor = free[rng.integers(0, len(free), len(guaranteed))] if len(free) else np.zeros(0, dtype=np.int64)
    guaranteed = guaranteed[: len(guarantor)]
    debtor = loans.customer[guaranteed]
    distinct = guarantor != debtor
    guaranteed, guarantor, debtor = guaranteed[distinct], guarantor[distinct], debtor[distinct]
    notes = np.char.add(np.char.add("为借款合同", contract_numbers(loans, guaranteed).astype(str)), "提供连带责任保证")
    add(guarantor, debtor, RelationshipKind.GUARANTOR.value, np.maximum(loans.disbursed[guaranteed], since[guarantor]), notes.astype(object))
    circle_notes = np.char.add(np.char.add("为借款合同", contract_numbers(loans, edge_loan).astype(str)), "提供连带责任保证（互保）")
    add(edge_from, edge_to, RelationshipKind.GUARANTOR.value, np.maximum(loans.disbursed[edge_loan], since[edge_from]), circle_notes.astype(object))

    frm = np.concatenate(rows_from).astype(np.int64)
    to = np.concatenate(rows_to).astype(np.int64)
    order = np.lexsort((to, frm))
    n = len(frm)
    frame = pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "from_customer_id": frm[order] + 1,
            "to_customer_id": to[order] + 1,
            "kind": np.concatenate(rows_kind)[order].astype(str),
            "since": as_dates(np.concatenate(rows_since)[order]),
            "ended_on": pl.Series([None] * n, dtype=pl.Date),
            "note": np.concatenate(rows_note)[order].astype(str),
        }
    )
    return frame, circles
