"""The account managers' year: visits, calls and meetings, and the documents on file.

Interactions are made by the managers who hold the customer's book at the time (primary or
assisting), on working days in office hours (Beijing time, stored in UTC), weighted towards
firms and borrowers; deteriorating and drifting customers get the notes a manager writes when
they notice. Documents carry the expiry dates that must be watched: identity cards by the
holder's age, collateral insurance yearly, some business licences for a fixed term.
"""

from __future__ import annotations

import datetime

import numpy as np
import polars as pl

from rmdesk.desk.models import DocumentKind, InteractionKind, WorkKind
from rmdesk.synthetic.generate.common import Window, add_months, as_dates, choose, day_of, rng_for, weekday
from rmdesk.synthetic.generate.customers import DAYS_A_YEAR, ENTERPRISE, FARMER, SOLE_PROPRIETOR, Customers
from rmdesk.synthetic.generate.fates import Fates
from rmdesk.synthetic.generate.loans import MORTGAGE, Loans
from rmdesk.synthetic.names import DOCUMENT_TITLES, INTERACTION_SUMMARIES
from rmdesk.synthetic.scales import Scale

_V, _C, _M = InteractionKind.VISIT.value, InteractionKind.CALL.value, InteractionKind.MEETING.value
# (interaction kind, kind of work, share, minutes from, minutes to)
_SORTS = (
    (_V, WorkKind.MARKETING.value, 0.16, 30, 120), (_V, WorkKind.SERVICE.value, 0.12, 20, 90), (_V, WorkKind.CREDIT.value, 0.17, 45, 150),
    (_C, WorkKind.SERVICE.value, 0.25, 3, 20), (_C, WorkKind.MARKETING.value, 0.15, 3, 15),
    (_M, WorkKind.CREDIT.value, 0.08, 30, 120), (_M, WorkKind.BACK_OFFICE.value, 0.07, 30, 90),
)
_VISIT_CREDIT, _CALL_SERVICE = 2, 3
_KIND_WEIGHT = {ENTERPRISE: 6.0, SOLE_PROPRIETOR: 3.0, FARMER: 1.2}
_BEIJING_MINUTES = 8 * 60


def _working_day(days: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Move Saturdays back to Friday and Sundays on to Monday, staying within [lo, hi]."""
    wd = weekday(days)
    moved = np.where(wd == 5, days - 1, np.where(wd == 6, days + 1, days))
    moved = np.where(moved > hi, moved - 3, moved)
    return np.where(moved < lo, days, moved)


def _texts(rng: np.random.Generator, keys: np.ndarray) -> np.ndarray:
    out = np.empty(len(keys), dtype=object)
    for key in sorted(set(keys.tolist())):
        mask = keys == key
        texts = INTERACTION_SUMMARIES[key]
        out[mask] = np.array(texts, dtype=object)[rng.integers(0, len(texts), mask.sum())]
    return out.astype(str)


def generate_interactions(scale: Scale, seed: int, window: Window, customers: Customers, fates: Fates, borrower: np.ndarray, book: pl.DataFrame) -> pl.DataFrame:
    """About ``scale.interactions`` visits, calls and meetings, with minutes and Chinese notes.

    Plants: each manager's interactions with customers of their current book (primary or
    assisting, from the day they took it on), firms and borrowers seen more often; after a
    borrower starts to deteriorate, credit visits and collection calls noting it; after a
    customer starts to drift, calls noting salary or money moving to another bank.
    """
    rng = rng_for(seed, "desk")
    c = customers
    first, last = window.first, window.last
    current = book.filter(pl.col("ended_on").is_null()).sort("manager_id", maintain_order=True)
    a_customer = current["customer_id"].to_numpy() - 1
    a_manager = current["manager_id"].to_numpy()
    a_start = np.maximum(current["started_on"].to_numpy().astype("datetime64[D]").astype(np.int64), first)
    weight = np.array([_KIND_WEIGHT.get(k, 1.0) for k in range(4)])[c.kind[a_customer]] * np.where(borrower[a_customer], 2.0, 1.0)
    cumulative = np.cumsum(weight)
    _, first_row, rows = np.unique(a_manager, return_index=True, return_counts=True)
    before = np.r_[0.0, cumulative][first_row]
    span = cumulative[first_row + rows - 1] - before
    noticed_count = int(fates.declining.sum() * 4 + fates.drifting.sum() * 1.5)
    counts = rng.poisson(max(scale.interactions - noticed_count, 0) / max(len(first_row), 1), len(first_row))
    which = np.repeat(np.arange(len(first_row)), counts)
    pick = np.minimum(np.searchsorted(cumulative, before[which] + rng.random(len(which)) * span[which], side="right"), len(cumulative) - 1)
    customer, manager, start = a_customer[pick], a_manager[pick], a_start[pick]
    day = start + (rng.random(len(pick)) * (last - start + 1)).astype(np.int64)
    sort = choose(rng, [s[2] for s in _SORTS], len(pick))
    keys = np.array([f"{s[0]}_{s[1]}" for s in _SORTS])[sort]

    # Notes on customers whose fate the manager notices, written by their primary manager.
    primary = current.filter(pl.col("role") == "primary")
    primary_of = np.zeros(c.n, dtype=np.int64)
    primary_of[primary["customer_id"].to_numpy() - 1] = primary["manager_id"].to_numpy()
    parts = [(customer, manager, day, keys, sort)]
    for mask, onset, delay, per, key in ((fates.declining, fates.decline_onset, 14, 4, "deteriorating"), (fates.drifting, fates.drift_onset, 20, 1.5, "drifting")):
        owner = np.repeat(np.flatnonzero(mask), rng.poisson(per, int(mask.sum())))
        lo = np.minimum(onset[owner] + delay, last)
        on = lo + (rng.random(len(owner)) * (last - lo + 1)).astype(np.int64)
        how = np.where(rng.random(len(owner)) < (0.5 if key == "deteriorating" else 0.0), _VISIT_CREDIT, _CALL_SERVICE)
        parts.append((owner, primary_of[owner], on, np.full(len(owner), key), how))
    customer, manager, day, keys, sort = (np.concatenate(p) for p in zip(*parts, strict=True))
    day = _working_day(day, first, last)
    low = np.array([s[3] for s in _SORTS])[sort]
    high = np.array([s[4] for s in _SORTS])[sort]
    minutes = low + (rng.random(len(sort)) * (high - low + 1)).astype(np.int64)
    minutes = np.where(np.array([s[0] for s in _SORTS])[sort] == _C, minutes, minutes // 5 * 5)
    local_minutes = rng.integers(102, 210, len(day)) * 5
    moment = as_dates(day).astype("datetime64[m]") + (local_minutes - _BEIJING_MINUTES).astype("timedelta64[m]")
    order = np.lexsort((moment, customer))
    return pl.DataFrame(
        {
            "id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": customer[order] + 1,
            "manager_id": manager[order],
            "kind": np.array([s[0] for s in _SORTS])[sort[order]],
            "work_kind": np.array([s[1] for s in _SORTS])[sort[order]],
            "occurred_at": pl.Series(moment[order].astype("datetime64[us]")),
            "duration_minutes": minutes[order],
            "summary": _texts(rng, keys[order]),
        }
    )


def generate_documents(seed: int, window: Window, customers: Customers, loans: Loans) -> pl.DataFrame:
    """Documents on file for every customer, with issue and expiry dates.

    Plants: identity cards of people (valid 10 years under 30, 20 years under 50, long-term
    after; a few already expired, some expiring within weeks), business licences of firms (a
    quarter for a fixed term of 20 or 30 years), articles and the latest annual accounts of
    enterprises, land contracts of farm households (the second-round contracts expiring at the
    end of 2027 or 2028), and for mortgage loans the property certificate and a yearly
    collateral insurance policy (some lapsed, some due for renewal).
    """
    rng = rng_for(seed, "desk", 1)
    c = customers
    last = window.last
    ids = c.frame["id_number"].to_numpy()
    rows: list[tuple] = []

    def add(owner, kind, issued, expires, reference, title=None) -> None:
        rows.append((owner, np.full(len(owner), kind, dtype=object), issued, expires, np.asarray(reference, dtype=object),
                     np.full(len(owner), title or DOCUMENT_TITLES[kind], dtype=object) if not isinstance(title, np.ndarray) else title))

    people = np.flatnonzero(c.kind >= FARMER)
    age = (last - c.born[people]) / DAYS_A_YEAR
    years = np.where(age < 30, 10, np.where(age < 50, 20, 0))
    issued = last - (rng.random(len(people)) * np.where(years > 0, years * 365 + 180, 20 * 365)).astype(np.int64)
    add(people, DocumentKind.IDENTITY_CARD.value, issued, np.where(years > 0, add_months(issued, years * 12), -1), ids[people])

    firms = np.flatnonzero(c.kind <= SOLE_PROPRIETOR)
    established = c.established[firms]
    term = np.where(rng.random(len(firms)) < 0.25, np.where(rng.random(len(firms)) < 0.5, 20, 30), 0)
    add(firms, DocumentKind.BUSINESS_LICENCE.value, established, np.where(term > 0, add_months(established, term * 12), -1), ids[firms])
    enterprises = np.flatnonzero(c.kind == ENTERPRISE)
    add(enterprises, DocumentKind.ARTICLES.value, c.established[enterprises], np.full(len(enterprises), -1), np.full(len(enterprises), ""))
    accounts_year = window.as_of.year - 1
    filed = day_of(datetime.date(accounts_year + 1, 4, 30)) - rng.integers(0, 60, len(enterprises))
    add(enterprises, DocumentKind.FINANCIAL_STATEMENT.value, filed, np.full(len(enterprises), -1), np.full(len(enterprises), ""), f"{accounts_year}年度财务报表")

    farms = np.flatnonzero(c.kind == FARMER)
    confirmed = day_of(datetime.date(2018, 6, 1)) + rng.integers(0, 560, len(farms))
    ends = np.where(rng.random(len(farms)) < 0.5, day_of(datetime.date(2027, 12, 31)), day_of(datetime.date(2028, 12, 31)))
    add(farms, DocumentKind.LAND_CONTRACT.value, confirmed, ends, np.array([f"J369921{n:08d}" for n in (farms + 1).tolist()], dtype=object))

    mortgaged = np.flatnonzero(loans.guarantee == MORTGAGE)
    owners = loans.customer[mortgaged]
    registered = loans.disbursed[mortgaged] - rng.integers(5, 40, len(mortgaged))
    years_registered = [int(y) for y in as_dates(registered).astype("datetime64[Y]").astype(np.int64) + 1970]
    certificates = np.array([f"赣({y})青禾县不动产权第{n:07d}号" for y, n in zip(years_registered, (mortgaged + 1).tolist(), strict=True)], dtype=object)
    add(owners, DocumentKind.PROPERTY_CERTIFICATE.value, registered, np.full(len(owners), -1), certificates)
    insured = np.maximum(last - rng.integers(0, 400, len(owners)), loans.disbursed[mortgaged])
    add(owners, DocumentKind.INSURANCE_POLICY.value, insured, add_months(insured, 12) - 1, np.array([f"PQHA{n:012d}" for n in (mortgaged + 1).tolist()], dtype=object))

    owner, kind, issued, expires, reference, title = (np.concatenate(col) for col in zip(*rows, strict=True))
    order = np.lexsort((issued, owner))
    expires = expires[order]
    return pl.DataFrame(
        {
            "id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": owner[order] + 1,
            "kind": kind[order].astype(str),
            "title": title[order].astype(str),
            "reference": reference[order].astype(str),
            "issued_on": as_dates(issued[order]),
            "expires_on": pl.select(pl.when(pl.Series(expires >= 0)).then(pl.Series(as_dates(np.maximum(expires, 0)))).alias("e")).to_series(),
            "file": [""] * len(order),
        }
    )
