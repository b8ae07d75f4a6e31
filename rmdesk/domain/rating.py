"""Credit rating by expert scorecard (信用评级): factors, points, grades, overrides, what lifts a grade.

An expert scorecard is data, one per kind of customer (enterprise, sole proprietor, farmer
household, individual), configured by the bank's credit policy department:

- each factor is quantitative (a ratio of the latest statements, ``rmdesk.domain.ratios``, or a
  flow or relationship measure of the bank's own data, ``MEASURES``) or qualitative (a question
  the account manager answers from a fixed list of answers);
- a quantitative factor has value bins ``[lower, upper)`` covering every number, a question has
  answers; each bin or answer gives 0 to 100 points, and a missing value (no statement, no flow,
  question not answered) gives the factor's documented ``missing_points``;
- the score is the weighted sum of the points (weights add up to 1, so the score is 0 to 100,
  rounded half-up to 0.01), and the scorecard's score bands map it to a grade of the master
  scale AAA ... C;
- a borrower in default (more than ``RatingPolicy.default_days_past_due`` days past due, 90 by
  default: the regulators' line for non-performing) is D whatever the score;
- the master scale gives each grade a probability of default (PD) band and a central PD.

Weights have at most three decimals and points are whole numbers, so the score is an exact
decimal: the portfolio batch computes it column-wise in integers and gets the same score as
``rate`` does row by row.

Overrides (a grade other than the proposed one) need a reason and the approval of someone at the
next level who is not the requester; the policy says which roles approve and how many notches
each may move a grade (bank policy, as data). A borrower in default cannot be overridden out of
D: default is a fact, not a judgement.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from rmdesk.domain.amortisation import add_months
from rmdesk.domain.authority import MASTER_SCALE, grade_rank

MAX_POINTS = 100
"""Points of the best bin of a factor; a score is therefore 0 to 100."""

SCORE_QUANTUM = Decimal("0.01")
WEIGHT_QUANTUM = Decimal("0.001")
RATED_GRADES: tuple[str, ...] = MASTER_SCALE[:-1]
"""The grades a score can give (AAA ... C); D is given by default alone."""
DEFAULT_GRADE = MASTER_SCALE[-1]


class FactorSource(StrEnum):
    """Where a factor's value comes from."""

    RATIO = "ratio"
    """A ratio of the customer's latest financial statements (``rmdesk.domain.ratios.RATIOS``)."""
    MEASURE = "measure"
    """A flow or relationship measure computed from the bank's own data (``MEASURES``)."""
    QUESTION = "question"
    """A question the account manager answers from the factor's fixed answers."""


@dataclass(frozen=True)
class Measure:
    """A flow or relationship measure the shell computes for every customer it rates."""

    code: str
    label_zh: str
    label_en: str
    unit: str
    rule: str


MEASURES: Mapping[str, Measure] = {
    m.code: m
    for m in (
        Measure("months_with_bank", "在本行开户月数", "Months with the bank", "months",
                "Whole months from the customer's first day with the bank to the rating date."),
        Measure("max_days_past_due_12m", "近12个月最长逾期天数", "Longest days past due in 12 months", "days",
                "The most days any instalment of the customer's loans was past due in the 12 months to the rating date "
                "(0 with no loan, or a clean record)."),
        Measure("deposit_inflow_trend", "存款账户流入变化", "Change in account inflows", "percent",
                "Money in to the customer's accounts in the last 6 months against the 6 months before, as a percentage "
                "change; loan drawdowns are not inflows. Missing without inflows in the earlier 6 months."),
        Measure("share_of_wallet", "本行结算占比", "Share of wallet", "percent",
                "Inflows at this bank over 12 months as a percentage of the revenue (enterprise) or total income "
                "(household statement) the customer reports. Missing without a statement or with no revenue."),
        Measure("products_held", "持有产品种类", "Product families held", "count",
                "Product families (deposit, loan, card, payroll agency, e-banking ...) of the customer's open holdings."),
        Measure("deposit_balance", "存款余额", "Deposits", "yuan", "The customer's deposit balance at this bank."),
        Measure("monthly_salary_inflow", "月均工资流入", "Monthly salary received", "yuan",
                "Salary credited to the customer's accounts at this bank over 12 months, divided by 12."),
    )
}
"""Flow and relationship measures a scorecard may use, with the rule each is computed by."""


class ScorecardError(ValueError):
    """A scorecard (or master scale, or policy) that cannot be used; ``where`` names the place."""

    def __init__(self, where: str, message: str):
        self.where = where
        super().__init__(f"{where}: {message}")


def _decimal(value, where: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ScorecardError(where, f"write {value!r} as a decimal string, not a float")
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError):
        raise ScorecardError(where, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ScorecardError(where, f"{value!r} is not a number")
    return number


@dataclass(frozen=True)
class ValueBin:
    """Values from ``lower`` (inclusive) to ``upper`` (exclusive) give ``points``; None is unbounded."""

    lower: Decimal | None
    upper: Decimal | None
    points: int

    def holds(self, value: Decimal) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


@dataclass(frozen=True)
class Answer:
    """One of the fixed answers to a qualitative question, and its points."""

    code: str
    label_zh: str
    label_en: str
    points: int


@dataclass(frozen=True)
class Factor:
    """One factor of a scorecard: where its value comes from, its weight, bins or answers.

    ``missing_points`` is the documented bin of a missing value. ``actionable`` says whether the
    customer can change it (leverage, flows with the bank: yes; arrears already incurred,
    months with the bank: no): only actionable factors are suggested to lift a grade.
    ``decimals`` is the precision values are held at (bins compare the rounded value).
    """

    code: str
    label_zh: str
    label_en: str
    source: FactorSource
    weight: Decimal
    missing_points: int
    actionable: bool
    bins: tuple[ValueBin, ...] = ()
    answers: tuple[Answer, ...] = ()
    unit: str = ""
    decimals: int = 4

    def __post_init__(self) -> None:
        where = f"factor {self.code}"
        if not self.code or not self.code.replace("_", "").isalnum():
            raise ScorecardError(where, "a factor code is letters, digits and underscores")
        if not Decimal(0) < self.weight <= Decimal(1) or self.weight != self.weight.quantize(WEIGHT_QUANTUM):
            raise ScorecardError(where, f"the weight must be above 0 and at most 1, with at most 3 decimals, not {self.weight}")
        points = [b.points for b in self.bins] + [a.points for a in self.answers] + [self.missing_points]
        if any(not isinstance(p, int) or isinstance(p, bool) or not 0 <= p <= MAX_POINTS for p in points):
            raise ScorecardError(where, f"points are whole numbers from 0 to {MAX_POINTS}")
        if not 0 <= self.decimals <= 6:
            raise ScorecardError(where, "values are held with 0 to 6 decimals")
        if self.source == FactorSource.QUESTION:
            if self.bins or len(self.answers) < 2:
                raise ScorecardError(where, "a question has at least two answers and no value bins")
            codes = [a.code for a in self.answers]
            if len(set(codes)) != len(codes):
                raise ScorecardError(where, "each answer has its own code")
            return
        if self.answers or not self.bins:
            raise ScorecardError(where, "a quantitative factor has value bins and no answers")
        if self.bins[0].lower is not None or self.bins[-1].upper is not None:
            raise ScorecardError(where, "the bins must cover every value: the first has no lower bound, the last no upper bound")
        for i, (one, the_next) in enumerate(itertools.pairwise(self.bins)):
            if one.upper is None or one.upper != the_next.lower:
                raise ScorecardError(f"{where}, bin {i + 1}", "each bin ends where the next begins")
            if the_next.upper is not None and the_next.upper <= the_next.lower:
                raise ScorecardError(f"{where}, bin {i + 2}", "a bin's upper bound is above its lower bound")

    @property
    def best_points(self) -> int:
        return max([b.points for b in self.bins] + [a.points for a in self.answers])

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)


@dataclass(frozen=True)
class GradeBand:
    """Scores of ``min_score`` and above (up to the next better band) give ``grade``."""

    grade: str
    min_score: Decimal


@dataclass(frozen=True)
class Scorecard:
    """An expert scorecard for one kind of customer: its factors and score bands (bank policy)."""

    code: str
    version: int
    customer_kind: str
    label_zh: str
    label_en: str
    factors: tuple[Factor, ...]
    bands: tuple[GradeBand, ...]

    def __post_init__(self) -> None:
        where = f"scorecard {self.code}"
        if not self.factors:
            raise ScorecardError(where, "a scorecard has at least one factor")
        codes = [f.code for f in self.factors]
        if len(set(codes)) != len(codes):
            raise ScorecardError(where, f"factor codes repeat: {sorted({c for c in codes if codes.count(c) > 1})}")
        total = sum((f.weight for f in self.factors), Decimal(0))
        if total != 1:
            raise ScorecardError(where, f"the weights add up to {total}, not 1")
        grades = tuple(b.grade for b in self.bands)
        if grades != RATED_GRADES:
            raise ScorecardError(where, f"the bands give the grades {', '.join(RATED_GRADES)} in that order, not {', '.join(grades)}")
        for one, the_next in itertools.pairwise(self.bands):
            if the_next.min_score >= one.min_score:
                raise ScorecardError(where, f"the band of {the_next.grade} starts below that of {one.grade}")
        if self.bands[-1].min_score != 0 or self.bands[0].min_score > MAX_POINTS:
            raise ScorecardError(where, f"the worst band starts at 0 and the best at {MAX_POINTS} or below")
        for band in self.bands:
            if band.min_score != band.min_score.quantize(SCORE_QUANTUM):
                raise ScorecardError(where, f"band {band.grade} starts at a score with at most 2 decimals")

    def factor(self, code: str) -> Factor:
        for factor in self.factors:
            if factor.code == code:
                return factor
        raise KeyError(code)

    def band(self, grade: str) -> GradeBand:
        return self.bands[RATED_GRADES.index(grade)]


@dataclass(frozen=True)
class GradePD:
    """A grade of the master scale with its PD band [pd_lower, pd_upper) and central PD."""

    grade: str
    pd: Decimal
    pd_lower: Decimal
    pd_upper: Decimal


@dataclass(frozen=True)
class MasterScale:
    """The bank's master scale AAA ... C, D with a one-year PD band per grade (bank policy).

    Rules checked: every grade once, in order; bands join up from 0 to 1 without gap and rise
    with the grade; each central PD lies in its band; D (default) has a PD of 1.
    """

    grades: tuple[GradePD, ...]

    def __post_init__(self) -> None:
        if tuple(g.grade for g in self.grades) != MASTER_SCALE:
            raise ScorecardError("master scale", f"the grades are {', '.join(MASTER_SCALE)} in that order")
        if self.grades[0].pd_lower != 0:
            raise ScorecardError("master scale, AAA", "the best band starts at a PD of 0")
        for one, the_next in itertools.pairwise(self.grades):
            if one.pd_upper != the_next.pd_lower:
                raise ScorecardError(f"master scale, {the_next.grade}", f"the PD band starts where that of {one.grade} ends ({one.pd_upper})")
        for g in self.grades:
            if not g.pd_lower <= g.pd <= g.pd_upper or g.pd_lower >= g.pd_upper and g.grade != DEFAULT_GRADE:
                raise ScorecardError(f"master scale, {g.grade}", "the central PD lies in the grade's band, and the band is not empty")
        if self.grades[-1].pd != 1 or self.grades[-1].pd_upper != 1:
            raise ScorecardError(f"master scale, {DEFAULT_GRADE}", "default has a PD of 1")

    def pd(self, grade: str) -> Decimal:
        """The central PD of ``grade``."""
        return self.grades[grade_rank(grade)].pd


@dataclass(frozen=True)
class RatingPolicy:
    """Rating policy of the bank (data): validity, when a rating is due, default, override approvers.

    ``override_approvers`` lists (role code, most notches that role may approve); the requester
    can never approve their own override. ``renewal_window_days``: a rating expiring within
    this many days is due again, so the new one is ready before the old one lapses.
    """

    validity_months: int = 12
    renewal_window_days: int = 30
    default_days_past_due: int = 90
    override_approvers: tuple[tuple[str, int], ...] = (("team_leader", 1), ("credit_approver", 3))

    def __post_init__(self) -> None:
        if self.validity_months < 1 or self.renewal_window_days < 0 or self.default_days_past_due < 1:
            raise ScorecardError("rating policy", "validity is at least a month, the window and default days are not negative")
        if any(notches < 1 for _, notches in self.override_approvers):
            raise ScorecardError("rating policy", "an approving role may approve at least one notch")

    @property
    def max_override_notches(self) -> int:
        """The most notches any approver may approve: a larger override cannot be asked for."""
        return max((n for _, n in self.override_approvers), default=0)

    def approver_notches(self, role: str | None) -> int:
        return dict(self.override_approvers).get(role or "", 0)


def rating_valid_until(decided_on: date, policy: RatingPolicy) -> date:
    """The last day a rating decided on ``decided_on`` is valid: ``validity_months`` later, less a day.

    Rule: a rating is valid for the policy's months (a year by default, as credit rating
    manuals require at least yearly re-rating); 2026-03-15 gives 2027-03-14.
    """
    return add_months(decided_on, policy.validity_months) - timedelta(days=1)


def rating_due(valid_until: date | None, as_of: date, policy: RatingPolicy) -> bool:
    """Whether a customer whose rating in force lapses after ``valid_until`` is due for re-rating.

    Rule: due without a rating in force (None), or when it lapses within the policy's renewal
    window from ``as_of``, so that the new rating is decided before the old one lapses.
    """
    return valid_until is None or valid_until <= as_of + timedelta(days=policy.renewal_window_days)


# --- reading a scorecard from data (the JSON of the administration site) ------------------------


def _points(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScorecardError(where, f"points are a whole number, not {value!r}")
    return value


def _text(data: Mapping, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ScorecardError(where, f"'{key}' is missing")
    return value


def factor_from_data(data: Mapping, where: str = "factor") -> Factor:
    """A factor read from its JSON form; a mistake raises ``ScorecardError`` naming the place."""
    if not isinstance(data, Mapping):
        raise ScorecardError(where, "a factor is an object with code, labels, source, weight and bins or answers")
    code = _text(data, "code", where)
    where = f"{where} {code}"
    try:
        source = FactorSource(data.get("source"))
    except ValueError:
        raise ScorecardError(where, f"source is one of {', '.join(FactorSource)}, not {data.get('source')!r}") from None
    if source == FactorSource.MEASURE and code not in MEASURES:
        raise ScorecardError(where, f"no such measure; the measures are {', '.join(MEASURES)}")
    bins = []
    for i, raw in enumerate(data.get("bins") or []):
        spot = f"{where}, bin {i + 1}"
        lower, upper = raw.get("lower"), raw.get("upper")
        bins.append(
            ValueBin(
                None if lower is None else _decimal(lower, spot),
                None if upper is None else _decimal(upper, spot),
                _points(raw.get("points"), spot),
            )
        )
    answers = [
        Answer(_text(raw, "code", f"{where}, answer {i + 1}"), _text(raw, "label_zh", f"{where}, answer {i + 1}"),
               _text(raw, "label_en", f"{where}, answer {i + 1}"), _points(raw.get("points"), f"{where}, answer {i + 1}"))
        for i, raw in enumerate(data.get("answers") or [])
    ]
    unit = MEASURES[code].unit if source == FactorSource.MEASURE else data.get("unit", "")
    return Factor(
        code=code,
        label_zh=_text(data, "label_zh", where),
        label_en=_text(data, "label_en", where),
        source=source,
        weight=_decimal(data.get("weight"), f"{where}, weight"),
        missing_points=_points(data.get("missing_points"), f"{where}, missing_points"),
        actionable=bool(data.get("actionable", False)),
        bins=tuple(bins),
        answers=tuple(answers),
        unit=unit,
        decimals=int(data.get("decimals", 4)),
    )


def scorecard_from_data(
    *, code: str, version: int, customer_kind: str, label_zh: str, label_en: str, factors: Sequence, bands: Mapping
) -> Scorecard:
    """A scorecard read from its JSON parts: ``factors`` a list, ``bands`` {grade: lowest score}.

    The bands are taken in the order of the master scale, whatever the order of the object's keys.
    """
    if not isinstance(factors, Sequence) or isinstance(factors, str):
        raise ScorecardError(f"scorecard {code}", "factors is a list")
    if not isinstance(bands, Mapping):
        raise ScorecardError(f"scorecard {code}", "bands is an object of grade: lowest score")
    unknown = set(bands) - set(RATED_GRADES)
    if unknown:
        raise ScorecardError(f"scorecard {code}", f"no band for {', '.join(sorted(unknown))}: the bands are {', '.join(RATED_GRADES)}")
    return Scorecard(
        code=code,
        version=version,
        customer_kind=customer_kind,
        label_zh=label_zh,
        label_en=label_en,
        factors=tuple(factor_from_data(f, f"scorecard {code}, factor {i + 1}") for i, f in enumerate(factors)),
        # An object's keys have no order (PostgreSQL's jsonb sorts them): the master scale orders the bands.
        bands=tuple(GradeBand(grade, _decimal(bands[grade], f"scorecard {code}, band {grade}")) for grade in RATED_GRADES if grade in bands),
    )


# --- rating ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorScore:
    """What one factor gave: the value, the bin or answer it fell in, points and weighted points.

    ``weighted`` is weight x points; ``best`` is weight x the factor's best points, so
    ``best - weighted`` is what the factor costs the customer against the best.
    """

    code: str
    value: Decimal | str | None
    bin_index: int | None
    points: int
    weighted: Decimal
    best: Decimal

    @property
    def lost_vs_best(self) -> Decimal:
        return self.best - self.weighted


@dataclass(frozen=True)
class RatingResult:
    """A computed rating: score, the grade the score gives, the grade (D in default) and its PD."""

    score: Decimal
    score_grade: str
    grade: str
    pd: Decimal
    in_default: bool
    factors: tuple[FactorScore, ...]


def factor_value(factor: Factor, value) -> Decimal | str | None:
    """``value`` as the factor holds it: an answer code, or a number rounded half-up to its decimals.

    An answer that is not one of the question's, or a value that is not a number, is an error.
    """
    if value is None or value == "":
        return None
    if factor.source == FactorSource.QUESTION:
        if value not in {a.code for a in factor.answers}:
            raise ScorecardError(f"factor {factor.code}", f"{value!r} is not one of its answers")
        return value
    return _decimal(value, f"factor {factor.code}").quantize(factor.quantum, rounding=ROUND_HALF_UP)


def factor_points(factor: Factor, value) -> FactorScore:
    """The points ``value`` gives on ``factor``: its bin's or answer's, or the missing points.

    Rule: a number falls in the bin with lower <= value < upper; a missing value (None, no
    statement, unanswered) takes ``missing_points``, the factor's documented bin.
    """
    held = factor_value(factor, value)
    index: int | None = None
    points = factor.missing_points
    if held is not None:
        options = factor.answers if factor.source == FactorSource.QUESTION else factor.bins
        for i, option in enumerate(options):
            if (option.code == held) if isinstance(option, Answer) else option.holds(held):
                index, points = i, option.points
                break
    return FactorScore(factor.code, held, index, points, factor.weight * points, factor.weight * factor.best_points)


def grade_for_score(bands: Sequence[GradeBand], score: Decimal) -> str:
    """The grade of the best band whose lowest score ``score`` reaches (bands best first).

    Rule: a score exactly on a band's lowest score is in that band.
    """
    for band in bands:
        if score >= band.min_score:
            return band.grade
    return bands[-1].grade


def in_default(days_past_due: int, policy: RatingPolicy) -> bool:
    """Whether a borrower is in default: more than ``default_days_past_due`` days past due (90)."""
    return days_past_due > policy.default_days_past_due


def rate(
    scorecard: Scorecard,
    values: Mapping[str, object],
    *,
    master_scale: MasterScale,
    days_past_due: int = 0,
    policy: RatingPolicy = RatingPolicy(),
) -> RatingResult:
    """Rate a customer on ``scorecard`` from ``values`` (factor code -> value; absent = missing).

    Rule: score = sum of weight x points, rounded half-up to 0.01; grade from the scorecard's
    bands; D whatever the score for a borrower more than the policy's default days past due;
    PD = the central PD of the grade on the master scale. Values for codes that are not
    factors of the scorecard are an error (a misspelt factor must not pass silently).
    """
    unknown = set(values) - {f.code for f in scorecard.factors}
    if unknown:
        raise ScorecardError(f"scorecard {scorecard.code}", f"no factor {', '.join(sorted(unknown))}")
    scores = tuple(factor_points(f, values.get(f.code)) for f in scorecard.factors)
    score = sum((s.weighted for s in scores), Decimal(0)).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)
    score_grade = grade_for_score(scorecard.bands, score)
    defaulted = in_default(days_past_due, policy)
    grade = DEFAULT_GRADE if defaulted else score_grade
    return RatingResult(score, score_grade, grade, master_scale.pd(grade), defaulted, scores)


@dataclass(frozen=True)
class FactorMovement:
    """How a factor moved a rating: weighted points, lost against its best, change since last rating."""

    code: str
    weighted: Decimal
    lost_vs_best: Decimal
    change_vs_previous: Decimal | None


def factor_movements(
    factors: Iterable[FactorScore], previous: Mapping[str, Decimal] | None = None
) -> tuple[FactorMovement, ...]:
    """The factors that moved a rating, the most moving first.

    ``previous`` maps factor codes to the weighted points of the previous rating (None: there
    is none). Order: by the size of the change since the previous rating, then by the points
    lost against the factor's best, then by code, so the order is the same on every run. A
    factor the previous rating did not have has no change.
    """
    moves = [
        FactorMovement(
            f.code,
            f.weighted,
            f.lost_vs_best,
            None if previous is None or f.code not in previous else f.weighted - Decimal(previous[f.code]),
        )
        for f in factors
    ]
    return tuple(sorted(moves, key=lambda m: (-abs(m.change_vs_previous or 0), -m.lost_vs_best, m.code)))


# --- overrides -------------------------------------------------------------------------------------


class RatingErrorCode(StrEnum):
    """Why a rating decision was refused; tests and callers match on these, not on wording."""

    SAME_GRADE = "same_grade"
    REASON_REQUIRED = "reason_required"
    TOO_MANY_NOTCHES = "too_many_notches"
    DEFAULT_IS_A_FACT = "default_is_a_fact"
    OWN_OVERRIDE = "own_override"
    NOT_AN_APPROVER = "not_an_approver"
    BEYOND_APPROVER_NOTCHES = "beyond_approver_notches"
    NOT_OPEN = "not_open"
    NOT_THE_MANAGER = "not_the_manager"
    UNKNOWN_GRADE = "unknown_grade"
    UNKNOWN_QUESTION = "unknown_question"
    UNKNOWN_ANSWER = "unknown_answer"


def notches(from_grade: str, to_grade: str) -> int:
    """Notches from one grade to another on the master scale: positive is better (BB -> BBB is 1)."""
    return grade_rank(from_grade) - grade_rank(to_grade)


def override_problems(
    *, proposed_grade: str, requested_grade: str, reason: str, in_default: bool, policy: RatingPolicy
) -> tuple[RatingErrorCode, ...]:
    """What stops an override of ``proposed_grade`` to ``requested_grade`` from being requested.

    Rules: the grade must differ from the proposal; a reason is required; a borrower in default
    stays D (default is a fact, not a judgement); the move may not exceed the most notches any
    approver of the policy may approve.
    """
    if requested_grade not in MASTER_SCALE:
        return (RatingErrorCode.UNKNOWN_GRADE,)
    problems = []
    if requested_grade == proposed_grade:
        problems.append(RatingErrorCode.SAME_GRADE)
    if not reason.strip():
        problems.append(RatingErrorCode.REASON_REQUIRED)
    if in_default and requested_grade != DEFAULT_GRADE:
        problems.append(RatingErrorCode.DEFAULT_IS_A_FACT)
    if abs(notches(proposed_grade, requested_grade)) > policy.max_override_notches:
        problems.append(RatingErrorCode.TOO_MANY_NOTCHES)
    return tuple(problems)


def override_approval_problem(
    *, requested_by: object, decided_by: object, decider_role: str | None, notches_moved: int, policy: RatingPolicy
) -> RatingErrorCode | None:
    """Why ``decided_by`` may not decide an override requested by ``requested_by``, or None.

    Rules (four eyes, next level): nobody decides their own override; the decider holds a role
    the policy names as an approver; that role may approve at least ``|notches_moved|``
    notches. Whether the customer lies in the decider's scope is the shell's to check.
    """
    if requested_by == decided_by:
        return RatingErrorCode.OWN_OVERRIDE
    allowed = policy.approver_notches(decider_role)
    if allowed == 0:
        return RatingErrorCode.NOT_AN_APPROVER
    if abs(notches_moved) > allowed:
        return RatingErrorCode.BEYOND_APPROVER_NOTCHES
    return None


# --- what would move the customer up a grade -------------------------------------------------------


@dataclass(frozen=True)
class FactorChange:
    """One change a customer could make: move ``code`` from its value into a better bin or answer.

    For a number, ``target`` is the nearest value of the better bin (``target_index``):
    ``at_least`` it (the bin is above the value) or ``below`` it (the bin is below the value);
    a missing number is to be ``provide``d within that bin (no target); for a question,
    ``target`` is the answer's code. ``steps`` counts the bins or answers passed; ``relative`` is the size of the
    change against the current value (None when there is no current value to compare with).
    """

    code: str
    current: Decimal | str | None
    target: Decimal | str | None
    direction: str
    target_index: int
    points_gained: Decimal
    steps: int
    relative: Decimal | None


@dataclass(frozen=True)
class GradeLift:
    """A smallest set of changes that lifts the score into the next better grade's band."""

    to_grade: str
    changes: tuple[FactorChange, ...]
    score_after: Decimal


def _options(factor: Factor, now: FactorScore) -> list[FactorChange]:
    """Every better bin or answer of ``factor`` than where ``now`` stands, nearest first."""
    options = []
    if factor.source == FactorSource.QUESTION:
        ranked = sorted(range(len(factor.answers)), key=lambda i: (factor.answers[i].points, -i))
        here = -1 if now.bin_index is None else ranked.index(now.bin_index)
        for position, i in enumerate(ranked):
            answer = factor.answers[i]
            if answer.points > now.points:
                steps = position - here if here >= 0 else 1
                options.append(FactorChange(factor.code, now.value, answer.code, "answer", i, factor.weight * (answer.points - now.points), steps, None))
    else:
        for i, candidate in enumerate(factor.bins):
            if candidate.points <= now.points:
                continue
            if now.bin_index is None:
                target, direction, steps, relative = None, "provide", 1, None
            else:
                above = i > now.bin_index
                target, direction = (candidate.lower, "at_least") if above else (candidate.upper, "below")
                steps = abs(i - now.bin_index)
                relative = None if now.value == 0 else abs((target - now.value) / now.value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            options.append(FactorChange(factor.code, now.value, target, direction, i, factor.weight * (candidate.points - now.points), steps, relative))
    return sorted(options, key=lambda o: (o.steps, o.target_index))


def grade_lift(
    scorecard: Scorecard, result: RatingResult, *, limit: int = 3, max_factors: int = 3
) -> tuple[GradeLift, ...]:
    """What would move the customer up one grade: the smallest changes in factors they can act on.

    Rule: only actionable factors move; a change moves a factor into a bin or answer with more
    points; a set of changes qualifies when the score it gives reaches the lowest score of the
    next better grade and no change in it could be smaller (fewer bins) or dropped. Sets are
    ranked by size of change: fewest factors, then fewest bins passed, then the smallest
    relative change, then the scorecard's order of factors, so the answer is the same on every
    run. A borrower in default, or one already at the best grade, has none: for the first,
    clearing the arrears comes before any grade.
    """
    if result.in_default or result.score_grade == RATED_GRADES[0]:
        return ()
    target_grade = RATED_GRADES[RATED_GRADES.index(result.score_grade) - 1]
    needed = scorecard.band(target_grade).min_score - result.score
    now = {s.code: s for s in result.factors}
    order = {f.code: i for i, f in enumerate(scorecard.factors)}
    per_factor = {
        f.code: options
        for f in scorecard.factors
        if f.actionable and (options := _options(f, now[f.code]))
    }

    def raw_score(changes: Sequence[FactorChange]) -> Decimal:
        return result.score + sum((c.points_gained for c in changes), Decimal(0))

    def enough(changes: Sequence[FactorChange]) -> bool:
        return sum((c.points_gained for c in changes), Decimal(0)) >= needed

    found: list[tuple[tuple, GradeLift]] = []
    codes = sorted(per_factor, key=order.__getitem__)
    for size in range(1, min(max_factors, len(codes)) + 1):
        for chosen in itertools.combinations(codes, size):
            for changes in itertools.product(*(per_factor[c] for c in chosen)):
                if not enough(changes):
                    continue
                smaller_suffices = False
                for k, change in enumerate(changes):
                    others = changes[:k] + changes[k + 1 :]
                    if enough(others) or any(
                        o.steps < change.steps and enough(others + (o,)) for o in per_factor[change.code]
                    ):
                        smaller_suffices = True
                        break
                if smaller_suffices:
                    continue
                relative = sum((c.relative if c.relative is not None else Decimal(1) for c in changes), Decimal(0))
                key = (size, sum(c.steps for c in changes), relative, tuple(order[c.code] for c in changes), tuple(c.target_index for c in changes))
                after = raw_score(changes).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)
                found.append((key, GradeLift(target_grade, tuple(changes), after)))
    found.sort(key=lambda pair: pair[0])
    return tuple(lift for _, lift in found[:limit])
