"""Customers' own money: what comes into and goes out of their main accounts over the 12 months.

Salaries monthly on the employer's pay day (a bonus before the Spring Festival), pensions,
migrant workers' transfers home, farm produce sold in the harvest months of the farm type and
inputs bought before, subsidies; sales, purchases, wages, tax and social insurance of firms;
utilities, living expenses and transfers of households. Yearly totals are planned per customer
and divided among the events in integer fen; deteriorating and drifting customers' amounts
follow their fate (``Chunk.fate``).
"""

from __future__ import annotations

import numpy as np

from rmdesk.synthetic.generate.chunk import Chunk
from rmdesk.synthetic.generate.common import choose, lognormal_yuan, split_totals, ymd
from rmdesk.synthetic.generate.customers import ENTERPRISE, FARMER, FREELANCE, INDIVIDUAL, MIGRANT, SOLE_PROPRIETOR
from rmdesk.synthetic.generate.holdings import CODES
from rmdesk.synthetic.generate.ledger import CH, P, Ledger
from rmdesk.synthetic.names import FARM_TYPES

LIVING = {INDIVIDUAL: 70, FARMER: 35}
"""Card and mobile payments, cash withdrawals: base number a year, times the activity."""
TRANSFERS_OUT, TRANSFERS_IN = 5, 4
SALES = {SOLE_PROPRIETOR: 220, ENTERPRISE: 120}
PURCHASES = {SOLE_PROPRIETOR: 40, ENTERPRISE: 100}
FARM_INPUTS = 6
_SPRING_FESTIVAL_WEIGHTS = np.array([3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype=np.float64)
_SALES_MONTHS = np.array([f[2] for f in FARM_TYPES], dtype=np.float64)
_INPUT_MONTHS = np.array([f[4] for f in FARM_TYPES], dtype=np.float64)
_SALES_A_YEAR = np.array([f[3] for f in FARM_TYPES])


def _active_share(ch: Chunk, local: np.ndarray) -> np.ndarray:
    """Per mille of the 12 months a customer's main account is open for."""
    return (ch.window.last - ch.start[local] + 1) * 1000 // 365


def _poisson(rng: np.random.Generator, ch: Chunk, local: np.ndarray, per_year: np.ndarray | float, scaled: bool = True) -> np.ndarray:
    mean = np.asarray(per_year, dtype=np.float64) * (ch.act if scaled else 1.0) * _active_share(ch, local) / 1000
    return rng.poisson(np.broadcast_to(mean, len(local)))


def _holds(ch: Chunk, code: str) -> np.ndarray:
    """Whether each customer of the chunk holds a product (mask over chunk-local indexes)."""
    h = ch.holdings
    mask = np.zeros(ch.hi - ch.lo, dtype=bool)
    rows = slice(ch.h_lo, ch.h_hi)
    mask[h.customer[rows][h.product[rows] == CODES.index(code)] - ch.lo] = True
    return mask


def _partners(rng: np.random.Generator, candidates: np.ndarray, owner: np.ndarray, n_local: int, k: int) -> np.ndarray:
    """A counterparty for each event, from each customer's ``k`` regular ones."""
    regular = candidates[rng.integers(0, len(candidates), (n_local, k))]
    return regular[owner, rng.integers(0, k, len(owner))]


def _salaries(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    c, pool = ch.customers, ch.pool
    working = ch.who((c.monthly_pay > 0) & (pool.employer >= 0))
    owner, day = ch.monthly(working, c.pay_day[ch.lo + working])
    amount = c.monthly_pay[ch.lo + owner] * rng.integers(980, 1021, len(owner)) // 1000 // 100 * 100
    # Half the employers pay a year-end bonus before the Spring Festival, on 20 January.
    starts = ch.window.month_starts()
    january = starts[ymd(starts)[1] == 1][:1]
    bonus = working[rng.random(len(working)) < 0.5]
    if len(january):
        bonus_day = np.full(len(bonus), january[0] + 19)
        bonus_amount = c.monthly_pay[ch.lo + bonus] * rng.integers(10, 21, len(bonus)) // 10 // 100 * 100
        owner, day, amount = np.r_[owner, bonus], np.r_[day, bonus_day], np.r_[amount, bonus_amount]
    moved = ch.moved_on[owner]
    keep = ((moved < 0) | (day < moved)) & (day >= ch.start[owner]) & (day <= ch.window.last)
    owner, day, amount = owner[keep], day[keep], amount[keep]
    amount = amount * ch.fate(owner, day, inflow=True) // 1000
    led.add(ch.main[owner], day, amount, True, P["salary"], CH["batch"], pool.employer[ch.lo + owner])
    retired = ch.who((c.monthly_pay > 0) & (pool.employer < 0))
    owner, day = ch.monthly(retired, np.full(len(retired), 15))
    moved = ch.moved_on[owner]
    keep = (moved < 0) | (day < moved)
    led.add(ch.main[owner[keep]], day[keep], c.monthly_pay[ch.lo + owner[keep]], True, P["transfer"], CH["batch"], pool.payee["pension"])


def _remittances(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    c, pool = ch.customers, ch.pool
    individual = c.kind == INDIVIDUAL
    migrants = ch.who(individual & (c.role == MIGRANT))
    freelancers = ch.who(individual & (c.role == FREELANCE))
    families = ch.who(c.kind == FARMER)
    families = families[rng.random(len(families)) < 0.5]
    family_total = lognormal_yuan(rng, 15_000, 0.7, len(families), 100)
    for local, per_year, totals, sender in (
        (migrants, 10, c.income[ch.lo + migrants], "self"),
        (freelancers, 8, c.income[ch.lo + freelancers], "firm"),
        (families, 6, family_total, "family"),
    ):
        counts = _poisson(rng, ch, local, per_year, scaled=False)
        owner, day = ch.seasonal(rng, local, counts, np.broadcast_to(_SPRING_FESTIVAL_WEIGHTS, (len(local), 12)))
        index = np.searchsorted(local, owner)
        amount = split_totals(rng, index, totals * _active_share(ch, local) // 1000, 0.5)
        moved = ch.moved_on[owner]
        keep = (moved < 0) | (day < moved)
        if sender == "self":
            cp = ch.elsewhere(owner)
        elif sender == "firm":
            cp = pool.firms[rng.integers(0, len(pool.firms), len(owner))]
        else:
            cp = pool.distant_people[rng.integers(0, len(pool.distant_people), len(owner))]
        channel = np.where(rng.random(len(owner)) < 0.6, CH["mobile"], CH["interbank"])
        led.add(ch.main[owner[keep]], day[keep], amount[keep], True, P["transfer"], channel[keep], cp[keep])


def _farming(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    c, pool = ch.customers, ch.pool
    farms = ch.who(c.kind == FARMER)
    farm_type = c.role[ch.lo + farms]
    counts = rng.poisson(_SALES_A_YEAR[farm_type] * _active_share(ch, farms) / 1000)
    owner, day = ch.seasonal(rng, farms, counts, _SALES_MONTHS[farm_type])
    index = np.searchsorted(farms, owner)
    amount = split_totals(rng, index, c.income[ch.lo + farms] * _active_share(ch, farms) // 1000, 0.4)
    amount = amount * ch.fate(owner, day, inflow=True) // 1000
    channel = np.array([CH["interbank"], CH["counter"], CH["mobile"]])[choose(rng, (0.45, 0.3, 0.25), len(owner))]
    led.add(ch.main[owner], day, amount, True, P["farm_sales"], channel, _partners(rng, pool.buyers, index, len(farms), 2))

    counts = _poisson(rng, ch, farms, FARM_INPUTS)
    owner, day = ch.seasonal(rng, farms, counts, _INPUT_MONTHS[farm_type])
    index = np.searchsorted(farms, owner)
    inputs = c.income[ch.lo + farms] // 100 * rng.integers(30, 50, len(farms)) * _active_share(ch, farms) // 1000
    amount = split_totals(rng, index, inputs, 0.5) * ch.fate(owner, day, inflow=False) // 1000
    channel = np.where(rng.random(len(owner)) < 0.5, CH["counter"], CH["mobile"])
    led.add(ch.main[owner], day, amount, False, P["purchase"], channel, _partners(rng, pool.suppliers, index, len(farms), 2))

    starts = ch.window.month_starts()
    may = starts[ymd(starts)[1] == 5][:1]
    if len(may):
        day = np.full(len(farms), may[0] + 19)
        keep = day >= ch.start[farms]
        led.add(ch.main[farms[keep]], day[keep], lognormal_yuan(rng, 1_500, 0.4, int(keep.sum()), 10), True, P["transfer"], CH["batch"], pool.payee["subsidy"])


def _business(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    c, pool = ch.customers, ch.pool
    for kind in (SOLE_PROPRIETOR, ENTERPRISE):
        firms = ch.who(c.kind == kind)
        income = c.income[ch.lo + firms] * _active_share(ch, firms) // 1000
        owner, day = ch.spread(rng, firms, _poisson(rng, ch, firms, SALES[kind]))
        index = np.searchsorted(firms, owner)
        amount = split_totals(rng, index, income, 0.6) * ch.fate(owner, day, inflow=True) // 1000
        if kind == SOLE_PROPRIETOR:
            qr, pos = _holds(ch, "ST02")[owner], _holds(ch, "ST01")[owner]
            platform = np.where(rng.random(len(owner)) < 0.5, pool.payee["wechat"], pool.payee["alipay"])
            channel = np.where(qr, CH["batch"], np.where(pos, CH["pos"], CH["counter"]))
            cp = np.where(qr, platform, np.where(pos, pool.payee["pos"], -1))
            purpose = np.where(qr | pos, P["sales"], P["cash"])
        else:
            channel = np.where(rng.random(len(owner)) < 0.6, CH["interbank"], CH["internet"])
            cp = _partners(rng, pool.firms, index, len(firms), 6)
            purpose = np.full(len(owner), P["sales"])
        led.add(ch.main[owner], day, amount, True, purpose, channel, cp)

        owner, day = ch.spread(rng, firms, _poisson(rng, ch, firms, PURCHASES[kind]))
        index = np.searchsorted(firms, owner)
        amount = split_totals(rng, index, income // 100 * rng.integers(55, 76, len(firms)), 0.7) * ch.fate(owner, day, inflow=False) // 1000
        channel = np.where(rng.random(len(owner)) < 0.6, CH["internet"], CH["interbank"] if kind == ENTERPRISE else CH["mobile"])
        led.add(ch.main[owner], day, amount, False, P["purchase"], channel, _partners(rng, pool.firms, index, len(firms), 6))

        staffed = firms[c.employees[ch.lo + firms] > 0]
        owner, day = ch.monthly(staffed, c.pay_day[ch.lo + staffed])
        wage = 550_000 if kind == ENTERPRISE else 350_000
        amount = c.employees[ch.lo + owner] * wage * rng.integers(950, 1051, len(owner)) // 1000 * ch.fate(owner, day, inflow=False) // 1000
        led.add(ch.main[owner], day, amount, False, P["wages_paid"], CH["batch"], -1)

        owner, day = ch.monthly(firms, np.full(len(firms), 15))
        if kind == SOLE_PROPRIETOR:
            quarterly = np.isin(ymd(day)[1], (1, 4, 7, 10))
            owner, day = owner[quarterly], day[quarterly]
            tax = c.income[ch.lo + owner] // 400
        else:
            tax = c.income[ch.lo + owner] // 1200 * rng.integers(30, 51, len(owner)) // 10
        led.add(ch.main[owner], day, tax * ch.fate(owner, day, inflow=False) // 1000, False, P["tax"], CH["internet"], pool.payee["tax"])
        if kind == ENTERPRISE:
            owner, day = ch.monthly(firms, np.full(len(firms), 20))
            led.add(ch.main[owner], day, c.employees[ch.lo + owner] * 115_000, False, P["transfer"], CH["batch"], pool.payee["pension"])
        else:
            owner, day = ch.monthly(firms, np.full(len(firms), 28))
            draw = c.income[ch.lo + owner] // 150 * ch.fate(owner, day, inflow=False) // 1000
            led.add(ch.main[owner], day, draw, False, P["transfer"], CH["mobile"], pool.people[rng.integers(0, len(pool.people), len(owner))])
        power = c.income[ch.lo + firms] // 3000 if kind == ENTERPRISE else lognormal_yuan(rng, 600, 0.5, len(firms), 1)
        owner, day = ch.monthly(firms, np.full(len(firms), 8))
        index = np.searchsorted(firms, owner)
        led.add(ch.main[owner], day, power[index] * rng.integers(80, 121, len(owner)) // 100, False, P["utilities"], CH["batch"], pool.payee["power"])


def _households(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    c, pool = ch.customers, ch.pool
    people = ch.who(c.kind >= FARMER)
    kind = c.kind[ch.lo + people]
    billed = people[rng.random(len(people)) < 0.7]
    for local, median, payee, day_of_month in ((billed, 120, "power", 8), (billed[rng.random(len(billed)) < 0.6], 60, "telecom", 3)):
        owner, day = ch.monthly(local, np.full(len(local), day_of_month))
        bill = lognormal_yuan(rng, median, 0.5, len(local), 1)[np.searchsorted(local, owner)] * rng.integers(70, 131, len(owner)) // 100
        channel = np.where(rng.random(len(owner)) < 0.6, CH["batch"], CH["mobile"])
        led.add(ch.main[owner], day, bill, False, P["utilities"], channel, pool.payee[payee])

    counts = _poisson(rng, ch, people, np.where(kind == INDIVIDUAL, LIVING[INDIVIDUAL], LIVING[FARMER]))
    owner, day = ch.spread(rng, people, counts)
    index = np.searchsorted(people, owner)
    share = np.where(kind == INDIVIDUAL, rng.integers(50, 86, len(people)), rng.integers(35, 61, len(people)))
    amount = split_totals(rng, index, c.income[ch.lo + people] // 100 * share * _active_share(ch, people) // 1000, 0.9)
    amount = amount * ch.fate(owner, day, inflow=False) // 1000
    how = choose(rng, (0.55, 0.2, 0.2, 0.05), len(owner))
    channel = np.array([CH["mobile"], CH["pos"], CH["atm"], CH["counter"]])[how]
    platform = np.where(rng.random(len(owner)) < 0.6, pool.payee["wechat"], pool.payee["alipay"])
    shop = pool.firms[rng.integers(0, len(pool.firms), len(owner))]
    cp = np.select([how == 0, how == 1], [platform, shop], -1)
    purpose = np.where(how >= 2, P["cash"], P["living"])
    led.add(ch.main[owner], day, amount, False, purpose, channel, cp)

    for credit, per_year in ((False, TRANSFERS_OUT), (True, TRANSFERS_IN)):
        owner, day = ch.spread(rng, people, _poisson(rng, ch, people, per_year))
        amount = lognormal_yuan(rng, 1_500, 1.0, len(owner), 10)
        channel = np.where(rng.random(len(owner)) < 0.8, CH["mobile"], CH["counter"] if not credit else CH["interbank"])
        led.add(ch.main[owner], day, amount, credit, P["transfer"], channel, pool.people[rng.integers(0, len(pool.people), len(owner))])


def customer_flows(ch: Chunk, rng: np.random.Generator, led: Ledger) -> None:
    """Add every customer of the chunk's own inflows and outflows to the ledger."""
    _salaries(ch, rng, led)
    _remittances(ch, rng, led)
    _farming(ch, rng, led)
    _business(ch, rng, led)
    _households(ch, rng, led)

