"""The customers: who they are, where they live, whose book they are in, and how they earn.

Customers get ids in the order they became customers, so customer numbers rise with
``customer_since`` as a core banking system's would. Besides the ``customers.Customer`` frame
this builds the plan the flows are drawn from: each customer's main income at this bank for
the year, the balance they usually keep, their pay day, farm type or trade.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from rmdesk.customers.models import CustomerKind, IdentifierKind, Industry
from rmdesk.synthetic.generate.common import Window, choose, lognormal_yuan, rng_for, ymd
from rmdesk.synthetic.generate.identity import credit_codes, mobile_phones, person_names, resident_ids, sequence_ranks
from rmdesk.synthetic.generate.org import Org
from rmdesk.synthetic.names import (
    CITY,
    COUNTY,
    COUNTY_SEAT,
    ENTERPRISE_INDUSTRY_WORDS,
    ENTERPRISE_SECTIONS,
    FARM_TYPES,
    INDUSTRIAL_PARK,
    INDUSTRIAL_PARK_ROADS,
    OCCUPATIONS,
    PROVINCE,
    RESIDENTIAL_COMPOUNDS,
    SHOP_WORDS,
    SOLE_PROPRIETOR_SECTIONS,
    STREETS,
    TOWNSHIP_STREETS,
    TOWNSHIPS,
    TRADE_NAMES,
    villages_of,
)
from rmdesk.synthetic.scales import Scale

ENTERPRISE, SOLE_PROPRIETOR, FARMER, INDIVIDUAL = 0, 1, 2, 3
KINDS = (CustomerKind.ENTERPRISE.value, CustomerKind.SOLE_PROPRIETOR.value, CustomerKind.FARMER_HOUSEHOLD.value, CustomerKind.INDIVIDUAL.value)
DAYS_A_YEAR = 365.25
CUSTOMER_ID_BLOCK, KEY_PEOPLE_ID_BLOCK = 0, 1
"""Customers' and key people's identity numbers use disjoint blocks of sequence codes, so the
two sets, ranked separately, never collide."""
# Median monthly pay in yuan by occupation (OCCUPATIONS order); 0 where there is no salary.
_MONTHLY_PAY = (6500, 6000, 8000, 5500, 4500, 4200, 4800, 5000, 0, 0, 0)
MIGRANT, FREELANCE, RETIRED = 8, 9, 10
"""Indexes in ``OCCUPATIONS`` of the individuals who are not salaried."""
# Median yearly sales at this bank in yuan, by farm type (FARM_TYPES order).
_FARM_SALES = (60_000, 20_000, 50_000, 60_000, 45_000, 150_000, 80_000, 90_000, 50_000, 70_000)
SECTIONS = tuple(i.value for i in Industry)
_SEAT = [t for t, _ in TOWNSHIPS].index(COUNTY_SEAT)


@dataclass
class Customers:
    """The customers frame and the per-customer plan, indexed by ``id - 1``.

    ``income`` is the main inflow at this bank over the 12 months in fen (salary, pension,
    remittances, farm sales or business sales); ``balance`` the balance the main account
    carries; ``role`` the occupation (individuals) or farm type (farmer households) index;
    ``wallet`` the share (per mille) of the customer's business done at this bank; ``person``
    the name of the individual, the head of the household or the owner of the firm, and
    ``born`` / ``male`` are theirs.
    """

    frame: pl.DataFrame
    kind: np.ndarray
    township: np.ndarray
    manager: np.ndarray
    since: np.ndarray
    born: np.ndarray
    male: np.ndarray
    role: np.ndarray
    section: np.ndarray
    income: np.ndarray
    monthly_pay: np.ndarray
    pay_day: np.ndarray
    balance: np.ndarray
    wallet: np.ndarray
    employees: np.ndarray
    established: np.ndarray
    names: np.ndarray
    person: np.ndarray

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.kind)

    @property
    def ids(self) -> np.ndarray:
        """Customer ids (1 ... n)."""
        return np.arange(1, self.n + 1, dtype=np.int64)


def concat(*parts) -> np.ndarray:
    """Strings joined column-wise; a part is a str (the same on every row) or a column."""
    columns = [pl.lit(p) if isinstance(p, str) else pl.Series(np.asarray(p)).cast(pl.Utf8) for p in parts]
    return pl.select(pl.concat_str(columns).alias("s")).to_series().to_numpy()


def with_nulls(values: np.ndarray, missing: np.ndarray) -> pl.Series:
    """A column of ``values`` with nulls where ``missing`` is true."""
    return pl.select(pl.when(pl.Series(~np.asarray(missing))).then(pl.Series(values)).alias("v")).to_series()


def _kinds(rng: np.random.Generator, scale: Scale, n: int) -> np.ndarray:
    shares = (scale.enterprise_share, scale.sole_proprietor_share, scale.farmer_household_share)
    return choose(rng, (*shares, 1 - sum(shares)), n).astype(np.int8)


def _townships(rng: np.random.Generator, kind: np.ndarray, outlets: int) -> np.ndarray:
    weights = np.array([w for _, w in TOWNSHIPS[:outlets]])
    township = choose(rng, weights, len(kind))
    # Firms cluster in the county seat (the first township, always served) and its
    # development zone.
    to_seat = (kind == ENTERPRISE) & (rng.random(len(kind)) < 0.35)
    township[to_seat] = _SEAT
    return township


def _firm_names(rng: np.random.Generator, kind: np.ndarray, section: np.ndarray, township: np.ndarray, person: np.ndarray) -> np.ndarray:
    n = len(kind)
    trades = np.array(TRADE_NAMES)
    trade = trades[rng.integers(0, len(trades), n)]
    # Half the firms combine two trade names' characters (鑫 + 达), so names repeat less.
    mixed = rng.random(n) < 0.5
    trade[mixed] = concat(
        pl.Series(trades[rng.integers(0, len(trades), mixed.sum())]).str.slice(0, 1),
        pl.Series(trades[rng.integers(0, len(trades), mixed.sum())]).str.slice(1, 1),
    )
    short = np.array([t[:-1] for t, _ in TOWNSHIPS])[township]
    prefixes = np.where(rng.random(n) < 0.5, f"{COUNTY}", np.where(rng.random(n) < 0.5, concat(COUNTY, short), CITY))
    words = np.empty(n, dtype=object)
    shops = np.empty(n, dtype=object)
    for code in sorted(set(section.tolist())):
        mask = section == code
        w = ENTERPRISE_INDUSTRY_WORDS.get(code, ("商贸",))
        words[mask] = np.array(w)[rng.integers(0, len(w), mask.sum())]
        s = SHOP_WORDS.get(code, ("经营部",))
        shops[mask] = np.array(s)[rng.integers(0, len(s), mask.sum())]
    suffix = np.array(["有限公司", "有限责任公司", "股份有限公司"])[choose(rng, (0.85, 0.1, 0.05), n)]
    enterprise = concat(prefixes, trade, words, suffix)
    # Shops are named after the owner's family (刘记) or a trade name, in their township.
    mark = np.where(rng.random(n) < 0.4, concat(pl.Series(person).str.slice(0, 1), "记"), trade)
    shop = concat(COUNTY, np.array([t for t, _ in TOWNSHIPS])[township], mark, shops)
    return np.where(kind == ENTERPRISE, enterprise, shop)


def _addresses(rng: np.random.Generator, kind: np.ndarray, township: np.ndarray) -> np.ndarray:
    n = len(kind)
    names = np.array([t for t, _ in TOWNSHIPS])[township]
    base = concat(PROVINCE, CITY, COUNTY, names)
    villages = np.array([villages_of(int(t)) for t in range(len(TOWNSHIPS))])[township, rng.integers(0, 9, n)]
    village = concat(base, villages, rng.integers(1, 12, n), "组", rng.integers(1, 80, n), "号")
    compound = concat(
        base, np.array(RESIDENTIAL_COMPOUNDS)[rng.integers(0, len(RESIDENTIAL_COMPOUNDS), n)], rng.integers(1, 30, n), "栋",
        rng.integers(1, 4, n), "单元", rng.integers(1, 18, n), "0", rng.integers(1, 4, n), "室",
    )
    seat_street = np.array(STREETS)[rng.integers(0, len(STREETS), n)]
    town_street = np.array(TOWNSHIP_STREETS)[rng.integers(0, len(TOWNSHIP_STREETS), n)]
    street = concat(base, np.where(names == COUNTY_SEAT, seat_street, town_street), rng.integers(1, 300, n), "号")
    park = concat(PROVINCE, CITY, INDUSTRIAL_PARK, np.array(INDUSTRIAL_PARK_ROADS)[rng.integers(0, len(INDUSTRIAL_PARK_ROADS), n)], rng.integers(1, 200, n), "号")
    in_seat = names == COUNTY_SEAT
    person = np.where(in_seat & (rng.random(n) < 0.8), compound, np.where(rng.random(n) < 0.75, village, street))
    firm = np.where((kind == ENTERPRISE) & (rng.random(n) < 0.5), park, street)
    return np.where(kind == FARMER, village, np.where(kind == INDIVIDUAL, person, firm))


def _sections(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    section = np.where(kind == FARMER, "A", "Z").astype("<U1")
    for k, table in ((ENTERPRISE, ENTERPRISE_SECTIONS), (SOLE_PROPRIETOR, SOLE_PROPRIETOR_SECTIONS)):
        mask = kind == k
        section[mask] = np.array([s for s, _ in table])[choose(rng, [w for _, w in table], mask.sum())]
    return section


_BOOK_SHAPE = 8.0
"""Shape of the gamma law of book shares within an outlet: books vary by about a third."""


def _primary_managers(rng: np.random.Generator, township: np.ndarray, org: Org) -> np.ndarray:
    """Each customer's primary account manager (index in ``org.manager_ids``), of their outlet.

    Within an outlet, each manager's share of its customers is drawn from a gamma law, so books
    differ as they do in a real outlet (a senior manager's is larger), around the outlet's
    customers per manager: a few hundred to about 1,500 customers at county scale.
    """
    staff, first = org.outlet_staff, org.outlet_first_manager
    shares = rng.gamma(_BOOK_SHAPE, size=int(staff.sum()))
    u = rng.random(len(township))
    manager = np.empty(len(township), dtype=np.int64)
    for k in range(len(staff)):
        mine = township == k
        share = shares[first[k] : first[k] + staff[k]]
        cdf = np.cumsum(share) / share.sum()
        manager[mine] = first[k] + np.minimum(np.searchsorted(cdf, u[mine]), staff[k] - 1)
    return manager


def generate_customers(scale: Scale, seed: int, window: Window, org: Org) -> Customers:
    """The bank's customers of four kinds, with valid identifiers and a plan of their money.

    Plants: enterprises and sole proprietors with GB 32100 codes (91... / 92...), farmer
    households and individuals with GB 11643 numbers of real birth dates in the county,
    Chinese names and addresses in the outlets' townships and villages, mobile phones, GB/T 4754
    industries, and each customer's primary account manager in the outlet of their township.
    """
    rng = rng_for(seed, "customers")
    n = scale.customers
    as_of = window.last
    kind = _kinds(rng, scale, n)
    township = _townships(rng, kind, scale.outlets)
    section = _sections(rng, kind)

    role = np.zeros(n, dtype=np.int64)
    individual, farmer = kind == INDIVIDUAL, kind == FARMER
    role[individual] = choose(rng, [w for _, w, _ in OCCUPATIONS], individual.sum())
    role[farmer] = choose(rng, [w for _, w, *_ in FARM_TYPES], farmer.sum())
    # Ages: retired people 60-85, migrant workers 20-50, heads of farm households 30-75,
    # owners of firms 28-65, everyone else 22-59.
    low = np.select([individual & (role == RETIRED), individual & (role == MIGRANT), farmer, ~(individual | farmer)], [60, 20, 30, 28], 22)
    high = np.select([individual & (role == RETIRED), individual & (role == MIGRANT), farmer, ~(individual | farmer)], [85, 50, 75, 65], 59)
    age_days = np.rint((low + rng.random(n) * (high - low)) * DAYS_A_YEAR).astype(np.int64)
    born = as_of - age_days
    male = rng.random(n) < np.where(farmer, 0.85, 0.52)
    person = person_names(rng, male, ymd(born)[0])

    # Firms were established before they became customers; people became customers as adults.
    established = np.where(
        kind == ENTERPRISE, as_of - rng.integers(365, 25 * 365, n), np.where(kind == SOLE_PROPRIETOR, as_of - rng.integers(180, 20 * 365, n), 0)
    )
    since = as_of - 1 - np.minimum(rng.exponential(6 * DAYS_A_YEAR, n), 28 * DAYS_A_YEAR).astype(np.int64)
    since = np.where(kind <= SOLE_PROPRIETOR, np.maximum(since, established + rng.integers(0, 3 * 365, n)), np.maximum(since, born + int(18 * DAYS_A_YEAR)))
    since = np.minimum(since, as_of - 1)

    order = np.argsort(since, kind="stable")
    kind, township, section, role, born, male, person, established, since = (
        a[order] for a in (kind, township, section, role, born, male, person, established, since)
    )
    individual, farmer = kind == INDIVIDUAL, kind == FARMER

    manager = _primary_managers(rng, township, org)

    pay = np.zeros(n, dtype=np.int64)
    salaried = individual & np.isin(role, [i for i, (_, _, s) in enumerate(OCCUPATIONS) if s])
    pay[salaried] = lognormal_yuan(rng, np.array(_MONTHLY_PAY)[role[salaried]], 0.3, salaried.sum(), step=10)
    retired = individual & (role == RETIRED)
    pay[retired] = lognormal_yuan(rng, 2800, 0.35, retired.sum(), step=10)
    income = pay * 12
    migrant = individual & (role == MIGRANT)
    income[migrant] = lognormal_yuan(rng, 36_000, 0.6, migrant.sum(), step=100)
    freelance = individual & (role == FREELANCE)
    income[freelance] = lognormal_yuan(rng, 40_000, 0.7, freelance.sum(), step=100)
    income[farmer] = lognormal_yuan(rng, np.array(_FARM_SALES)[role[farmer]], 0.7, farmer.sum(), step=100)
    shops = kind == SOLE_PROPRIETOR
    income[shops] = lognormal_yuan(rng, 400_000, 0.9, shops.sum(), step=100)
    firms = kind == ENTERPRISE
    income[firms] = np.minimum(lognormal_yuan(rng, 8_000_000, 1.1, firms.sum(), step=1000), 300_000_000 * 100)
    pay_day = rng.choice(np.array([5, 10, 15, 20, 25]), n)
    # Balances: most people keep a few months of income, a few keep a great deal.
    keep = np.select([kind == ENTERPRISE, kind == SOLE_PROPRIETOR], [0.08, 0.12], 0.35)
    balance = (income // 1000 * np.rint(keep * rng.lognormal(0, 1.1, n) * 1000).astype(np.int64)) // 100 * 100
    wallet = rng.integers(350, 901, n)
    employees = np.where(firms, np.clip(income // (300_000 * 100), 5, 500), np.where(shops, rng.integers(0, 6, n), 0))

    organisation = kind <= SOLE_PROPRIETOR
    names = np.where(organisation, _firm_names(rng, kind, section, township, person), person)
    ids = np.arange(1, n + 1, dtype=np.int64)
    id_number = np.empty(n, dtype=object)
    id_number[organisation] = credit_codes(kind[organisation] == SOLE_PROPRIETOR, np.flatnonzero(organisation))
    ranks = sequence_ranks(born[~organisation], male[~organisation])
    id_number[~organisation] = resident_ids(born[~organisation], male[~organisation], ranks, block=CUSTOMER_ID_BLOCK)
    occupation = np.full(n, "", dtype=object)
    occupation[individual] = np.array([o for o, _, _ in OCCUPATIONS])[role[individual]]
    occupation[farmer] = np.array([f[0] for f in FARM_TYPES])[role[farmer]]
    capital = np.where(firms, lognormal_yuan(rng, 2_000_000, 1.0, n, step=10_000), 0)
    frame = pl.DataFrame(
        {
            "id": ids,
            "number": concat("C", pl.Series(ids).cast(pl.Utf8).str.zfill(10)),
            "kind": np.array(KINDS)[kind],
            "name": names,
            "id_kind": np.where(organisation, IdentifierKind.UNIFIED_SOCIAL_CREDIT_CODE.value, IdentifierKind.RESIDENT_ID.value),
            "id_number": id_number.astype(str),
            "phone": mobile_phones(rng, n),
            "address": _addresses(rng, kind, township),
            "township": np.array([t for t, _ in TOWNSHIPS])[township],
            "industry": section,
            "tier": ["mass"] * n,
            "occupation": occupation,
            "established_on": with_nulls(established.astype("datetime64[D]"), ~organisation),
            "registered_capital": with_nulls(capital, ~firms),
            "customer_since": since.astype("datetime64[D]"),
            "org_unit_id": org.outlet_unit_ids[township],
            "primary_manager_id": org.manager_ids[manager],
            "deposit_balance": np.zeros(n, dtype=np.int64),
            "loan_balance": np.zeros(n, dtype=np.int64),
            "positions_as_of": pl.Series([None] * n, dtype=pl.Date),
        }
    )
    return Customers(
        frame=frame, kind=kind, township=township, manager=manager, since=since, born=born, male=male, role=role,
        section=section, income=income, monthly_pay=pay, pay_day=pay_day, balance=balance, wallet=wallet,
        employees=employees, established=established, names=names, person=person,
    )

