"""Approval authority: how much credit, to which grades, a role may approve (bank policy, as data).

A bank delegates credit approval by amount and by the borrower's grade: a sub-branch head may
approve small loans to good grades, the branch credit committee larger ones, head office the
rest. Each role holds a list of limits; a limit names a product family (or every family), the
largest amount it covers, and the worst grade it still covers on the master scale.

On these limits rest the approval route (the ladder of levels an application climbs to the
lowest one that may decide it), signatures in one's own right or by delegation while an
approver is away, and the four-eyes rule that nobody approves their own application.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

MASTER_SCALE: tuple[str, ...] = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D")
"""Grades from best to worst; D is default (DESIGN.md section 2, credit rating)."""


def grade_rank(grade: str) -> int:
    """Position of `grade` on the master scale, 0 for the best; an unknown grade is an error."""
    try:
        return MASTER_SCALE.index(grade)
    except ValueError:
        raise ValueError(f"{grade!r} is not a grade of the master scale {', '.join(MASTER_SCALE)}") from None


@dataclass(frozen=True)
class AuthorityLimit:
    """One delegated limit: credit of `product_family` (None: any) up to `max_amount` yuan,
    to borrowers graded `worst_grade` or better."""

    product_family: str | None
    max_amount: Decimal
    worst_grade: str

    def __post_init__(self) -> None:
        if not isinstance(self.max_amount, Decimal) or self.max_amount <= 0:
            raise ValueError(f"an authority limit needs a positive Decimal amount, not {self.max_amount!r}")
        grade_rank(self.worst_grade)

    def covers(self, *, product_family: str, amount: Decimal, grade: str) -> bool:
        """Whether this limit alone covers credit of `amount` in `product_family` to `grade`."""
        return (
            (self.product_family is None or self.product_family == product_family)
            and amount <= self.max_amount
            and grade_rank(grade) <= grade_rank(self.worst_grade)
        )


def within_authority(limits: Iterable[AuthorityLimit], *, product_family: str, amount: Decimal, grade: str) -> bool:
    """Whether any of a role's `limits` covers the credit: the rule an approval route is built on.

    Laws: a smaller amount or a better grade never takes credit out of authority; a default (D)
    borrower is within authority only where a limit says so explicitly.
    """
    grade_rank(grade)
    return any(limit.covers(product_family=product_family, amount=amount, grade=grade) for limit in limits)


class AuthorityErrorCode(StrEnum):
    """Why an approval route or a signature cannot be given."""

    NO_LEVEL_COVERS = "no_level_covers"
    LEVELS_INVALID = "levels_invalid"
    DELEGATION_INVALID = "delegation_invalid"
    NOT_AT_LEVEL = "not_at_level"


class AuthorityError(ValueError):
    """An approval route or signature breaks a rule of delegated authority; ``code`` says which."""

    def __init__(self, code: AuthorityErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ApprovalLevel:
    """One level of the approval ladder (a role such as team leader, credit approver, head office)
    and the limits delegated to it."""

    code: str
    limits: tuple[AuthorityLimit, ...]

    def covers(self, *, product_family: str, amount: Decimal, grade: str) -> bool:
        """Whether this level alone may decide the credit (``within_authority`` of its limits)."""
        return within_authority(self.limits, product_family=product_family, amount=amount, grade=grade)


def approval_route(
    levels: Sequence[ApprovalLevel], *, product_family: str, amount: Decimal, grade: str
) -> tuple[str, ...]:
    """The levels an application passes, in order: every level up to the lowest one that may decide it.

    `levels` is the bank's ladder, lowest first. The deciding level is the lowest whose
    authority covers the product family, amount and grade (``within_authority``); the levels
    below it review and recommend (逐级审查), so the route is the ladder up to and including it,
    and the last level of the route decides. Laws: a larger amount or a worse grade never gives
    a shorter route. Raises ``AuthorityError`` (``NO_LEVEL_COVERS``) if no level may decide it,
    and (``LEVELS_INVALID``) for an empty ladder or a level named twice.
    """
    codes = [level.code for level in levels]
    if not codes or len(set(codes)) != len(codes):
        raise AuthorityError(
            AuthorityErrorCode.LEVELS_INVALID, f"an approval ladder needs distinct levels, not {codes}"
        )
    for position, level in enumerate(levels):
        if level.covers(product_family=product_family, amount=amount, grade=grade):
            return tuple(codes[: position + 1])
    raise AuthorityError(
        AuthorityErrorCode.NO_LEVEL_COVERS,
        f"no level of {', '.join(codes)} may approve {amount} yuan of {product_family} to a {grade} borrower",
    )


@dataclass(frozen=True)
class Delegation:
    """`delegator` is away from `starts_on` to `ends_on` (both included) and `delegate` signs for them
    meanwhile, at every level the delegator holds (or only at `levels`, when given)."""

    delegator: str
    delegate: str
    starts_on: date
    ends_on: date
    levels: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.delegate == self.delegator:
            raise AuthorityError(
                AuthorityErrorCode.DELEGATION_INVALID, f"{self.delegator} cannot delegate to themselves"
            )
        if self.ends_on < self.starts_on:
            raise AuthorityError(
                AuthorityErrorCode.DELEGATION_INVALID,
                f"a delegation from {self.delegator} to {self.delegate} ends ({self.ends_on.isoformat()}) "
                f"before it starts ({self.starts_on.isoformat()})",
            )

    def in_force(self, on: date) -> bool:
        """Whether the delegation covers `on`."""
        return self.starts_on <= on <= self.ends_on


@dataclass(frozen=True)
class Signatory:
    """Who signs at an approval level: `person`, in their own right or for `on_behalf_of`."""

    person: str
    level: str
    on_behalf_of: str | None = None


def signatory(
    person: str, *, level: str, on: date, holders: Mapping[str, Collection[str]], delegations: Iterable[Delegation] = ()
) -> Signatory:
    """Who `person` signs as at `level` on `on`: as a holder of the level, or as a delegate.

    `holders` maps each level to the people who hold it. A person holding the level signs in
    their own right. Otherwise a delegation in force on `on`, from a holder of the level and
    covering it, lets the delegate sign on the holder's behalf; delegated authority is not
    delegated again (only holders delegate). Bank policy, DESIGN.md section 1 (approvers,
    delegation while an approver is away). Raises ``AuthorityError`` (``NOT_AT_LEVEL``) otherwise.
    """
    holding = holders.get(level, ())
    if person in holding:
        return Signatory(person, level)
    for delegation in delegations:
        if (
            delegation.delegate == person
            and delegation.delegator in holding
            and delegation.in_force(on)
            and (delegation.levels is None or level in delegation.levels)
        ):
            return Signatory(person, level, on_behalf_of=delegation.delegator)
    raise AuthorityError(
        AuthorityErrorCode.NOT_AT_LEVEL,
        f"{person} neither holds level {level} nor signs for a holder of it on {on.isoformat()}",
    )


def approves_own(signer: Signatory, originators: Collection[str]) -> bool:
    """Whether the signature would approve the signer's own application (four-eyes, DESIGN.md section 1).

    Nobody approves their own application: not the person who applied, submitted or
    investigated it (`originators`), not as a delegate, and not through a delegate signing on
    their behalf.
    """
    return signer.person in originators or (signer.on_behalf_of is not None and signer.on_behalf_of in originators)
