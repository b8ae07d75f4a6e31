"""Approval authority: how much credit, to which grades, a role may approve (bank policy, as data).

A bank delegates credit approval by amount and by the borrower's grade: a sub-branch head may
approve small loans to good grades, the branch credit committee larger ones, head office the
rest. Each role holds a list of limits; a limit names a product family (or every family), the
largest amount it covers, and the worst grade it still covers on the master scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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
