"""Knowledge score: how well the bank knows a customer, 0-100, and what to learn on the next visit.

"How many customers do we really know?" The score adds up, area by area, what the bank knows
of the customer and how fresh it is: the profile, the key people (owners, managers, family),
the financial statements, the customer's interests, the other banks they use, and the last
visit. Each area has a weight and a freshness rule (full credit while the fact is younger than
``fresh_days``, falling in a straight line to none at ``stale_days``); an area that does not
apply to a customer (statements of a salaried person) shares its weight among the rest. What
is unknown or out of date becomes the list of what to learn on the next visit, the most points
first. A book's scores roll up into how many of its customers the bank really knows.
Weights and horizons are bank policy, held as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

POINTS_PLACES = Decimal("0.1")
"""Points to gain are shown to a tenth of a point."""


class KnowledgeArea(StrEnum):
    """What the bank can know of a customer."""

    PROFILE = "profile"
    """The customer's own details: contact, address, occupation or industry, income or size."""
    KEY_PEOPLE = "key_people"
    """Owners, managers, guarantors and family members who matter to the relationship."""
    STATEMENTS = "statements"
    """Financial statements (enterprises, sole proprietors and borrowers)."""
    INTERESTS = "interests"
    """Interests and topics of conversation: what the customer cares about."""
    COMPETITORS = "competitors"
    """The other banks the customer uses and what they hold there."""
    VISIT = "visit"
    """The last time the account manager saw the customer."""


@dataclass(frozen=True)
class AreaRule:
    """An area's share of the score and how long what is known of it stays fresh."""

    weight: int
    fresh_days: int
    stale_days: int

    def __post_init__(self) -> None:
        for name in ("weight", "fresh_days", "stale_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number, 0 or more, not {value!r}")
        if self.stale_days <= self.fresh_days:
            raise ValueError(f"stale_days ({self.stale_days}) must be after fresh_days ({self.fresh_days})")

    def freshness(self, known_on: date | None, as_of: date) -> Decimal:
        """1 while the fact is at most ``fresh_days`` old, 0 from ``stale_days`` (or unknown),
        in a straight line between."""
        if known_on is None:
            return Decimal(0)
        age = (as_of - known_on).days
        if age <= self.fresh_days:
            return Decimal(1)
        if age >= self.stale_days:
            return Decimal(0)
        return Decimal(self.stale_days - age) / Decimal(self.stale_days - self.fresh_days)


DEFAULT_AREA_RULES: Mapping[KnowledgeArea, AreaRule] = MappingProxyType(
    {
        KnowledgeArea.PROFILE: AreaRule(weight=30, fresh_days=365, stale_days=730),
        KnowledgeArea.KEY_PEOPLE: AreaRule(weight=15, fresh_days=365, stale_days=730),
        KnowledgeArea.STATEMENTS: AreaRule(weight=20, fresh_days=485, stale_days=850),
        KnowledgeArea.INTERESTS: AreaRule(weight=10, fresh_days=365, stale_days=730),
        KnowledgeArea.COMPETITORS: AreaRule(weight=10, fresh_days=180, stale_days=365),
        KnowledgeArea.VISIT: AreaRule(weight=15, fresh_days=90, stale_days=365),
    }
)
"""Bank policy defaults, 100 points in all. The profile and key people are confirmed once a
year (the yearly review of customer due diligence) and count for nothing after two; the
statements are fresh for a year after their period end plus four months for the accounts to
be drawn up; what the customer has at other banks changes fastest, so it is fresh for six
months; a visit counts fully for a quarter and for nothing after a year."""


@dataclass(frozen=True)
class KnowledgePolicy:
    """Area rules and the score from which a customer counts as known (60 by default: more
    than half of what there is to know, and fresh)."""

    rules: Mapping[KnowledgeArea, AreaRule] = field(default_factory=lambda: DEFAULT_AREA_RULES)
    known_from: int = 60

    def __post_init__(self) -> None:
        missing = [area.value for area in KnowledgeArea if area not in self.rules]
        if missing:
            raise ValueError(f"knowledge areas without a rule: {', '.join(missing)}")
        if not 0 <= self.known_from <= 100:
            raise ValueError(f"known_from must be a score from 0 to 100, not {self.known_from}")
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))


DEFAULT_KNOWLEDGE_POLICY = KnowledgePolicy()


@dataclass(frozen=True)
class KnowledgeFacts:
    """When each thing the bank knows of a customer was last confirmed (None: never known).

    - ``profile``: every field the customer's profile should hold (by kind of customer), with
      the day it was last confirmed;
    - ``key_people_on``, ``interests_on``, ``competitors_on``: the last day each was recorded
      or confirmed;
    - ``statements_on``: the period end of the latest financial statement;
    - ``last_visit_on``: the last visit;
    - ``not_expected``: areas that do not apply to this customer (statements of a salaried
      person, for instance).
    """

    profile: Mapping[str, date | None]
    key_people_on: date | None = None
    statements_on: date | None = None
    interests_on: date | None = None
    competitors_on: date | None = None
    last_visit_on: date | None = None
    not_expected: frozenset[KnowledgeArea] = frozenset()

    def __post_init__(self) -> None:
        if not self.profile:
            raise ValueError("a profile needs at least one field to know")
        if KnowledgeArea.PROFILE in self.not_expected:
            raise ValueError("the profile is expected of every customer")
        object.__setattr__(self, "profile", MappingProxyType(dict(self.profile)))
        object.__setattr__(self, "not_expected", frozenset(KnowledgeArea(a) for a in self.not_expected))

    def known_on(self, area: KnowledgeArea) -> date | None:
        """The day an area other than the profile was last confirmed."""
        return {
            KnowledgeArea.KEY_PEOPLE: self.key_people_on,
            KnowledgeArea.STATEMENTS: self.statements_on,
            KnowledgeArea.INTERESTS: self.interests_on,
            KnowledgeArea.COMPETITORS: self.competitors_on,
            KnowledgeArea.VISIT: self.last_visit_on,
        }[area]


class Gap(StrEnum):
    """What is wrong with something the bank should know."""

    UNKNOWN = "unknown"
    OUT_OF_DATE = "out_of_date"


@dataclass(frozen=True)
class ToLearn:
    """One thing to learn on the next visit: the area, the profile field if it is one, whether
    it is unknown or out of date (and since when), and the points it would add to the score."""

    area: KnowledgeArea
    gap: Gap
    points: Decimal
    profile_field: str | None = None
    known_on: date | None = None


@dataclass(frozen=True)
class KnowledgeScore:
    """The score (0-100), the points earned by area (out of each area's share of 100), and what
    to learn on the next visit, most points first."""

    score: int
    by_area: Mapping[KnowledgeArea, Decimal]
    to_learn: tuple[ToLearn, ...]


def knowledge_score(
    facts: KnowledgeFacts, *, as_of: date, policy: KnowledgePolicy = DEFAULT_KNOWLEDGE_POLICY
) -> KnowledgeScore:
    """How well the bank knows a customer on ``as_of``, 0-100 (the issue "Marketing", item 2).

    Rule: each expected area earns its weight x its freshness (the profile: its weight x the
    mean freshness of its fields, an unknown field counting 0); the score is 100 x the points
    earned / the weights of the expected areas, rounded half-up to a whole number. What to
    learn: every unknown or out-of-date field and area except the visit itself (the next visit
    refreshes it), with the points it would add, most first. Weights and horizons:
    ``policy`` (bank policy defaults, ``DEFAULT_AREA_RULES``).

    Laws: 100 when everything expected is known and fresh, 0 when nothing is known; learning
    or confirming something never lowers the score. A fact dated after ``as_of`` is not known
    on that day and raises ``ValueError`` naming it.
    """
    dated = [(f"profile field {name!r}", day) for name, day in facts.profile.items()]
    dated += [(area.value, facts.known_on(area)) for area in KnowledgeArea if area is not KnowledgeArea.PROFILE]
    for what, day in dated:
        if day is not None and day > as_of:
            raise ValueError(f"{what} is dated {day.isoformat()}, after the day scored, {as_of.isoformat()}")

    expected = [area for area in KnowledgeArea if area not in facts.not_expected]
    total_weight = sum(policy.rules[area].weight for area in expected)
    if total_weight == 0:
        raise ValueError("the areas expected of this customer have no weight")
    scale = Decimal(100) / total_weight
    earned: dict[KnowledgeArea, Decimal] = {}
    gaps: list[ToLearn] = []
    for area in expected:
        rule = policy.rules[area]
        if area is KnowledgeArea.PROFILE:
            per_field = Decimal(rule.weight) / len(facts.profile)
            freshness = {name: rule.freshness(day, as_of) for name, day in facts.profile.items()}
            earned[area] = per_field * sum(freshness.values(), Decimal(0))
            items = [(name, facts.profile[name], per_field, freshness[name]) for name in facts.profile]
        else:
            day = facts.known_on(area)
            fresh = rule.freshness(day, as_of)
            earned[area] = rule.weight * fresh
            items = [] if area is KnowledgeArea.VISIT else [(None, day, Decimal(rule.weight), fresh)]
        for name, day, weight, fresh in items:
            if fresh < 1:
                gaps.append(
                    ToLearn(
                        area=area,
                        gap=Gap.UNKNOWN if day is None else Gap.OUT_OF_DATE,
                        points=(weight * (1 - fresh) * scale).quantize(POINTS_PLACES, rounding=ROUND_HALF_UP),
                        profile_field=name,
                        known_on=day,
                    )
                )
    score = int((sum(earned.values(), Decimal(0)) * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    order = list(KnowledgeArea)
    gaps.sort(key=lambda item: (-item.points, order.index(item.area), item.profile_field or ""))
    by_area = {area: (points * scale).quantize(POINTS_PLACES, rounding=ROUND_HALF_UP) for area, points in earned.items()}
    return KnowledgeScore(score=score, by_area=MappingProxyType(by_area), to_learn=tuple(gaps))


BANDS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))
"""Score bands of the roll-up, lowest first."""


@dataclass(frozen=True)
class BookKnowledge:
    """How well the bank knows a book: how many customers, how many known (score at least
    ``known_from``), their share to a basis point, the mean score to a tenth, and how many
    customers fall in each of ``BANDS``. Share and mean are None for an empty book."""

    customers: int
    known: int
    share_known: Decimal | None
    mean_score: Decimal | None
    bands: tuple[int, ...]


def book_knowledge(scores: Iterable[int], *, policy: KnowledgePolicy = DEFAULT_KNOWLEDGE_POLICY) -> BookKnowledge:
    """Roll the knowledge scores of a book (or any group of customers) up: "customers we really
    know" are those scoring at least ``policy.known_from``. Raises ``ValueError`` for a score
    outside 0-100."""
    values = list(scores)
    bad = [s for s in values if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= 100]
    if bad:
        raise ValueError(f"knowledge scores are whole numbers from 0 to 100, not {bad[:5]}")
    known = sum(1 for s in values if s >= policy.known_from)
    count = len(values)
    return BookKnowledge(
        customers=count,
        known=known,
        share_known=(Decimal(known) / count).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if count else None,
        mean_score=(Decimal(sum(values)) / count).quantize(POINTS_PLACES, rounding=ROUND_HALF_UP) if count else None,
        bands=tuple(sum(1 for s in values if low <= s <= high) for low, high in BANDS),
    )
