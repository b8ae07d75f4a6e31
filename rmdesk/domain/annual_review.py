"""The annual review of a credit line (授信年审): when it falls due, and what the machine recommends.

A bank reviews every credit line once a year, before each anniversary of the line's start: the
account manager confirms whether the line continues as it is, is reduced, is frozen (no more
drawdowns) or is exited. The machine gathers the facts and recommends; the person decides, and
must say why when deciding more leniently than the machine (rmdesk.credit.reviews).

The rules (bank policy defaults, every threshold in ``ReviewPolicy``; the five categories and the
90-day line from DESIGN.md section 3):

- EXIT: a loan of the line is non-performing (substandard, doubtful, loss), or was more than 90
  days past due in the last twelve months (over 90 days is non-performing even with ample
  collateral), or the borrower's grade is now D (default);
- FREEZE: a loan is special mention, or was more than 30 days past due in the year, or the
  borrower has no decided rating in force (the line cannot run on a lapsed rating), or the
  grade has fallen two notches or more since the line was approved;
- REDUCE: the grade has fallen one notch; the line is mostly unused (outstanding below 30% of
  the line: reduce it to what is used, for an unused line still counts against the customer's
  limits and the bank's capital); the customer's deposits here fell by more than 30% over the
  year (from at least 10,000 yuan); post-loan inspections are late; the latest statements
  carry flags (unexplained moves, rmdesk.domain.anomalies) to be explained;
- else CONTINUE.

The outcome is the most severe any rule gives; each rule that applies is a reason, a code with
its figures as text, which the desk words in the reader's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from rmdesk.domain.amortisation import add_months
from rmdesk.domain.authority import MASTER_SCALE, grade_rank
from rmdesk.domain.classification import Category

DEFAULT_GRADE = MASTER_SCALE[-1]


class ReviewOutcome(StrEnum):
    """What becomes of a line at its review, from the most lenient to the most severe."""

    CONTINUE = "continue"
    """The line continues as it is."""
    REDUCE = "reduce"
    """The line is reduced (to what is used, or as the person decides)."""
    FREEZE = "freeze"
    """No more drawdowns; what is drawn is repaid on schedule."""
    EXIT = "exit"
    """The bank leaves the credit: no drawdowns, repayment pursued, the line not renewed."""

    @property
    def severity(self) -> int:
        """0 for continue up to 3 for exit: a higher severity is a stricter outcome."""
        return _OUTCOMES.index(self)


_OUTCOMES = tuple(ReviewOutcome)


class ReviewReasonCode(StrEnum):
    """Why the machine recommends what it does; each with its figures (see ``ReviewReason``)."""

    NON_PERFORMING = "non_performing"
    """figures: category (the worst category of the line's loans now)."""
    DAYS_PAST_DUE = "days_past_due"
    """figures: days (most in the last twelve months), limit (days)."""
    GRADE_IN_DEFAULT = "grade_in_default"
    """figures: grade."""
    SPECIAL_MENTION = "special_mention"
    """figures: category."""
    RATING_EXPIRED = "rating_expired"
    """figures: valid_until (ISO date, empty when never rated)."""
    GRADE_FELL = "grade_fell"
    """figures: from, to (grades), notches."""
    LINE_MOSTLY_UNUSED = "line_mostly_unused"
    """figures: percent (used), floor (percent), outstanding, line (yuan)."""
    DEPOSITS_FELL = "deposits_fell"
    """figures: before, now (yuan), percent (fall), limit (percent)."""
    INSPECTIONS_LATE = "inspections_late"
    """figures: count."""
    STATEMENT_FLAGS = "statement_flags"
    """figures: count."""


class ReviewError(ValueError):
    """The facts or the policy of a review are not valid; the message says which and why."""


def _anniversary(valid_from: datetime.date, years: int) -> datetime.date:
    # add_months clamps the day to the month's end: 29 Feb falls on 28 Feb in a common year.
    return add_months(valid_from, 12 * years)


def review_due_on(valid_from: datetime.date, as_of: datetime.date) -> datetime.date:
    """The line's next annual review: the first anniversary of ``valid_from`` on or after ``as_of``
    (never ``valid_from`` itself: the first review is a year after the line starts). A line that
    starts on 29 February is reviewed on 28 February in common years (bank policy: the
    anniversary never moves into the next month)."""
    years = max(1, as_of.year - valid_from.year)
    due = _anniversary(valid_from, years)
    while due < as_of:
        years += 1
        due = _anniversary(valid_from, years)
    return due


def review_due(valid_from: datetime.date, valid_until: datetime.date, as_of: datetime.date) -> datetime.date | None:
    """The review the line has on or after ``as_of`` (``review_due_on``), or None when the line ends
    before it: a line ending before its anniversary is renewed (续贷) or closed, not reviewed."""
    due = review_due_on(valid_from, as_of)
    return due if due <= valid_until else None


def _share(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or not Decimal(value).is_finite():
        raise ReviewError(f"{what} must be a finite Decimal, not {value!r}")
    if not 0 <= value <= 1:
        raise ReviewError(f"{what} must be between 0 and 1, not {value}")
    return Decimal(value)


def _whole(value: object, what: str, *, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ReviewError(f"{what} must be a whole number of at least {least}, not {value!r}")
    return value


def _money(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or not Decimal(value).is_finite() or value < 0:
        raise ReviewError(f"{what} must be an amount of 0 or more (Decimal), not {value!r}")
    return Decimal(value)


def _grade(value: str | None, what: str) -> None:
    if value is not None and value not in MASTER_SCALE:
        raise ReviewError(f"{what} {value!r} is not a grade of the master scale {', '.join(MASTER_SCALE)}")


@dataclass(frozen=True)
class ReviewPolicy:
    """The thresholds of the annual review (bank policy defaults, held as data by the shell).

    - ``exit_days_past_due``: more days past due in the year than this exits (90: over 90 days is
      non-performing, DESIGN.md section 3);
    - ``freeze_days_past_due``: more than this freezes (30: a month behind is more than a slip);
    - ``freeze_notches``: a grade fallen this many notches or more freezes (2); one notch less
      reduces;
    - ``utilisation_floor``: a line with less outstanding than this share of it is reduced (0.30);
    - ``deposits_fall``: deposits here falling by more than this share over the year reduce (0.30),
      counted only from ``deposits_minimum`` yuan a year ago (10,000: smaller balances move with
      a harvest or a purchase and say nothing);
    - ``inspections_late_allowed``, ``statement_flags_allowed``: more late inspections or statement
      flags than this reduce (0: every one must be dealt with first).
    """

    exit_days_past_due: int = 90
    freeze_days_past_due: int = 30
    freeze_notches: int = 2
    utilisation_floor: Decimal = Decimal("0.30")
    deposits_fall: Decimal = Decimal("0.30")
    deposits_minimum: Decimal = Decimal("10000")
    inspections_late_allowed: int = 0
    statement_flags_allowed: int = 0

    def __post_init__(self) -> None:
        _whole(self.freeze_days_past_due, "days past due that freeze")
        if _whole(self.exit_days_past_due, "days past due that exit") < self.freeze_days_past_due:
            raise ReviewError(
                f"days past due that exit ({self.exit_days_past_due}) cannot be fewer than those that freeze ({self.freeze_days_past_due})"
            )
        _whole(self.freeze_notches, "notches that freeze", least=2)
        _share(self.utilisation_floor, "utilisation floor")
        _share(self.deposits_fall, "fall of deposits")
        _money(self.deposits_minimum, "deposits minimum")
        _whole(self.inspections_late_allowed, "late inspections allowed")
        _whole(self.statement_flags_allowed, "statement flags allowed")


DEFAULT_REVIEW_POLICY = ReviewPolicy()


@dataclass(frozen=True)
class ReviewFacts:
    """What the machine knows of a line on the day it prepares the review (``as_of``).

    - ``line_amount``, ``outstanding``: the line and the principal owed on its loans, yuan;
    - ``grade_at_approval``: the borrower's grade in force when the line was signed (None: unknown);
    - ``grade_now``: the latest decided grade, ``rating_valid_until`` its validity (None: never rated);
    - ``category_now``: the worst five-category classification of the line's loans now;
    - ``max_days_past_due``: the most days any loan of the line was past due in the last 12 months;
    - ``inspections_late``: post-loan inspections of its loans past their due date;
    - ``statement_flags``: flags on the customer's latest financial statements;
    - ``deposits_now``, ``deposits_year_ago``: the customer's deposits at this bank, yuan.
    """

    as_of: datetime.date
    line_amount: Decimal
    outstanding: Decimal
    grade_at_approval: str | None
    grade_now: str | None
    rating_valid_until: datetime.date | None
    category_now: Category = Category.NORMAL
    max_days_past_due: int = 0
    inspections_late: int = 0
    statement_flags: int = 0
    deposits_now: Decimal = Decimal(0)
    deposits_year_ago: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if _money(self.line_amount, "line amount") == 0:
            raise ReviewError("line amount must be more than 0")
        for name in ("outstanding", "deposits_now", "deposits_year_ago"):
            _money(getattr(self, name), name.replace("_", " "))
        for name in ("max_days_past_due", "inspections_late", "statement_flags"):
            _whole(getattr(self, name), name.replace("_", " "))
        _grade(self.grade_at_approval, "grade at approval")
        _grade(self.grade_now, "grade now")
        if self.grade_now is not None and self.rating_valid_until is None:
            raise ReviewError("a grade now needs the date its rating is valid until")
        object.__setattr__(self, "category_now", Category(self.category_now))

    @property
    def utilisation(self) -> Decimal:
        """Outstanding over the line, a fraction (0.625 for 500,000 of 800,000), unrounded."""
        return self.outstanding / self.line_amount

    @property
    def notches_fallen(self) -> int | None:
        """Notches the grade has fallen since approval (negative: risen), None when either is unknown."""
        if self.grade_at_approval is None or self.grade_now is None:
            return None
        return grade_rank(self.grade_now) - grade_rank(self.grade_at_approval)


Figures = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReviewReason:
    """One rule that applies: its code, the outcome it points to, and its figures as text."""

    code: ReviewReasonCode
    outcome: ReviewOutcome
    figures: Figures = ()

    def as_dict(self) -> dict[str, str]:
        """The figures by name, for the desk's translated sentence."""
        return dict(self.figures)


@dataclass(frozen=True)
class ReviewRecommendation:
    """The machine's recommendation: the most severe outcome of the reasons (CONTINUE without any)."""

    outcome: ReviewOutcome
    reasons: tuple[ReviewReason, ...]


def _percent(share: Decimal) -> str:
    return str((share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _yuan(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _reasons(facts: ReviewFacts, policy: ReviewPolicy) -> list[ReviewReason]:
    found: list[ReviewReason] = []
    category = facts.category_now
    if category.is_non_performing:
        found.append(ReviewReason(ReviewReasonCode.NON_PERFORMING, ReviewOutcome.EXIT, (("category", category.value),)))
    elif category is Category.SPECIAL_MENTION:
        found.append(ReviewReason(ReviewReasonCode.SPECIAL_MENTION, ReviewOutcome.FREEZE, (("category", category.value),)))
    days = facts.max_days_past_due
    if days > policy.exit_days_past_due:
        found.append(
            ReviewReason(ReviewReasonCode.DAYS_PAST_DUE, ReviewOutcome.EXIT, (("days", str(days)), ("limit", str(policy.exit_days_past_due))))
        )
    elif days > policy.freeze_days_past_due:
        found.append(
            ReviewReason(ReviewReasonCode.DAYS_PAST_DUE, ReviewOutcome.FREEZE, (("days", str(days)), ("limit", str(policy.freeze_days_past_due))))
        )
    if facts.grade_now == DEFAULT_GRADE:
        found.append(ReviewReason(ReviewReasonCode.GRADE_IN_DEFAULT, ReviewOutcome.EXIT, (("grade", facts.grade_now),)))
    if facts.rating_valid_until is None or facts.rating_valid_until < facts.as_of:
        until = facts.rating_valid_until.isoformat() if facts.rating_valid_until else ""
        found.append(ReviewReason(ReviewReasonCode.RATING_EXPIRED, ReviewOutcome.FREEZE, (("valid_until", until),)))
    notches = facts.notches_fallen
    if notches is not None and notches >= 1:
        outcome = ReviewOutcome.FREEZE if notches >= policy.freeze_notches else ReviewOutcome.REDUCE
        figures = (("from", facts.grade_at_approval or ""), ("to", facts.grade_now or ""), ("notches", str(notches)))
        found.append(ReviewReason(ReviewReasonCode.GRADE_FELL, outcome, figures))
    if facts.utilisation < policy.utilisation_floor:
        figures = (
            ("percent", _percent(facts.utilisation)), ("floor", _percent(policy.utilisation_floor)),
            ("outstanding", _yuan(facts.outstanding)), ("line", _yuan(facts.line_amount)),
        )
        found.append(ReviewReason(ReviewReasonCode.LINE_MOSTLY_UNUSED, ReviewOutcome.REDUCE, figures))
    before = facts.deposits_year_ago
    if before >= policy.deposits_minimum and before > 0:
        fall = (before - facts.deposits_now) / before
        if fall > policy.deposits_fall:
            figures = (
                ("before", _yuan(before)), ("now", _yuan(facts.deposits_now)),
                ("percent", _percent(fall)), ("limit", _percent(policy.deposits_fall)),
            )
            found.append(ReviewReason(ReviewReasonCode.DEPOSITS_FELL, ReviewOutcome.REDUCE, figures))
    if facts.inspections_late > policy.inspections_late_allowed:
        found.append(ReviewReason(ReviewReasonCode.INSPECTIONS_LATE, ReviewOutcome.REDUCE, (("count", str(facts.inspections_late)),)))
    if facts.statement_flags > policy.statement_flags_allowed:
        found.append(ReviewReason(ReviewReasonCode.STATEMENT_FLAGS, ReviewOutcome.REDUCE, (("count", str(facts.statement_flags)),)))
    return found


def recommend_review(facts: ReviewFacts, policy: ReviewPolicy = DEFAULT_REVIEW_POLICY) -> ReviewRecommendation:
    """The machine's recommendation for a line at its annual review (the rules of this module's
    docstring; bank policy, DESIGN.md section 3): every rule that applies is a reason, most
    severe first, and the outcome is the most severe of them, CONTINUE when none applies."""
    reasons = sorted(_reasons(facts, policy), key=lambda reason: -reason.outcome.severity)
    outcome = reasons[0].outcome if reasons else ReviewOutcome.CONTINUE
    return ReviewRecommendation(outcome, tuple(reasons))


def more_lenient(chosen: ReviewOutcome | str, recommended: ReviewOutcome | str) -> bool:
    """Whether the person's outcome is more lenient than the machine's (which then needs their reasons)."""
    return ReviewOutcome(chosen).severity < ReviewOutcome(recommended).severity
