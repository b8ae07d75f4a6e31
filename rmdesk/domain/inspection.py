"""Post-loan inspection schedule (贷后检查): when the next inspection is due, and who hears when it is late.

The regulators' loan-management measures (working-capital, fixed-asset and personal loans)
require post-loan management but leave its rhythm to the bank: bank policy held as data
(``InspectionPolicy``). The defaults follow common county-bank practice: the first inspection
within 15 days of disbursement; then quarterly while the loan is normal and monthly once it is
special mention or worse; a weak grade may shorten the interval, never lengthen it; a downgrade
brings the next inspection within 15 days. An inspection not done by its due date escalates: to
the team leader the day after, to the risk officer after 30 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from rmdesk.domain.amortisation import add_months
from rmdesk.domain.authority import grade_rank
from rmdesk.domain.classification import Category


class InspectionErrorCode(StrEnum):
    """Why an inspection policy is refused."""

    POLICY_INVALID = "policy_invalid"


class InspectionError(ValueError):
    """An inspection policy breaks a rule; ``code`` says which."""

    def __init__(self, code: InspectionErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _default_by_category() -> Mapping[Category, int]:
    return MappingProxyType(
        {
            Category.NORMAL: 3,
            Category.SPECIAL_MENTION: 1,
            Category.SUBSTANDARD: 1,
            Category.DOUBTFUL: 1,
            Category.LOSS: 1,
        }
    )


def _default_by_grade() -> Mapping[str, int]:
    return MappingProxyType({"B": 2, "CCC": 1, "CC": 1, "C": 1, "D": 1})


@dataclass(frozen=True)
class InspectionPolicy:
    """The inspection rhythm as data (defaults: see the module docstring).

    ``first_within_days``: the first inspection is due that many days after disbursement.
    ``months_by_category``: the interval after an inspection, by the loan's category (every
    category needs one). ``months_by_grade``: a shorter interval for weak grades; the shorter of
    the two applies. ``after_downgrade_within_days``: a downgrade after the last inspection
    brings the next one within that many days. ``escalation``: ``(days late, role)`` steps, the
    role told once the inspection is that many days past due.
    """

    first_within_days: int = 15
    months_by_category: Mapping[Category, int] = field(default_factory=_default_by_category)
    months_by_grade: Mapping[str, int] = field(default_factory=_default_by_grade)
    after_downgrade_within_days: int = 15
    escalation: tuple[tuple[int, str], ...] = ((1, "team_leader"), (30, "risk_officer"))

    def __post_init__(self) -> None:
        missing = [c.value for c in Category if c not in self.months_by_category]
        if missing:
            raise InspectionError(
                InspectionErrorCode.POLICY_INVALID, f"inspection intervals are missing for {', '.join(missing)}"
            )
        months = [*self.months_by_category.values(), *self.months_by_grade.values()]
        if any(m < 1 for m in months) or self.first_within_days < 0 or self.after_downgrade_within_days < 0:
            raise InspectionError(
                InspectionErrorCode.POLICY_INVALID,
                "inspection intervals must be at least 1 month and day counts 0 or more",
            )
        for grade in self.months_by_grade:
            try:
                grade_rank(grade)
            except ValueError as error:
                raise InspectionError(InspectionErrorCode.POLICY_INVALID, str(error)) from None
        days = [d for d, _ in self.escalation]
        if not days or days[0] < 1 or any(b <= a for a, b in zip(days, days[1:])):
            raise InspectionError(
                InspectionErrorCode.POLICY_INVALID,
                f"escalation steps must start at 1 day late or more and rise strictly: {self.escalation}",
            )


DEFAULT_INSPECTION_POLICY = InspectionPolicy()


def inspection_interval_months(
    category: Category, grade: str | None = None, policy: InspectionPolicy = DEFAULT_INSPECTION_POLICY
) -> int:
    """Months from one inspection to the next: the category's interval, shortened by the grade's
    when the grade has a shorter one (bank policy, ``InspectionPolicy``)."""
    months = policy.months_by_category[Category(category)]
    if grade is not None and grade in policy.months_by_grade:
        months = min(months, policy.months_by_grade[grade])
    return months


def next_inspection_due(
    *,
    disbursed_on: date,
    last_inspected_on: date | None,
    category: Category,
    grade: str | None = None,
    downgraded_on: date | None = None,
    policy: InspectionPolicy = DEFAULT_INSPECTION_POLICY,
) -> date:
    """The date by which the next post-loan inspection must be done.

    No inspection since disbursement: ``policy.first_within_days`` after disbursement. Otherwise
    the last inspection + ``inspection_interval_months`` for the loan's current category and
    grade; but a downgrade after the last inspection makes it due at the latest
    ``policy.after_downgrade_within_days`` after the downgrade, and no earlier than the downgrade
    itself. Bank policy defaults (module docstring).
    """
    if last_inspected_on is None or last_inspected_on < disbursed_on:
        return disbursed_on + timedelta(days=policy.first_within_days)
    due = add_months(last_inspected_on, inspection_interval_months(category, grade, policy))
    if downgraded_on is not None and downgraded_on > last_inspected_on:
        latest = downgraded_on + timedelta(days=policy.after_downgrade_within_days)
        if not downgraded_on <= due <= latest:
            due = latest
    return due


@dataclass(frozen=True)
class Escalation:
    """An overdue inspection reported to `role` from `on`, when it is `days_late` days past due."""

    role: str
    on: date
    days_late: int


def escalation_steps(due_on: date, policy: InspectionPolicy = DEFAULT_INSPECTION_POLICY) -> tuple[Escalation, ...]:
    """Who is told, and from which date, if the inspection due on `due_on` is not done
    (``policy.escalation``: by default the team leader the day after, the risk officer after 30
    days)."""
    return tuple(Escalation(role, due_on + timedelta(days=days), days) for days, role in policy.escalation)


def escalation(*, due_on: date, today: date, policy: InspectionPolicy = DEFAULT_INSPECTION_POLICY) -> Escalation | None:
    """The highest escalation an inspection due on `due_on` and not yet done has reached by `today`,
    or None while it is not late enough (the account manager alone is responsible until then)."""
    reached = [step for step in escalation_steps(due_on, policy) if step.on <= today]
    return reached[-1] if reached else None
