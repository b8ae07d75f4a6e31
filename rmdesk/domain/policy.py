"""The credit policy check: every rule is data, and the result lists each rule with its numbers.

Before an application goes to approval, the machine checks it against the bank's credit policy
and the regulators' limits. Each rule gives a ``RuleResult``: passed, failed or not applicable,
the measured figure, the limit, and a reason that spells out the numbers, so that the approver
and the auditor see why. Limits and lists are bank policy held as data (``CreditPolicy``), with
the regulatory figures as defaults:

- concentration (DESIGN.md section 3): loans to one customer at most 10% of net capital
  (Commercial Banking Law art. 39; CBRC Core Indicators for Risk Supervision, 2005), credit to
  one group at most 15% (Core Indicators);
- related parties: credit to one related party at most 10% of net capital, to one related
  group at most 15%, to all related parties at most 50% (Measures for the Administration of
  Related-Party Transactions of Banking and Insurance Institutions, CBIRC Order 2022 No. 1), and
  no unsecured credit to a related party (Commercial Banking Law art. 40);
- restricted industries, minimum grade per product family, rating validity, loan-to-value per
  kind of collateral and current valuations, guarantor capacity: bank policy defaults.

Ratios are compared unrounded; the percentages shown are rounded half-up to 0.01%.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

from rmdesk.domain.authority import grade_rank


class Rule(StrEnum):
    """The rules of the policy check, in the order the report lists them."""

    SINGLE_CUSTOMER_CONCENTRATION = "single_customer_concentration"
    GROUP_CONCENTRATION = "group_concentration"
    RESTRICTED_INDUSTRY = "restricted_industry"
    MINIMUM_GRADE = "minimum_grade"
    RATING_VALIDITY = "rating_validity"
    COLLATERAL_VALUATION = "collateral_valuation"
    LOAN_TO_VALUE = "loan_to_value"
    GUARANTOR_CAPACITY = "guarantor_capacity"
    RELATED_PARTY_SINGLE = "related_party_single"
    RELATED_PARTY_GROUP = "related_party_group"
    RELATED_PARTY_TOTAL = "related_party_total"
    RELATED_PARTY_UNSECURED = "related_party_unsecured"


class Outcome(StrEnum):
    """How an application fares under one rule."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


class PolicyErrorCode(StrEnum):
    """Why a policy or the facts of an application are refused before any rule is checked."""

    POLICY_INVALID = "policy_invalid"
    FACTS_INVALID = "facts_invalid"


class PolicyError(ValueError):
    """A credit policy or application facts are malformed; ``code`` says which."""

    def __init__(self, code: PolicyErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GuarantorKind(StrEnum):
    """An enterprise guarantor is measured by its net worth, an individual by income."""

    ENTERPRISE = "enterprise"
    INDIVIDUAL = "individual"


def _money(
    value: object, what: str, *, code: PolicyErrorCode = PolicyErrorCode.FACTS_INVALID, positive: bool = False
) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or (positive and value == 0):
        need = "more than 0" if positive else "0 or more"
        raise PolicyError(code, f"{what} must be a Decimal of {need}, not {value!r}")


def _share(value: object, what: str) -> None:
    if not isinstance(value, Decimal) or not Decimal(0) < value <= 1:
        raise PolicyError(
            PolicyErrorCode.POLICY_INVALID, f"{what} must be a Decimal fraction above 0 and at most 1, not {value!r}"
        )


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


DEFAULT_RESTRICTED_INDUSTRIES = frozenset({"B06", "C31", "C32", "C3011"})
"""Overcapacity industries of GB/T 4754-2017 that county banks commonly restrict: coal mining
(B06), ferrous (C31) and non-ferrous (C32) smelting and rolling, cement (C3011). Bank policy
default; a code restricts itself and every finer code beneath it."""

DEFAULT_MINIMUM_GRADES = {"loan": "BB", "credit_card": "BB", "acceptance_bill": "BBB", "bill_discount": "BBB"}
"""Worst grade accepted per product family: bank policy defaults."""

DEFAULT_MAX_LOAN_TO_VALUE = {
    "deposit_pledge": Decimal("0.90"),
    "government_bond": Decimal("0.90"),
    "residential_property": Decimal("0.70"),
    "commercial_property": Decimal("0.60"),
    "industrial_property": Decimal("0.50"),
    "land_use_right": Decimal("0.50"),
    "machinery": Decimal("0.40"),
    "vehicle": Decimal("0.50"),
    "receivables": Decimal("0.60"),
    "inventory": Decimal("0.40"),
}
"""Highest loan-to-value (抵质押率) by kind of collateral: common bank policy defaults."""


@dataclass(frozen=True)
class CreditPolicy:
    """The bank's credit policy as data; see the module docstring for the sources of the defaults.

    Shares are fractions of the bank's net capital. ``minimum_grades`` maps a product family to
    the worst grade accepted (``default_minimum_grade`` for families not listed).
    ``max_loan_to_value`` maps a kind of collateral to its highest loan-to-value; a kind not
    listed is not eligible. Valuations older than ``valuation_validity_days`` and ratings older
    than ``rating_validity_days`` do not count. A guarantor may guarantee at most
    ``enterprise_guarantee_multiple`` x its net worth (enterprise) or
    ``individual_guarantee_multiple`` x its annual income (individual), in all. ``rules``: the
    rules the bank checks; the others are reported as not applicable.
    """

    single_customer_share: Decimal = Decimal("0.10")
    group_share: Decimal = Decimal("0.15")
    restricted_industries: frozenset[str] = DEFAULT_RESTRICTED_INDUSTRIES
    minimum_grades: Mapping[str, str] = field(default_factory=lambda: _frozen(DEFAULT_MINIMUM_GRADES))
    default_minimum_grade: str = "B"
    rating_validity_days: int = 365
    max_loan_to_value: Mapping[str, Decimal] = field(default_factory=lambda: _frozen(DEFAULT_MAX_LOAN_TO_VALUE))
    valuation_validity_days: int = 365
    enterprise_guarantee_multiple: Decimal = Decimal("1")
    individual_guarantee_multiple: Decimal = Decimal("5")
    related_party_single_share: Decimal = Decimal("0.10")
    related_party_group_share: Decimal = Decimal("0.15")
    related_party_total_share: Decimal = Decimal("0.50")
    rules: frozenset[Rule] = frozenset(Rule)

    def __post_init__(self) -> None:
        for name in (
            "single_customer_share",
            "group_share",
            "related_party_single_share",
            "related_party_group_share",
            "related_party_total_share",
        ):
            _share(getattr(self, name), name.replace("_", " "))
        for family, grade in self.minimum_grades.items():
            self._grade(grade, f"the minimum grade of {family}")
        self._grade(self.default_minimum_grade, "the default minimum grade")
        for kind, ltv in self.max_loan_to_value.items():
            _share(ltv, f"the loan-to-value of {kind}")
        for name in ("enterprise_guarantee_multiple", "individual_guarantee_multiple"):
            _money(getattr(self, name), name.replace("_", " "), code=PolicyErrorCode.POLICY_INVALID, positive=True)
        if self.rating_validity_days < 1 or self.valuation_validity_days < 1:
            raise PolicyError(PolicyErrorCode.POLICY_INVALID, "rating and valuation validity must be at least 1 day")

    @staticmethod
    def _grade(grade: str, what: str) -> None:
        try:
            grade_rank(grade)
        except ValueError as error:
            raise PolicyError(PolicyErrorCode.POLICY_INVALID, f"{what}: {error}") from None


DEFAULT_CREDIT_POLICY = CreditPolicy()


@dataclass(frozen=True)
class Collateral:
    """One item of collateral: its kind, appraised value in yuan, date of valuation, and the
    claims of earlier charges on it (a second mortgage ranks behind the first)."""

    description: str
    kind: str
    value: Decimal
    valued_on: date
    prior_claims: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        _money(self.value, f"the value of {self.description}")
        _money(self.prior_claims, f"the prior claims on {self.description}")


@dataclass(frozen=True)
class Guarantor:
    """A guarantor of this credit: the amount it guarantees here, what it already guarantees
    elsewhere, and its net worth (enterprise) or annual income (individual), when known."""

    name: str
    kind: GuarantorKind
    amount: Decimal
    existing_guarantees: Decimal = Decimal(0)
    net_worth: Decimal | None = None
    annual_income: Decimal | None = None

    def __post_init__(self) -> None:
        _money(self.amount, f"the amount {self.name} guarantees", positive=True)
        _money(self.existing_guarantees, f"what {self.name} already guarantees")
        for what, value in (("net worth", self.net_worth), ("annual income", self.annual_income)):
            if value is not None:
                _money(value, f"the {what} of {self.name}")


@dataclass(frozen=True)
class RelatedParty:
    """The borrower is a related party of the bank (insider, shareholder, their relatives and
    companies): the credit the bank already extends to it, to its related group (None if it has
    none) and to all related parties together."""

    party_credit: Decimal
    group_credit: Decimal | None
    all_related_credit: Decimal

    def __post_init__(self) -> None:
        _money(self.party_credit, "credit to the related party")
        if self.group_credit is not None:
            _money(self.group_credit, "credit to the related group")
        _money(self.all_related_credit, "credit to all related parties")


@dataclass(frozen=True)
class ApplicationFacts:
    """What the policy check needs to know about an application, as of `on`.

    ``customer_loans``: loans outstanding to the customer now; ``group_credit``: credit
    outstanding to its group (None if it belongs to none); ``net_capital``: the bank's net
    capital (资本净额) at the last quarter end. ``industry``: a GB/T 4754 code (a section letter
    or a finer code). Amounts are Decimal yuan.
    """

    on: date
    product_family: str
    amount: Decimal
    industry: str
    grade: str | None
    rated_on: date | None
    customer_loans: Decimal
    net_capital: Decimal
    group_credit: Decimal | None = None
    collateral: tuple[Collateral, ...] = ()
    guarantors: tuple[Guarantor, ...] = ()
    related_party: RelatedParty | None = None

    def __post_init__(self) -> None:
        _money(self.amount, "the amount applied for", positive=True)
        _money(self.customer_loans, "the customer's loans outstanding")
        _money(self.net_capital, "the bank's net capital", positive=True)
        if self.group_credit is not None:
            _money(self.group_credit, "the group's credit outstanding")
        if self.grade is not None:
            try:
                grade_rank(self.grade)
            except ValueError as error:
                raise PolicyError(PolicyErrorCode.FACTS_INVALID, str(error)) from None


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict: outcome, the figure measured, the limit, and the reason in numbers.

    ``subject`` names the guarantor or collateral item when a rule is checked item by item.
    """

    rule: Rule
    outcome: Outcome
    measured: Decimal | str | None
    limit: Decimal | str | None
    reason: str
    subject: str = ""


@dataclass(frozen=True)
class PolicyReport:
    """Every rule's result for one application; it passes when no rule failed."""

    results: tuple[RuleResult, ...]

    @property
    def passed(self) -> bool:
        """Whether no rule failed."""
        return all(r.outcome is not Outcome.FAILED for r in self.results)

    @property
    def failures(self) -> tuple[RuleResult, ...]:
        """The rules that failed, in report order."""
        return tuple(r for r in self.results if r.outcome is Outcome.FAILED)

    def of(self, rule: Rule) -> tuple[RuleResult, ...]:
        """The results of one rule (one per guarantor or collateral item where it applies so)."""
        return tuple(r for r in self.results if r.rule is rule)


def _pct(ratio: Decimal) -> Decimal:
    return (ratio * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _outcome(ok: bool) -> Outcome:
    return Outcome.PASSED if ok else Outcome.FAILED


def _na(rule: Rule, reason: str, subject: str = "") -> RuleResult:
    return RuleResult(rule, Outcome.NOT_APPLICABLE, None, None, reason, subject)


def _share_of_capital(
    rule: Rule, *, existing: Decimal, amount: Decimal, capital: Decimal, limit: Decimal, whom: str
) -> RuleResult:
    total = existing + amount
    ratio = total / capital
    return RuleResult(
        rule,
        _outcome(ratio <= limit),
        _pct(ratio),
        _pct(limit),
        f"{whom}: {_yuan(existing)} outstanding + {_yuan(amount)} applied = {_yuan(total)} yuan, "
        f"{_pct(ratio)}% of net capital {_yuan(capital)} (limit {_pct(limit)}%)",
    )


def check_concentration(
    facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY
) -> tuple[RuleResult, ...]:
    """Concentration: (loans to the customer + this credit) / net capital <= 10%, and (credit to its
    group + this credit) / net capital <= 15% (Commercial Banking Law art. 39; CBRC Core Indicators,
    DESIGN.md section 3). The new credit counts in full, whatever its product family."""
    single = _share_of_capital(
        Rule.SINGLE_CUSTOMER_CONCENTRATION,
        existing=facts.customer_loans,
        amount=facts.amount,
        capital=facts.net_capital,
        limit=policy.single_customer_share,
        whom="loans to the customer",
    )
    if facts.group_credit is None:
        group = _na(Rule.GROUP_CONCENTRATION, "the customer belongs to no group")
    else:
        group = _share_of_capital(
            Rule.GROUP_CONCENTRATION,
            existing=facts.group_credit,
            amount=facts.amount,
            capital=facts.net_capital,
            limit=policy.group_share,
            whom="credit to the group",
        )
    return single, group


def check_restricted_industry(facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY) -> RuleResult:
    """Restricted industries: credit to an industry on the bank's restricted list fails. A listed
    code restricts itself and every finer code (C31 restricts C3110); an industry recorded only
    more coarsely than a listed code passes, with the listed codes named (bank policy)."""
    industry = facts.industry.strip().upper()
    hits = sorted(code for code in policy.restricted_industries if industry.startswith(code))
    if hits:
        return RuleResult(
            Rule.RESTRICTED_INDUSTRY,
            Outcome.FAILED,
            industry,
            ", ".join(hits),
            f"industry {industry} is restricted by the bank's policy ({', '.join(hits)})",
        )
    within = sorted(code for code in policy.restricted_industries if code.startswith(industry))
    note = f"; restricted classes within it, not ruled out by the code on file: {', '.join(within)}" if within else ""
    return RuleResult(
        Rule.RESTRICTED_INDUSTRY,
        Outcome.PASSED,
        industry,
        None,
        f"industry {industry} is not on the restricted list{note}",
    )


def check_minimum_grade(facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY) -> RuleResult:
    """Minimum grade: the borrower's grade must be no worse than the product family's minimum
    (``policy.minimum_grades``, else ``policy.default_minimum_grade``); an unrated borrower fails."""
    minimum = policy.minimum_grades.get(facts.product_family, policy.default_minimum_grade)
    if facts.grade is None:
        return RuleResult(Rule.MINIMUM_GRADE, Outcome.FAILED, None, minimum, "the borrower has no rating")
    ok = grade_rank(facts.grade) <= grade_rank(minimum)
    return RuleResult(
        Rule.MINIMUM_GRADE,
        _outcome(ok),
        facts.grade,
        minimum,
        f"grade {facts.grade} {'meets' if ok else 'is worse than'} the minimum {minimum} for {facts.product_family}",
    )


def check_rating_validity(facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY) -> RuleResult:
    """Rating validity: the rating must be no older than ``policy.rating_validity_days`` (365: ratings
    are re-done at least yearly, DESIGN.md section 2) on the day of the check."""
    if facts.rated_on is None:
        return RuleResult(
            Rule.RATING_VALIDITY, Outcome.FAILED, None, policy.rating_validity_days, "the borrower has no rating"
        )
    age = (facts.on - facts.rated_on).days
    expires = facts.rated_on + timedelta(days=policy.rating_validity_days)
    ok = 0 <= age <= policy.rating_validity_days
    return RuleResult(
        Rule.RATING_VALIDITY,
        _outcome(ok),
        Decimal(age),
        Decimal(policy.rating_validity_days),
        f"rated on {facts.rated_on.isoformat()}, {age} days before the check; valid until {expires.isoformat()}"
        + ("" if age >= 0 else " (a rating dated after the check is not accepted)"),
    )


def check_collateral(facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY) -> tuple[RuleResult, ...]:
    """Collateral: each valuation must be current (no older than ``policy.valuation_validity_days``),
    and the credit must not exceed the eligible value of the current items: sum of value x the
    kind's highest loan-to-value, less prior claims (bank policy; kinds not listed are not
    eligible). Not applicable to unsecured credit."""
    if not facts.collateral:
        return (_na(Rule.COLLATERAL_VALUATION, "no collateral"), _na(Rule.LOAN_TO_VALUE, "no collateral"))
    results = []
    current = []
    for item in facts.collateral:
        age = (facts.on - item.valued_on).days
        ok = 0 <= age <= policy.valuation_validity_days
        results.append(
            RuleResult(
                Rule.COLLATERAL_VALUATION,
                _outcome(ok),
                Decimal(age),
                Decimal(policy.valuation_validity_days),
                f"valued on {item.valued_on.isoformat()}, {age} days before the check "
                f"(at most {policy.valuation_validity_days})",
                item.description,
            )
        )
        if ok:
            current.append(item)
    value = sum((i.value for i in current), Decimal(0))
    eligible = sum(
        (max(Decimal(0), i.value * policy.max_loan_to_value.get(i.kind, Decimal(0)) - i.prior_claims) for i in current),
        Decimal(0),
    )
    unknown = sorted({i.kind for i in current if i.kind not in policy.max_loan_to_value})
    note = f"; not eligible under policy: {', '.join(unknown)}" if unknown else ""
    if value == 0:
        results.append(
            RuleResult(
                Rule.LOAN_TO_VALUE,
                Outcome.FAILED,
                None,
                _yuan(eligible),
                f"no collateral with a current, positive valuation secures {_yuan(facts.amount)} yuan{note}",
            )
        )
        return tuple(results)
    claims = facts.amount + sum((i.prior_claims for i in current), Decimal(0))
    highest = sum((i.value * policy.max_loan_to_value.get(i.kind, Decimal(0)) for i in current), Decimal(0)) / value
    results.append(
        RuleResult(
            Rule.LOAN_TO_VALUE,
            _outcome(facts.amount <= eligible),
            _pct(claims / value),
            _pct(highest),
            f"{_yuan(facts.amount)} applied against eligible value {_yuan(eligible)} "
            f"of collateral worth {_yuan(value)}: "
            f"loan-to-value {_pct(claims / value)}% including prior claims, at most {_pct(highest)}%{note}",
        )
    )
    return tuple(results)


def check_guarantors(facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY) -> tuple[RuleResult, ...]:
    """Guarantor capacity: what a guarantor guarantees in all (this credit + existing guarantees)
    must not exceed its capacity: net worth x ``enterprise_guarantee_multiple`` for an enterprise,
    annual income x ``individual_guarantee_multiple`` for an individual (bank policy defaults 1 and
    5). A guarantor whose figure is not on file fails. One result per guarantor."""
    if not facts.guarantors:
        return (_na(Rule.GUARANTOR_CAPACITY, "no guarantor"),)
    results = []
    for g in facts.guarantors:
        if g.kind is GuarantorKind.ENTERPRISE:
            basis, what, multiple = g.net_worth, "net worth", policy.enterprise_guarantee_multiple
        else:
            basis, what, multiple = g.annual_income, "annual income", policy.individual_guarantee_multiple
        total = g.amount + g.existing_guarantees
        if basis is None:
            results.append(
                RuleResult(
                    Rule.GUARANTOR_CAPACITY,
                    Outcome.FAILED,
                    total,
                    None,
                    f"the guarantor's {what} is not on file",
                    g.name,
                )
            )
            continue
        capacity = basis * multiple
        results.append(
            RuleResult(
                Rule.GUARANTOR_CAPACITY,
                _outcome(total <= capacity),
                total,
                capacity,
                f"guarantees {_yuan(g.amount)} here + {_yuan(g.existing_guarantees)} already = {_yuan(total)} yuan "
                f"against capacity {_yuan(capacity)} ({what} {_yuan(basis)} x {multiple})",
                g.name,
            )
        )
    return tuple(results)


def check_related_party(
    facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY
) -> tuple[RuleResult, ...]:
    """Related parties: credit to the party, its related group and all related parties, each with
    this credit, at most 10%, 15% and 50% of net capital (CBIRC Order 2022 No. 1), and never
    unsecured (Commercial Banking Law art. 40). Not applicable to a borrower who is not related."""
    related = facts.related_party
    rules = (
        Rule.RELATED_PARTY_SINGLE,
        Rule.RELATED_PARTY_GROUP,
        Rule.RELATED_PARTY_TOTAL,
        Rule.RELATED_PARTY_UNSECURED,
    )
    if related is None:
        return tuple(_na(rule, "the borrower is not a related party of the bank") for rule in rules)
    single = _share_of_capital(
        Rule.RELATED_PARTY_SINGLE,
        existing=related.party_credit,
        amount=facts.amount,
        capital=facts.net_capital,
        limit=policy.related_party_single_share,
        whom="credit to the related party",
    )
    if related.group_credit is None:
        group = _na(Rule.RELATED_PARTY_GROUP, "the related party belongs to no related group")
    else:
        group = _share_of_capital(
            Rule.RELATED_PARTY_GROUP,
            existing=related.group_credit,
            amount=facts.amount,
            capital=facts.net_capital,
            limit=policy.related_party_group_share,
            whom="credit to the related group",
        )
    total = _share_of_capital(
        Rule.RELATED_PARTY_TOTAL,
        existing=related.all_related_credit,
        amount=facts.amount,
        capital=facts.net_capital,
        limit=policy.related_party_total_share,
        whom="credit to all related parties",
    )
    secured = bool(facts.collateral or facts.guarantors)
    unsecured = RuleResult(
        Rule.RELATED_PARTY_UNSECURED,
        _outcome(secured),
        "secured" if secured else "unsecured",
        "secured",
        "secured by collateral or guarantee" if secured else "unsecured credit to a related party is not allowed",
    )
    return single, group, total, unsecured


def check_policy(facts: ApplicationFacts, policy: CreditPolicy = DEFAULT_CREDIT_POLICY) -> PolicyReport:
    """Check an application against every rule of the credit policy and report each one.

    Runs every check of this module (concentration, restricted industry, minimum grade, rating
    validity, collateral valuation and loan-to-value, guarantor capacity, related-party limits);
    a rule not in ``policy.rules`` is reported as not applicable. The application passes when no
    rule failed. Sources: the module docstring and each check's own.
    """
    results = (
        *check_concentration(facts, policy),
        check_restricted_industry(facts, policy),
        check_minimum_grade(facts, policy),
        check_rating_validity(facts, policy),
        *check_collateral(facts, policy),
        *check_guarantors(facts, policy),
        *check_related_party(facts, policy),
    )
    order = list(Rule)
    return PolicyReport(
        tuple(
            sorted(
                (
                    r if r.rule in policy.rules else _na(r.rule, "not required by the bank's policy", r.subject)
                    for r in results
                ),
                key=lambda r: order.index(r.rule),
            )
        )
    )
