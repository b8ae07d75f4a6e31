"""The people behind customers: owners, controllers, shareholders, financial officers, families.

A firm's owner is its legal representative, actual controller and main shareholder (three
rows, as a credit file lists them); some enterprises are owned by one of the bank's individual
customers, which makes the two related parties. A household's head is the customer itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from rmdesk.customers.models import KeyPersonRole
from rmdesk.synthetic.generate.common import Window, rng_for, ymd
from rmdesk.synthetic.generate.customers import (
    DAYS_A_YEAR,
    ENTERPRISE,
    FARMER,
    INDIVIDUAL,
    KEY_PEOPLE_ID_BLOCK,
    SOLE_PROPRIETOR,
    Customers,
)
from rmdesk.synthetic.generate.identity import mobile_phones, person_names, resident_ids, sequence_ranks, surname_of

_OWNED_BY_A_CUSTOMER = 0.15
"""Share of enterprises whose owner is also an individual customer of the bank."""


@dataclass(frozen=True)
class People:
    """The key people frame, and the enterprises owned by individual customers.

    ``owned_firm[i]`` is owned by individual customer ``owner_customer[i]`` (0-based customer
    indexes): the pairs are related parties.
    """

    frame: pl.DataFrame
    owned_firm: np.ndarray
    owner_customer: np.ndarray


def generate_people(seed: int, window: Window, customers: Customers) -> People:
    """Key people of every customer, with valid resident identity numbers.

    Plants: for enterprises the owner (legal representative, actual controller, shareholder),
    a second shareholder when the owner holds less than all, and a financial officer; for sole
    proprietors the operator and their spouse; for farmer households the head (the customer's
    own identity number), the spouse and often a grown-up child; for some individuals a contact.
    """
    rng = rng_for(seed, "people")
    c = customers
    as_of = window.last
    firms = np.flatnonzero(c.kind == ENTERPRISE)
    shops = np.flatnonzero(c.kind == SOLE_PROPRIETOR)
    farms = np.flatnonzero(c.kind == FARMER)
    individuals = np.flatnonzero(c.kind == INDIVIDUAL)

    # Owners: the firm's own owner, or for some enterprises an individual customer.
    owned = rng.random(len(firms)) < _OWNED_BY_A_CUSTOMER
    owned_firm = firms[owned]
    owner_customer = rng.choice(individuals, size=len(owned_firm), replace=False) if len(individuals) >= len(owned_firm) else individuals[:0]
    owned_firm = owned_firm[: len(owner_customer)]

    # New people: partners and financial officers of firms, spouses, children, contacts.
    owner_share = np.where(rng.random(len(firms)) < 0.45, 10000, rng.integers(51, 100, len(firms)) * 100)
    partnered = firms[owner_share < 10000]
    spouse_of = np.concatenate([shops, farms[rng.random(len(farms)) < 0.7]])
    child_of = farms[rng.random(len(farms)) < 0.5]
    contact_of = individuals[rng.random(len(individuals)) < 0.15]
    groups = (partnered, firms, spouse_of, child_of, contact_of)
    counts = [len(g) for g in groups]
    who = np.concatenate(groups)
    n_new = len(who)
    kind_of_new = np.repeat(np.arange(5), counts)
    male = np.where(kind_of_new == 2, ~c.male[who], rng.random(n_new) < 0.55)
    age_gap = np.select(
        [kind_of_new == 2, kind_of_new == 3],
        [rng.integers(-5 * 365, 5 * 365, n_new), rng.integers(20 * 365, 32 * 365, n_new)],
        0,
    )
    born = np.where(np.isin(kind_of_new, (2, 3)), c.born[who] + age_gap, as_of - np.rint((25 + rng.random(n_new) * 30) * DAYS_A_YEAR).astype(np.int64))
    # Children too young to be on a credit file are taken to be the household's grown-up
    # ones: 18 to 21.
    adult = as_of - int(18 * DAYS_A_YEAR)
    born = np.where(born > adult, adult - rng.integers(0, 3 * 365, n_new), born)
    surnames = np.where(kind_of_new == 3, surname_of(c.person[who]), "")
    names = person_names(rng, male, ymd(born)[0])
    children = kind_of_new == 3
    names[children] = person_names(rng, male[children], ymd(born[children])[0], surnames[children])
    # Owners of firms and the new people are ranked together, so their numbers never collide
    # with each other, and in their own block, so never with customers'.
    owners = np.concatenate([firms, shops])
    all_born = np.concatenate([c.born[owners], born])
    all_male = np.concatenate([c.male[owners], male])
    numbers = resident_ids(all_born, all_male, sequence_ranks(all_born, all_male), block=KEY_PEOPLE_ID_BLOCK)
    new_ids = numbers[len(owners) :]

    # Owners' identity: the owning individual customer's where there is one.
    id_numbers = c.frame["id_number"].to_numpy()
    owner_name = c.person.astype(object).copy()
    owner_id = np.empty(c.n, dtype=object)
    owner_id[owners] = numbers[: len(owners)]
    owner_name[owned_firm] = c.person[owner_customer]
    owner_id[owned_firm] = id_numbers[owner_customer]

    rows_customer = [firms, firms, firms, shops, farms, who]
    rows_role = [
        np.full(len(firms), KeyPersonRole.LEGAL_REPRESENTATIVE.value, dtype=object),
        np.full(len(firms), KeyPersonRole.ACTUAL_CONTROLLER.value, dtype=object),
        np.full(len(firms), KeyPersonRole.SHAREHOLDER.value, dtype=object),
        np.full(len(shops), KeyPersonRole.LEGAL_REPRESENTATIVE.value, dtype=object),
        np.full(len(farms), KeyPersonRole.HOUSEHOLD_HEAD.value, dtype=object),
        np.array(
            [KeyPersonRole.SHAREHOLDER.value, KeyPersonRole.FINANCIAL_OFFICER.value, KeyPersonRole.SPOUSE.value, KeyPersonRole.FAMILY_MEMBER.value, KeyPersonRole.CONTACT.value],
            dtype=object,
        )[kind_of_new],
    ]
    rows_name = [owner_name[firms], owner_name[firms], owner_name[firms], owner_name[shops], c.person[farms].astype(object), names.astype(object)]
    rows_id = [owner_id[firms], owner_id[firms], owner_id[firms], owner_id[shops], id_numbers[farms], new_ids.astype(object)]
    partner_share = 10000 - owner_share[owner_share < 10000]
    rows_share = [
        np.full(len(firms), -1), np.full(len(firms), -1), owner_share, np.full(len(shops), -1), np.full(len(farms), -1),
        np.concatenate([partner_share, np.full(n_new - len(partnered), -1)]),
    ]
    customer = np.concatenate(rows_customer)
    is_owner_row = np.concatenate([np.ones(3 * len(firms), bool), np.zeros(len(customer) - 3 * len(firms), bool)])
    # Rows in customer order, each customer's rows in the order above, so ids follow customers.
    order = np.argsort(customer, kind="stable")
    share = np.concatenate(rows_share)[order]
    total = len(customer)
    frame = pl.DataFrame(
        {
            "id": np.arange(1, total + 1, dtype=np.int64),
            "customer_id": customer[order] + 1,
            "role": np.concatenate(rows_role)[order].astype(str),
            "name": np.concatenate(rows_name)[order].astype(str),
            "id_number": np.concatenate(rows_id)[order].astype(str),
            "phone": mobile_phones(rng, total),
            "share": pl.select(pl.when(pl.Series(share >= 0)).then(pl.Series(share)).alias("s")).to_series(),
            "note": np.where((is_owner_row & np.isin(customer, owned_firm))[order], "本行个人客户", "").astype(str),
        }
    )
    return People(frame=frame, owned_firm=owned_firm, owner_customer=owner_customer)
