"""The bank's organisation: head office > branches > one outlet per township, and its people.

Usernames are fixed and readable because the README and ``make demo`` name them: ``am1`` ...
``amN`` (account managers, outlet by outlet), ``leader1`` ... (one team leader per outlet),
``approver`` and ``risk`` (credit approver and risk officer of the first branch),
``headoffice``, ``admin``; managers who have left are ``departed1`` ... and inactive.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import polars as pl

from rmdesk.org.models import OrgUnitKind, RoleCode
from rmdesk.synthetic.generate.common import day_of, rng_for
from rmdesk.synthetic.generate.identity import mobile_phones, person_names
from rmdesk.synthetic.names import BANK_NAME, COUNTY, COUNTY_SEAT, STREETS, TOWNSHIP_STREETS, TOWNSHIPS
from rmdesk.synthetic.scales import Scale

_SHANGHAI_OFFSET = datetime.timedelta(hours=8)


def township_short(index: int) -> str:
    """A township's name without 镇 or 乡, as branch names use it (石桥镇 -> 石桥)."""
    return TOWNSHIPS[index][0][:-1]


def outlet_name(index: int) -> str:
    """Name of the outlet of the township at ``index`` (e.g. 石桥镇分理处)."""
    return f"{TOWNSHIPS[index][0]}分理处"


def branch_name(index: int, outlets_per_branch: int) -> str:
    """Name of branch ``index``, after the first township it serves (e.g. 城关支行)."""
    return f"{township_short(index * outlets_per_branch)}支行"


@dataclass(frozen=True)
class Org:
    """Org units and users as frames, and the arrays the rest of the bank is built on.

    ``manager_ids[i]`` is the user id of account manager ``am{i+1}`` and ``manager_outlet[i]`` the
    outlet index it works in; ``outlet_staff[k]`` is how many account managers outlet ``k`` has
    and ``outlet_first_manager[k]`` the index of its first; ``outlet_unit_ids[k]`` is the org unit
    of outlet ``k`` (township ``k``); ``leader_ids[k]`` its team leader; ``departed_ids`` /
    ``departed_outlet`` the managers who left.
    """

    units: pl.DataFrame
    users: pl.DataFrame
    outlet_unit_ids: np.ndarray
    manager_ids: np.ndarray
    manager_outlet: np.ndarray
    outlet_staff: np.ndarray
    leader_ids: np.ndarray
    departed_ids: np.ndarray
    departed_outlet: np.ndarray
    departed_on: np.ndarray

    @property
    def outlet_first_manager(self) -> np.ndarray:
        """Index in ``manager_ids`` of each outlet's first account manager."""
        return np.concatenate([[0], np.cumsum(self.outlet_staff)[:-1]]).astype(np.int64)


def outlet_staffing(scale: Scale) -> np.ndarray:
    """How many account managers each outlet has: the bank's managers shared by customers.

    A bank staffs an outlet for the customers it serves, so the scale's account managers are
    shared among the outlets in proportion to their townships' weight in ``TOWNSHIPS`` (the
    share of the customers each gets), at least one each, by largest remainder so that the
    total is ``scale.account_managers``. A county seat outlet with 15% of the customers gets
    about 15% of the managers; equal staffing would give its managers books several times the
    size of a village outlet's.
    """
    weights = np.array([w for _, w in TOWNSHIPS[: scale.outlets]])
    spare = scale.account_managers - scale.outlets
    quota = spare * weights / weights.sum()
    staff = 1 + np.floor(quota).astype(np.int64)
    short = scale.account_managers - int(staff.sum())
    staff[np.argsort(-(quota - np.floor(quota)), kind="stable")[:short]] += 1
    return staff


def _units(scale: Scale) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    codes, names, kinds, parents, paths, addresses = ["HO"], [f"{BANK_NAME}总行"], [OrgUnitKind.HEAD_OFFICE.value], [None], ["/HO/"], [f"{COUNTY}{COUNTY_SEAT}{STREETS[0]}1号"]
    branch_ids = []
    for b in range(scale.branches):
        code = f"BR{b + 1:02d}"
        codes.append(code)
        names.append(branch_name(b, scale.outlets_per_branch))
        kinds.append(OrgUnitKind.BRANCH.value)
        parents.append(1)
        paths.append(f"/HO/{code}/")
        first = b * scale.outlets_per_branch
        addresses.append(f"{COUNTY}{TOWNSHIPS[first][0]}{STREETS[(b + 1) % len(STREETS)]}{8 + b}号")
        branch_ids.append(len(codes))
    outlet_ids = []
    for k in range(scale.outlets):
        branch = k // scale.outlets_per_branch
        code = f"OT{k + 1:02d}"
        codes.append(code)
        names.append(outlet_name(k))
        kinds.append(OrgUnitKind.OUTLET.value)
        parents.append(branch_ids[branch])
        paths.append(f"/HO/BR{branch + 1:02d}/{code}/")
        street = STREETS[(k * 3) % len(STREETS)] if TOWNSHIPS[k][0] == COUNTY_SEAT else TOWNSHIP_STREETS[k % len(TOWNSHIP_STREETS)]
        addresses.append(f"{COUNTY}{TOWNSHIPS[k][0]}{street}{12 + k * 7}号")
        outlet_ids.append(len(codes))
    units = pl.DataFrame(
        {
            "id": np.arange(1, len(codes) + 1, dtype=np.int64),
            "code": codes,
            "name": names,
            "kind": kinds,
            "parent_id": pl.Series(parents, dtype=pl.Int64),
            "path": paths,
            "address": addresses,
            "closed_on": pl.Series([None] * len(codes), dtype=pl.Date),
        }
    )
    return units, np.array(branch_ids, dtype=np.int64), np.array(outlet_ids, dtype=np.int64)


def generate_org(scale: Scale, seed: int, as_of: datetime.date) -> Org:
    """Head office, branches and outlets; the staff with their roles and org units.

    Plants: account managers in every outlet, as many as its customers call for
    (``outlet_staffing``), a team leader per outlet, a credit approver and a
    risk officer at the first branch, a head-office user, a compliance officer and an
    administrator at head office,
    and managers who have left (inactive) spread over the outlets.
    """
    rng = rng_for(seed, "org")
    units, branch_ids, outlet_ids = _units(scale)
    head_office = 1
    rows: list[tuple[str, str, int, bool]] = [
        ("headoffice", RoleCode.HEAD_OFFICE.value, head_office, True),
        ("admin", RoleCode.ADMINISTRATOR.value, head_office, True),
        ("approver", RoleCode.CREDIT_APPROVER.value, int(branch_ids[0]), True),
        ("risk", RoleCode.RISK_OFFICER.value, int(branch_ids[0]), True),
        ("compliance", RoleCode.COMPLIANCE_OFFICER.value, head_office, True),
    ]
    first_leader = len(rows)
    rows += [(f"leader{k + 1}", RoleCode.TEAM_LEADER.value, int(outlet_ids[k]), True) for k in range(scale.outlets)]
    staff = outlet_staffing(scale)
    manager_outlet = np.repeat(np.arange(scale.outlets), staff)
    rows += [(f"am{i + 1}", RoleCode.ACCOUNT_MANAGER.value, int(outlet_ids[k]), True) for i, k in enumerate(manager_outlet)]
    departed_outlet = np.arange(scale.departed_managers) % scale.outlets
    rows += [(f"departed{i + 1}", RoleCode.ACCOUNT_MANAGER.value, int(outlet_ids[k]), False) for i, k in enumerate(departed_outlet)]
    n = len(rows)
    ids = np.arange(1, n + 1, dtype=np.int64)
    male = rng.random(n) < 0.55
    birth_year = rng.integers(1968, 2001, n)
    joined_years_ago = rng.integers(1, 25, n)
    joined = [
        datetime.datetime.combine(as_of.replace(year=as_of.year - int(y), day=1), datetime.time(9, 0)) - _SHANGHAI_OFFSET
        for y in joined_years_ago
    ]
    users = pl.DataFrame(
        {
            "id": ids,
            "username": [r[0] for r in rows],
            "display_name": person_names(rng, male, birth_year),
            "employee_number": [f"QH{i:06d}" for i in ids],
            "role": [r[1] for r in rows],
            "org_unit_id": np.array([r[2] for r in rows], dtype=np.int64),
            "phone": mobile_phones(rng, n),
            "language": [""] * n,
            "is_active": [r[3] for r in rows],
            "is_staff": [r[0] == "admin" for r in rows],
            "is_superuser": [False] * n,
            "first_name": [""] * n,
            "last_name": [""] * n,
            "email": [f"{r[0]}@qhrcb.example" for r in rows],
            "date_joined": pl.Series(joined, dtype=pl.Datetime("us")),
            "last_login": pl.Series([None] * n, dtype=pl.Datetime("us")),
        }
    )
    first_manager = first_leader + scale.outlets
    first_departed = first_manager + len(manager_outlet)
    # Managers left between two years and two months before as_of: their customers were handed
    # over then, so the history shows them and nothing else does.
    departed_on = day_of(as_of) - rng.integers(60, 730, scale.departed_managers)
    return Org(
        units=units,
        users=users,
        outlet_unit_ids=outlet_ids,
        manager_ids=ids[first_manager:first_departed],
        manager_outlet=manager_outlet,
        outlet_staff=staff,
        leader_ids=ids[first_leader:first_manager],
        departed_ids=ids[first_departed:],
        departed_outlet=departed_outlet,
        departed_on=departed_on,
    )
