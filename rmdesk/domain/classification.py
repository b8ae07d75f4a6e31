"""Five-category risk classification of credit (五级分类) and its regulatory floors.

Source: the Measures for the Risk Classification of Financial Assets of Commercial Banks
(商业银行金融资产风险分类办法, CBIRC and PBOC Order 2023 No. 1, in force 2023-07-01), as set out in
DESIGN.md section 3. The machine computes the *floor*: the best category the rules still allow,
from days past due, restructuring and the debtor's other debts at this bank. The account
manager's judgement may classify lower (worse) than the floor, never better; a judgement that
would improve on the floor is overruled by the floor.

Every threshold is data (``ClassificationPolicy``) with the Measures' figures as defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from rmdesk.domain.amortisation import add_months


class Category(StrEnum):
    """The five categories, best first; the last three are non-performing (不良)."""

    NORMAL = "normal"
    """正常: the debtor can repay in full and on time."""
    SPECIAL_MENTION = "special_mention"
    """关注: able to repay so far, but with factors that may hurt repayment."""
    SUBSTANDARD = "substandard"
    """次级: repayment in doubt; some loss is likely even with collateral or guarantees."""
    DOUBTFUL = "doubtful"
    """可疑: a large part will be lost even with collateral or guarantees."""
    LOSS = "loss"
    """损失: all or nearly all will be lost after every step has been taken."""

    @property
    def rank(self) -> int:
        """0 for normal up to 4 for loss: a higher rank is a worse category."""
        return _ORDER.index(self)

    @property
    def is_non_performing(self) -> bool:
        """Substandard, doubtful and loss are non-performing (不良), per the Measures."""
        return self.rank >= Category.SUBSTANDARD.rank


_ORDER = tuple(Category)


def worst(*categories: Category) -> Category:
    """The worst of `categories`: the category the strictest applicable rule gives."""
    if not categories:
        raise ValueError("worst() needs at least one category")
    return max((Category(c) for c in categories), key=lambda c: c.rank)


class ClassificationErrorCode(StrEnum):
    """Why a classification input or judgement is refused."""

    DAYS_PAST_DUE_NEGATIVE = "days_past_due_negative"
    BALANCE_INVALID = "balance_invalid"
    FLOORS_INVALID = "floors_invalid"
    SHARE_INVALID = "share_invalid"
    OBSERVATION_INVALID = "observation_invalid"
    JUDGEMENT_BETTER_THAN_FLOOR = "judgement_better_than_floor"


class ClassificationError(ValueError):
    """A classification input or judgement breaks a rule; ``code`` says which."""

    def __init__(self, code: ClassificationErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _check_floors(floors: tuple[tuple[int, Category], ...], what: str) -> None:
    if not floors:
        raise ClassificationError(ClassificationErrorCode.FLOORS_INVALID, f"{what} need at least one step")
    days = [d for d, _ in floors]
    ranks = [Category(c).rank for _, c in floors]
    if days[0] < 0 or any(b <= a for a, b in zip(days, days[1:])) or any(b <= a for a, b in zip(ranks, ranks[1:])):
        raise ClassificationError(
            ClassificationErrorCode.FLOORS_INVALID,
            f"{what} must rise strictly in days (from 0) and in category: {floors}",
        )


@dataclass(frozen=True)
class ClassificationPolicy:
    """The classification rules as data (defaults: the 2023 Measures, DESIGN.md section 3).

    ``days_past_due_floors``: ``(days, category)`` steps; more than ``days`` days past due on
    principal, interest or income gives at least ``category``. ``credit_card_floors``: the same
    for credit-card receivables. ``restructured_floor``: the least a restructured asset is
    classified during its observation period. ``observation_months`` and
    ``observation_periods``: the observation period lasts at least that many months and that
    many repayment periods. ``debtor_non_performing_share``: for a non-retail debtor, a
    non-performing share of what it owes this bank above this makes all of it non-performing.
    """

    days_past_due_floors: tuple[tuple[int, Category], ...] = (
        (0, Category.SPECIAL_MENTION),
        (90, Category.SUBSTANDARD),
        (270, Category.DOUBTFUL),
        (360, Category.LOSS),
    )
    credit_card_floors: tuple[tuple[int, Category], ...] = (
        (0, Category.SPECIAL_MENTION),
        (90, Category.SUBSTANDARD),
        (120, Category.DOUBTFUL),
        (180, Category.LOSS),
    )
    restructured_floor: Category = Category.SUBSTANDARD
    observation_months: int = 12
    observation_periods: int = 2
    debtor_non_performing_share: Decimal = Decimal("0.10")

    def __post_init__(self) -> None:
        _check_floors(self.days_past_due_floors, "days-past-due floors")
        _check_floors(self.credit_card_floors, "credit-card floors")
        if self.observation_months < 1 or self.observation_periods < 1:
            raise ClassificationError(
                ClassificationErrorCode.OBSERVATION_INVALID,
                f"an observation period needs at least 1 month and 1 repayment period, "
                f"not {self.observation_months} months and {self.observation_periods} periods",
            )
        share = self.debtor_non_performing_share
        if not isinstance(share, Decimal) or not Decimal(0) <= share < 1:
            raise ClassificationError(
                ClassificationErrorCode.SHARE_INVALID,
                f"the debtor's non-performing share must be a Decimal fraction from 0 to below 1, not {share!r}",
            )


DEFAULT_CLASSIFICATION_POLICY = ClassificationPolicy()


def days_past_due_floor(
    days_past_due: int, *, credit_card: bool = False, policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY
) -> Category:
    """The best category allowed for an asset `days_past_due` days past due.

    Loans and other assets (the 2023 Measures): any overdue -> at least special mention; over 90
    days -> at least substandard; over 270 -> at least doubtful; over 360 -> loss. Credit-card
    receivables use their own table: 1-90 days special mention, 91-120 substandard, 121-180
    doubtful, over 180 loss. Not overdue: normal. Thresholds: ``policy``.
    """
    if isinstance(days_past_due, bool) or not isinstance(days_past_due, int):
        raise TypeError(f"days past due must be an int, not {type(days_past_due).__name__}")
    if days_past_due < 0:
        raise ClassificationError(
            ClassificationErrorCode.DAYS_PAST_DUE_NEGATIVE, f"days past due cannot be negative, not {days_past_due}"
        )
    floors = policy.credit_card_floors if credit_card else policy.days_past_due_floors
    category = Category.NORMAL
    for over_days, floor in floors:
        if days_past_due > over_days:
            category = Category(floor)
    return category


def observation_period_end(
    *,
    first_repayment_on: date,
    repayment_period_months: int,
    policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY,
) -> date:
    """The last day of a restructured asset's observation period (重组观察期).

    The 2023 Measures: the period starts on the first repayment date agreed after the contract
    was adjusted, contains at least two consecutive repayment periods and lasts at least one
    year. Read here as: it ends on the later of that date + ``policy.observation_months`` and
    that date + ``policy.observation_periods`` repayment periods (the stricter reading when a
    period is longer than six months). A missed payment in the period restarts it from the
    missed date: pass that date as `first_repayment_on`.
    """
    if repayment_period_months < 1:
        raise ClassificationError(
            ClassificationErrorCode.OBSERVATION_INVALID,
            f"a repayment period is at least 1 month, not {repayment_period_months}",
        )
    return max(
        add_months(first_repayment_on, policy.observation_months),
        add_months(first_repayment_on, policy.observation_periods * repayment_period_months),
    )


class FloorRule(StrEnum):
    """The rule that set (or worsened) an asset's category, as recorded with the result."""

    DAYS_PAST_DUE = "days_past_due"
    CREDIT_CARD_DAYS_PAST_DUE = "credit_card_days_past_due"
    RESTRUCTURED_OBSERVATION = "restructured_observation"
    CATEGORY_BEFORE_RESTRUCTURING = "category_before_restructuring"
    DEBTOR_NON_PERFORMING_SHARE = "debtor_non_performing_share"
    JUDGEMENT = "judgement"


@dataclass(frozen=True)
class Reason:
    """One rule that applied: its code, the category it requires at least, and the facts, told in
    ``detail`` and given as ``figures`` (name and value pairs, for a reader in another language)."""

    rule: FloorRule
    category: Category
    detail: str
    figures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Exposure:
    """One asset of a debtor at this bank, as classification sees it.

    ``balance`` in yuan (Decimal, 0 or more), ``days_past_due`` on principal, interest or
    income, counted continuously through extensions and rescheduling. A restructured asset
    carries the end of its observation period and the category it had before restructuring.
    ``judgement``: the category the account manager proposes, with ``judgement_reason``.
    """

    reference: str
    balance: Decimal
    days_past_due: int = 0
    credit_card: bool = False
    observation_ends_on: date | None = None
    category_before_restructuring: Category | None = None
    judgement: Category | None = None
    judgement_reason: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.balance, Decimal) or not self.balance.is_finite() or self.balance < 0:
            raise ClassificationError(
                ClassificationErrorCode.BALANCE_INVALID,
                f"balance of {self.reference} must be a Decimal of 0 yuan or more, not {self.balance!r}",
            )


@dataclass(frozen=True)
class Classification:
    """The outcome for one asset: the floor the rules set, the category given, and why."""

    reference: str
    balance: Decimal
    floor: Category
    category: Category
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def judgement_overruled(self) -> bool:
        """Whether a judgement better than the floor was proposed and the floor applied."""
        return any(r.rule is FloorRule.JUDGEMENT and r.category.rank < self.floor.rank for r in self.reasons)


def classify_exposure(
    exposure: Exposure, *, as_of: date, policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY
) -> Classification:
    """Classify one asset as of `as_of`: the worst of its floors and the judgement.

    Floors (the 2023 Measures, DESIGN.md section 3): days past due (or the credit-card table);
    during the observation period of a restructured asset, at least ``policy.restructured_floor``
    and never better than the category before restructuring. Judgement may only make it worse:
    a judgement better than the floor is recorded among the reasons and overruled. Collateral
    never lifts a floor: over 90 days past due is non-performing however well secured.
    """
    if exposure.credit_card:
        rule, table = FloorRule.CREDIT_CARD_DAYS_PAST_DUE, "credit-card table"
    else:
        rule, table = FloorRule.DAYS_PAST_DUE, "days-past-due floors"
    reasons = []
    by_days = days_past_due_floor(exposure.days_past_due, credit_card=exposure.credit_card, policy=policy)
    if by_days is not Category.NORMAL:
        reasons.append(
            Reason(rule, by_days, f"{exposure.days_past_due} days past due: at least {by_days} ({table})", (("days", str(exposure.days_past_due)),))
        )
    if exposure.observation_ends_on is not None and as_of <= exposure.observation_ends_on:
        reasons.append(
            Reason(
                FloorRule.RESTRUCTURED_OBSERVATION,
                policy.restructured_floor,
                f"restructured, in observation until {exposure.observation_ends_on.isoformat()}: "
                f"at least {policy.restructured_floor}",
                (("until", exposure.observation_ends_on.isoformat()),),
            )
        )
        before = exposure.category_before_restructuring
        if before is not None:
            reasons.append(
                Reason(
                    FloorRule.CATEGORY_BEFORE_RESTRUCTURING,
                    Category(before),
                    f"was {before} before restructuring: not better during observation",
                    (("before", str(before)),),
                )
            )
    floor = worst(Category.NORMAL, *(r.category for r in reasons))
    category = floor
    if exposure.judgement is not None:
        judged = Category(exposure.judgement)
        reasons.append(Reason(FloorRule.JUDGEMENT, judged, exposure.judgement_reason or "account manager's judgement"))
        category = worst(floor, judged)
    return Classification(exposure.reference, exposure.balance, floor, category, tuple(reasons))


def classify_debtor(
    exposures: Iterable[Exposure],
    *,
    as_of: date,
    retail: bool,
    policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY,
) -> tuple[Classification, ...]:
    """Classify every asset of one debtor at this bank, then apply the debtor-level rule.

    The 2023 Measures classify the debtor, not only the asset: for a non-retail debtor
    (enterprise, institution), if more than ``policy.debtor_non_performing_share`` (10%) of the
    balance it owes this bank is non-performing, every asset of it is at least substandard.
    Retail debtors (individuals, farmer households) are classified asset by asset. Law: a worse
    asset never makes any asset of the debtor better.
    """
    results = tuple(classify_exposure(e, as_of=as_of, policy=policy) for e in exposures)
    if retail:
        return results
    total = sum((r.balance for r in results), Decimal(0))
    non_performing = sum((r.balance for r in results if r.category.is_non_performing), Decimal(0))
    if total == 0 or non_performing / total <= policy.debtor_non_performing_share:
        return results
    share = (non_performing / total * 100).quantize(Decimal("0.01"))
    reason = Reason(
        FloorRule.DEBTOR_NON_PERFORMING_SHARE,
        Category.SUBSTANDARD,
        f"{share}% of what the debtor owes this bank ({non_performing} of {total} yuan) is non-performing, "
        f"over {policy.debtor_non_performing_share * 100}%: all of it is non-performing",
        (
            ("share", str(share)),
            ("non_performing", str(non_performing)),
            ("total", str(total)),
            ("limit", format((policy.debtor_non_performing_share * 100).normalize(), "f")),
        ),
    )
    return tuple(
        r
        if r.floor.is_non_performing
        else replace(
            r,
            floor=worst(r.floor, Category.SUBSTANDARD),
            category=worst(r.category, Category.SUBSTANDARD),
            reasons=(*r.reasons, reason),
        )
        for r in results
    )


def check_judgement(proposed: Category, floor: Classification) -> Category:
    """Accept an account manager's proposed category if it is no better than the floor.

    The 2023 Measures let a bank classify lower than the rules' floor on its own judgement,
    never higher. Returns the proposed category; raises ``ClassificationError`` with
    ``JUDGEMENT_BETTER_THAN_FLOOR`` naming the floor and the rules behind it otherwise.
    """
    proposed = Category(proposed)
    if proposed.rank < floor.floor.rank:
        because = "; ".join(r.detail for r in floor.reasons if r.rule is not FloorRule.JUDGEMENT)
        raise ClassificationError(
            ClassificationErrorCode.JUDGEMENT_BETTER_THAN_FLOOR,
            f"{floor.reference} cannot be classified {proposed}: "
            f"the rules put it at {floor.floor} or worse ({because})",
        )
    return proposed
