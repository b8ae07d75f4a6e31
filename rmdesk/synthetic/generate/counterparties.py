"""Who customers pay and are paid by: payees, employers, buyers, suppliers, people at other banks.

One table of counterparties (name, account, bank) serves every transaction of the bank;
transactions hold an index into it. The bank's own customers are in it too, with their main
accounts, so that a salary from an enterprise customer or a transfer to a neighbour shows the
same name and account on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from rmdesk.synthetic.generate.common import choose, rng_for
from rmdesk.synthetic.generate.customers import ENTERPRISE, FARMER, SOLE_PROPRIETOR, Customers, concat
from rmdesk.synthetic.generate.holdings import Holdings
from rmdesk.synthetic.generate.identity import luhn_numbers, person_names
from rmdesk.synthetic.names import (
    BANK_SHORT_NAME,
    CITY,
    DISTANT_BANKS,
    ENTERPRISE_INDUSTRY_WORDS,
    EXTERNAL_EMPLOYERS,
    FARM_SUPPLIERS,
    GOVERNMENT_PAYEES,
    OCCUPATIONS,
    OTHER_BANK_CARD_BINS,
    OTHER_BANKS,
    PRODUCE_BUYERS,
    PROPERTY_DEVELOPERS,
    TRADE_NAMES,
)

PAYEES = tuple(GOVERNMENT_PAYEES)
"""Keys of the fixed payees, in pool order from index 0 (tax, power, water ...)."""


@dataclass(frozen=True)
class Pool:
    """The counterparty table and where each sort of counterparty lies in it.

    ``payee[key]`` is the index of a fixed payee (tax office, power company ...);
    ``employers``, ``buyers`` (of farm produce), ``suppliers`` (of farm inputs),
    ``developers``, ``firms`` (companies anywhere, including firm customers) and ``people``
    (people at other banks and person customers) are arrays of indexes; ``customer0`` is the
    index of customer 1 (customer i is at ``customer0 + i - 1``); ``employer[i]`` the
    employer of customer i+1 if salaried (else -1).
    """

    names: pl.Series
    accounts: pl.Series
    banks: pl.Series
    payee: dict[str, int]
    employers: np.ndarray
    buyers: np.ndarray
    suppliers: np.ndarray
    developers: np.ndarray
    firms: np.ndarray
    people: np.ndarray
    distant_people: np.ndarray
    customer0: int
    employer: np.ndarray


def _company_accounts(rng: np.random.Generator, n: int) -> list[str]:
    return [f"{a}{b:012d}" for a, b in zip(rng.integers(1000, 9999, n).tolist(), rng.integers(0, 10**12, n).tolist(), strict=True)]


def generate_pool(seed: int, customers: Customers, holdings: Holdings) -> Pool:
    """The counterparty table of the bank and each salaried customer's employer.

    Plants: the county's tax office, utilities, insurers and payment platforms; employers
    (hospitals pay doctors and nurses, schools pay teachers, offices pay civil servants, firm
    customers or outside companies pay the rest); buyers of produce and suppliers of farm
    inputs; developers; outside companies and people at other banks (migrant workers' home
    transfers come from banks in the cities where they work); and the customers themselves.
    """
    rng = rng_for(seed, "pool")
    c = customers
    n_firms = max(100, c.n // 20)
    n_people = max(200, c.n // 10)
    other_banks = np.array(OTHER_BANKS)
    fixed_names = [GOVERNMENT_PAYEES[k] for k in PAYEES] + list(EXTERNAL_EMPLOYERS) + list(PRODUCE_BUYERS) + list(FARM_SUPPLIERS) + list(PROPERTY_DEVELOPERS)
    n_fixed = len(fixed_names)
    trades = np.array(TRADE_NAMES)
    words = np.array([w for section in sorted(ENTERPRISE_INDUSTRY_WORDS) for w in ENTERPRISE_INDUSTRY_WORDS[section]])
    firm_names = concat(np.where(rng.random(n_firms) < 0.6, CITY, "江西"), trades[rng.integers(0, len(trades), n_firms)], words[rng.integers(0, len(words), n_firms)], "有限公司")
    people_male = rng.random(n_people) < 0.55
    people_names = person_names(rng, people_male, rng.integers(1960, 2004, n_people))
    distant = rng.random(n_people) < 0.4
    bins = rng.integers(0, len(OTHER_BANK_CARD_BINS), n_people)
    people_accounts = np.empty(n_people, dtype=object)
    for b, prefix in enumerate(OTHER_BANK_CARD_BINS):
        mask = bins == b
        people_accounts[mask] = luhn_numbers(prefix, rng.permutation(10**6)[: mask.sum()] + b * 10**6, 19)
    people_banks = np.where(distant, np.array(DISTANT_BANKS)[rng.integers(0, len(DISTANT_BANKS), n_people)], other_banks[rng.integers(0, len(other_banks), n_people)])

    main_accounts = holdings.account[holdings.main]
    names = pl.Series(
        "name",
        fixed_names + firm_names.tolist() + people_names.tolist() + c.names.tolist(),
        dtype=pl.Utf8,
    )
    accounts = pl.Series(
        "account",
        _company_accounts(rng, n_fixed + n_firms) + people_accounts.astype(str).tolist() + main_accounts.tolist(),
        dtype=pl.Utf8,
    )
    banks = pl.Series(
        "bank",
        other_banks[rng.integers(0, len(other_banks), n_fixed + n_firms)].tolist() + people_banks.tolist() + [BANK_SHORT_NAME] * c.n,
        dtype=pl.Utf8,
    )
    start = {"payees": 0}
    start["employers"] = len(PAYEES)
    start["buyers"] = start["employers"] + len(EXTERNAL_EMPLOYERS)
    start["suppliers"] = start["buyers"] + len(PRODUCE_BUYERS)
    start["developers"] = start["suppliers"] + len(FARM_SUPPLIERS)
    firm0 = n_fixed
    people0 = firm0 + n_firms
    customer0 = people0 + n_people
    customer_index = customer0 + np.arange(c.n)
    firms = np.concatenate([firm0 + np.arange(n_firms), customer_index[c.kind <= SOLE_PROPRIETOR]])
    people = np.concatenate([people0 + np.flatnonzero(~distant), customer_index[c.kind >= FARMER]])
    employers = start["employers"] + np.arange(len(EXTERNAL_EMPLOYERS))
    return Pool(
        names=names, accounts=accounts, banks=banks,
        payee={k: start["payees"] + i for i, k in enumerate(PAYEES)},
        employers=employers,
        buyers=start["buyers"] + np.arange(len(PRODUCE_BUYERS)),
        suppliers=start["suppliers"] + np.arange(len(FARM_SUPPLIERS)),
        developers=start["developers"] + np.arange(len(PROPERTY_DEVELOPERS)),
        firms=firms, people=people, distant_people=people0 + np.flatnonzero(distant), customer0=customer0,
        employer=_employers(rng, c, employers, firms, customer_index),
    )


def _employers(rng: np.random.Generator, c: Customers, employers: np.ndarray, firms: np.ndarray, customer_index: np.ndarray) -> np.ndarray:
    by_keyword = {
        "health": [i for i, e in enumerate(EXTERNAL_EMPLOYERS) if any(k in e for k in ("医院", "保健院", "疾病"))],
        "school": [i for i, e in enumerate(EXTERNAL_EMPLOYERS) if any(k in e for k in ("中学", "小学", "教育"))],
    }
    by_keyword["office"] = [i for i in range(len(EXTERNAL_EMPLOYERS)) if i not in by_keyword["health"] + by_keyword["school"]]
    occupation_sector = {"公务员": "office", "教师": "school", "医生": "health", "护士": "health"}
    employer = np.full(c.n, -1, dtype=np.int64)
    salaried = np.flatnonzero(c.monthly_pay > 0)
    occupations = np.array([o for o, _, _ in OCCUPATIONS])
    retired = occupations.tolist().index("退休")
    working = salaried[c.role[salaried] != retired]
    sector = np.array([occupation_sector.get(o, "firm") for o in occupations[c.role[working]]])
    for name in ("office", "school", "health"):
        mask = sector == name
        employer[working[mask]] = employers[np.array(by_keyword[name])[rng.integers(0, len(by_keyword[name]), mask.sum())]]
    in_firms = working[sector == "firm"]
    enterprises = customer_index[c.kind == ENTERPRISE]
    from_customers = rng.random(len(in_firms)) < 0.6
    if len(enterprises):
        employer[in_firms[from_customers]] = enterprises[rng.integers(0, len(enterprises), from_customers.sum())]
    else:
        from_customers[:] = False
    employer[in_firms[~from_customers]] = firms[rng.integers(0, len(firms), (~from_customers).sum())]
    employer[np.flatnonzero((c.monthly_pay > 0) & (c.role == retired))] = -1
    return employer


def pick_partners(rng: np.random.Generator, candidates: np.ndarray, n: int, k: int) -> np.ndarray:
    """``k`` regular counterparties for each of ``n`` customers, drawn from ``candidates``."""
    return candidates[rng.integers(0, len(candidates), (n, k))]


def share_of(rng: np.random.Generator, weights: tuple[float, ...], n: int) -> np.ndarray:
    """Indexes drawn by ``weights``: a small helper for choosing channels and sorts of payee."""
    return choose(rng, weights, n)
