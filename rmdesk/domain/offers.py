"""Next best offer: a customer's offers ranked by expected risk-adjusted profit, within the risk appetite.

For each product the bank could offer a customer, the expected profit of offering it is the
probability that the customer accepts (rmdesk.analytics.acceptance) times the product's
risk-adjusted profit for this customer over a year (its economic profit by
rmdesk.domain.profitability: after expected loss and a charge for the capital it uses). Offers
are ranked by that, best first. A product is not offered (and the list of withheld products
says why) when it is not for this kind of customer, the customer already holds it and may hold
only one, it would extend credit outside the risk appetite (no grade, a grade worse than the
product's minimum, a special-mention or non-performing classification, a policy rule failing),
or it would not be profitable: every product sold must be safe and profitable for the bank.

Each offer carries one reason an account manager can say aloud, as a code and parameters that
the shell words in either language: a fact about the customer that the product answers (idle
money, a salary paid here, sales received here, wages paid out), the package of the customer's
segment that it completes, how many similar customers hold it, or else how likely the customer
is to accept. Packages, thresholds and which facts speak for which family are data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

from rmdesk.domain.authority import MASTER_SCALE, grade_rank
from rmdesk.domain.money import round_yuan

CLASSIFICATIONS: tuple[str, ...] = ("normal", "special_mention", "substandard", "doubtful", "loss")
"""The five-category classification (五级分类) from best to worst (DESIGN.md sections 2 and 3)."""
NON_PERFORMING = frozenset({"substandard", "doubtful", "loss"})
"""The last three categories are non-performing."""


class OfferErrorCode(StrEnum):
    """Why offers cannot be ranked."""

    NOT_DECIMAL = "not_decimal"
    PROBABILITY_OUT_OF_RANGE = "probability_out_of_range"
    UNKNOWN_GRADE = "unknown_grade"
    UNKNOWN_CLASSIFICATION = "unknown_classification"
    CREDIT_WITHOUT_MINIMUM_GRADE = "credit_without_minimum_grade"
    DUPLICATE_PRODUCT = "duplicate_product"
    INVALID_PACKAGE = "invalid_package"
    INVALID_POLICY = "invalid_policy"


class OfferError(ValueError):
    """Inputs of the offer ranking are invalid; ``code`` says which rule they break."""

    def __init__(self, code: OfferErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or (
        isinstance(value, Decimal) and not value.is_finite()
    ):
        raise OfferError(OfferErrorCode.NOT_DECIMAL, f"{what} must be a finite Decimal, not {value!r}")
    return Decimal(value)


def _grade(grade: str, what: str) -> int:
    try:
        return grade_rank(grade)
    except ValueError:
        raise OfferError(
            OfferErrorCode.UNKNOWN_GRADE, f"{what} {grade!r} is not a grade of the master scale {', '.join(MASTER_SCALE)}"
        ) from None


@dataclass(frozen=True)
class OfferProduct:
    """A product as the offer ranking sees it.

    - ``credit``: it extends credit, so the risk appetite applies;
    - ``minimum_grade``: for credit, the worst grade still offered it; required, and never D
      (default), so that no credit is ever offered to a defaulted borrower;
    - ``several_allowed``: a customer may hold more than one (time deposits, wealth products);
    - ``kinds``: the kinds of customer it is for (empty: every kind).
    """

    code: str
    family: str
    credit: bool = False
    minimum_grade: str | None = None
    several_allowed: bool = False
    kinds: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.credit and self.minimum_grade is None:
            raise OfferError(
                OfferErrorCode.CREDIT_WITHOUT_MINIMUM_GRADE, f"credit product {self.code!r} needs a minimum grade"
            )
        if self.minimum_grade is not None:
            if _grade(self.minimum_grade, f"minimum grade of {self.code!r}") == len(MASTER_SCALE) - 1:
                raise OfferError(
                    OfferErrorCode.UNKNOWN_GRADE, f"minimum grade of {self.code!r} cannot be D (default)"
                )
        object.__setattr__(self, "kinds", frozenset(self.kinds))


@dataclass(frozen=True)
class Package:
    """A bundle of products offered together to a segment (产品组合): the customers of one of
    ``kinds`` (empty: any kind) in one of ``tiers`` (empty: any tier)."""

    code: str
    products: tuple[str, ...]
    kinds: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if len(self.products) < 2 or len(set(self.products)) != len(self.products):
            raise OfferError(
                OfferErrorCode.INVALID_PACKAGE, f"package {self.code!r} needs two or more distinct products: {self.products}"
            )
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        object.__setattr__(self, "tiers", frozenset(self.tiers))

    def fits(self, *, kind: str, tier: str) -> bool:
        """Whether the package is aimed at a customer of this kind and tier."""
        return (not self.kinds or kind in self.kinds) and (not self.tiers or tier in self.tiers)


DEFAULT_PACKAGES: tuple[Package, ...] = (
    Package("farmer_household", ("DP01", "LN01", "EB01", "IA01"), kinds=frozenset({"farmer_household"})),
    Package("salaried", ("DP01", "CC01", "EB01", "WM01"), kinds=frozenset({"individual"})),
    Package(
        "affluent_saver", ("DP02", "DP03", "WM02", "IA01"),
        kinds=frozenset({"individual", "farmer_household"}), tiers=frozenset({"affluent", "wealth", "private"}),
    ),
    Package("small_business", ("DP11", "ST02", "ST01", "LN05", "EB11"), kinds=frozenset({"sole_proprietor"})),
    Package("enterprise", ("DP11", "PA01", "EB11", "LN11", "BA01"), kinds=frozenset({"enterprise"})),
)
"""Packages for the catalogue shipped with the demo bank (rmdesk.synthetic.names.PRODUCTS):
the farmer's debit card, microcredit, mobile banking and agricultural insurance; the salaried
person's card, credit card, mobile banking and a wealth product; savings for affluent
households; collection, POS, a business loan and internet banking for the small shop; payroll,
working capital and acceptance bills for the enterprise. A bank's marketing department sets
its own."""


class Fact(StrEnum):
    """Facts about a customer that speak for a product; each is also the reason code it gives."""

    IDLE_BALANCE = "idle_balance"
    """Money lying in current accounts beyond what the customer needs for payments."""
    SALARY_PAID_HERE = "salary_paid_here"
    """A salary or pension is paid into an account here every month."""
    SALES_RECEIVED_HERE = "sales_received_here"
    """The business receives its sales into an account here."""
    PAYS_WAGES = "pays_wages"
    """The business pays wages out of its account here, one by one."""


DEFAULT_FAMILY_FACTS: Mapping[str, tuple[Fact, ...]] = MappingProxyType(
    {
        "deposit": (Fact.IDLE_BALANCE,),
        "wealth": (Fact.IDLE_BALANCE,),
        "insurance_agency": (Fact.IDLE_BALANCE,),
        "credit_card": (Fact.SALARY_PAID_HERE,),
        "loan": (Fact.SALARY_PAID_HERE, Fact.SALES_RECEIVED_HERE),
        "e_banking": (Fact.SALES_RECEIVED_HERE, Fact.SALARY_PAID_HERE),
        "settlement": (Fact.SALES_RECEIVED_HERE,),
        "bill_discount": (Fact.SALES_RECEIVED_HERE,),
        "acceptance_bill": (Fact.SALES_RECEIVED_HERE,),
        "payroll_agency": (Fact.PAYS_WAGES,),
    }
)
"""Which facts speak for which product family, strongest first (bank policy default): idle
money for savings, wealth and insurance; a salary paid here for a credit card or a consumer
loan; sales received here for collection, e-banking, business credit and bills; wages paid out
for payroll agency."""


@dataclass(frozen=True)
class OfferPolicy:
    """Thresholds of the offer reasons (bank policy defaults).

    - ``idle_minimum``: idle money counts as a reason from 20,000 yuan, about the least worth
      moving into a time deposit or wealth product for the customer to notice the interest;
    - ``peer_share_minimum``: "similar customers hold it" is said when at least 20% of them do;
    - ``family_facts``: which facts speak for which family (``DEFAULT_FAMILY_FACTS``).
    """

    idle_minimum: Decimal = Decimal("20000")
    peer_share_minimum: Decimal = Decimal("0.20")
    family_facts: Mapping[str, tuple[Fact, ...]] = field(default_factory=lambda: DEFAULT_FAMILY_FACTS)

    def __post_init__(self) -> None:
        if _decimal(self.idle_minimum, "idle minimum") < 0:
            raise OfferError(OfferErrorCode.INVALID_POLICY, f"idle minimum cannot be negative, not {self.idle_minimum}")
        if not 0 <= _decimal(self.peer_share_minimum, "peer share minimum") <= 1:
            raise OfferError(
                OfferErrorCode.INVALID_POLICY, f"peer share minimum must be between 0 and 1, not {self.peer_share_minimum}"
            )
        object.__setattr__(self, "family_facts", MappingProxyType(dict(self.family_facts)))


DEFAULT_OFFER_POLICY = OfferPolicy()


@dataclass(frozen=True)
class OfferCustomer:
    """What the offer ranking knows of a customer.

    - ``kind``, ``tier``: the customer's kind and value tier (the segment packages aim at);
    - ``held``: codes of the products the customer holds now;
    - ``grade``: the current credit rating on the master scale, None if not rated;
    - ``classification``: the customer's five-category classification as a debtor, None if
      they owe the bank nothing;
    - ``policy_failures``: by product code, the codes of the credit-policy rules that offering
      it would break (from the policy check), empty if none;
    - ``idle_balance``: money in current accounts beyond the customer's usual payments, yuan;
    - ``monthly_salary_here``, ``monthly_sales_here``, ``monthly_wages_paid``: average monthly
      salary or pension paid in, sales received and wages paid out through accounts here.
    """

    kind: str
    tier: str
    held: frozenset[str]
    grade: str | None = None
    classification: str | None = None
    policy_failures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    idle_balance: Decimal = Decimal(0)
    monthly_salary_here: Decimal = Decimal(0)
    monthly_sales_here: Decimal = Decimal(0)
    monthly_wages_paid: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.grade is not None:
            _grade(self.grade, "grade")
        if self.classification is not None and self.classification not in CLASSIFICATIONS:
            raise OfferError(
                OfferErrorCode.UNKNOWN_CLASSIFICATION,
                f"classification {self.classification!r} is not one of {', '.join(CLASSIFICATIONS)}",
            )
        for name in ("idle_balance", "monthly_salary_here", "monthly_sales_here", "monthly_wages_paid"):
            _decimal(getattr(self, name), name)
        object.__setattr__(self, "held", frozenset(self.held))
        object.__setattr__(self, "policy_failures", MappingProxyType(dict(self.policy_failures)))


@dataclass(frozen=True)
class OfferCandidate:
    """A product that could be offered, with what the models and the profitability say of it.

    - ``acceptance``: the probability that the customer accepts (0 to 1);
    - ``risk_adjusted_profit``: the product's economic profit for this customer over a year,
      in yuan (rmdesk.domain.profitability ``economic_profit`` of the proposed holding);
    - ``peer_share``: the share of similar customers (same kind and tier) who hold it, if known.
    """

    product: OfferProduct
    acceptance: Decimal
    risk_adjusted_profit: Decimal
    peer_share: Decimal | None = None


class ReasonCode(StrEnum):
    """The one-line reason of an offer; the shell words each with its parameters."""

    IDLE_BALANCE = Fact.IDLE_BALANCE.value
    """params: amount (yuan idle)."""
    SALARY_PAID_HERE = Fact.SALARY_PAID_HERE.value
    """params: amount (a month)."""
    SALES_RECEIVED_HERE = Fact.SALES_RECEIVED_HERE.value
    """params: amount (a month)."""
    PAYS_WAGES = Fact.PAYS_WAGES.value
    """params: amount (a month)."""
    COMPLETES_PACKAGE = "completes_package"
    """params: package (code), held (products of it held), size (products in it)."""
    SIMILAR_CUSTOMERS_HOLD = "similar_customers_hold"
    """params: percent (of similar customers holding it)."""
    LIKELY_TO_ACCEPT = "likely_to_accept"
    """params: percent (probability of acceptance)."""


class WithheldReason(StrEnum):
    """Why a product is not offered, in the order the rule tests them."""

    NOT_FOR_THIS_KIND = "not_for_this_kind"
    ALREADY_HELD = "already_held"
    NON_PERFORMING = "non_performing"
    SPECIAL_MENTION = "special_mention"
    NOT_RATED = "not_rated"
    GRADE_BELOW_MINIMUM = "grade_below_minimum"
    POLICY_RULE_FAILED = "policy_rule_failed"
    NOT_PROFITABLE = "not_profitable"


Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OfferReason:
    """A reason code and its parameters as text (amounts in yuan to the fen, percents whole)."""

    code: ReasonCode
    params: Params = ()

    def as_dict(self) -> dict[str, str]:
        """The parameters by name, for the shell's translated sentence."""
        return dict(self.params)


@dataclass(frozen=True)
class Offer:
    """One ranked offer: ``expected_profit = acceptance x risk_adjusted_profit``, to the fen."""

    rank: int
    product: str
    family: str
    acceptance: Decimal
    risk_adjusted_profit: Decimal
    expected_profit: Decimal
    reason: OfferReason


@dataclass(frozen=True)
class Withheld:
    """A product not offered, why, and the parameters of the why (grade, rules, profit)."""

    product: str
    reason: WithheldReason
    params: Params = ()


@dataclass(frozen=True)
class NextBestOffers:
    """The offers ranked best first, and the products withheld with their reasons."""

    offers: tuple[Offer, ...]
    withheld: tuple[Withheld, ...]


def _percent(share: Decimal) -> str:
    return str((share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _withheld(customer: OfferCustomer, candidate: OfferCandidate) -> Withheld | None:
    product = candidate.product
    code = product.code
    if product.kinds and customer.kind not in product.kinds:
        return Withheld(code, WithheldReason.NOT_FOR_THIS_KIND, (("kind", customer.kind),))
    if code in customer.held and not product.several_allowed:
        return Withheld(code, WithheldReason.ALREADY_HELD)
    if product.credit:
        if customer.classification in NON_PERFORMING:
            return Withheld(code, WithheldReason.NON_PERFORMING, (("classification", customer.classification),))
        if customer.classification == "special_mention":
            return Withheld(code, WithheldReason.SPECIAL_MENTION)
        if customer.grade is None:
            return Withheld(code, WithheldReason.NOT_RATED)
        if grade_rank(customer.grade) > grade_rank(product.minimum_grade):
            return Withheld(
                code, WithheldReason.GRADE_BELOW_MINIMUM, (("grade", customer.grade), ("minimum", product.minimum_grade))
            )
        failures = customer.policy_failures.get(code, ())
        if failures:
            return Withheld(code, WithheldReason.POLICY_RULE_FAILED, (("rules", ", ".join(failures)),))
    if candidate.risk_adjusted_profit <= 0:
        return Withheld(code, WithheldReason.NOT_PROFITABLE, (("profit", str(round_yuan(candidate.risk_adjusted_profit))),))
    return None


def _fact_amount(customer: OfferCustomer, fact: Fact, policy: OfferPolicy) -> Decimal | None:
    amount = {
        Fact.IDLE_BALANCE: customer.idle_balance,
        Fact.SALARY_PAID_HERE: customer.monthly_salary_here,
        Fact.SALES_RECEIVED_HERE: customer.monthly_sales_here,
        Fact.PAYS_WAGES: customer.monthly_wages_paid,
    }[fact]
    floor = policy.idle_minimum if fact is Fact.IDLE_BALANCE else Decimal(0)
    return amount if amount > 0 and amount >= floor else None


def _reason(
    customer: OfferCustomer, candidate: OfferCandidate, packages: tuple[Package, ...], policy: OfferPolicy
) -> OfferReason:
    product = candidate.product
    for fact in policy.family_facts.get(product.family, ()):
        amount = _fact_amount(customer, fact, policy)
        if amount is not None:
            return OfferReason(ReasonCode(fact.value), (("amount", str(round_yuan(amount))),))
    best: tuple[int, Package] | None = None
    for package in packages:
        if product.code in package.products and package.fits(kind=customer.kind, tier=customer.tier):
            held = sum(1 for code in package.products if code in customer.held and code != product.code)
            if held and (best is None or held > best[0]):
                best = (held, package)
    if best is not None:
        held, package = best
        return OfferReason(
            ReasonCode.COMPLETES_PACKAGE,
            (("package", package.code), ("held", str(held)), ("size", str(len(package.products)))),
        )
    if candidate.peer_share is not None and candidate.peer_share >= policy.peer_share_minimum:
        return OfferReason(ReasonCode.SIMILAR_CUSTOMERS_HOLD, (("percent", _percent(candidate.peer_share)),))
    return OfferReason(ReasonCode.LIKELY_TO_ACCEPT, (("percent", _percent(candidate.acceptance)),))


def _check(candidate: OfferCandidate) -> None:
    code = candidate.product.code
    acceptance = _decimal(candidate.acceptance, f"acceptance of {code!r}")
    if not 0 <= acceptance <= 1:
        raise OfferError(
            OfferErrorCode.PROBABILITY_OUT_OF_RANGE, f"acceptance of {code!r} must be between 0 and 1, not {acceptance}"
        )
    _decimal(candidate.risk_adjusted_profit, f"risk-adjusted profit of {code!r}")
    if candidate.peer_share is not None and not 0 <= _decimal(candidate.peer_share, f"peer share of {code!r}") <= 1:
        raise OfferError(
            OfferErrorCode.PROBABILITY_OUT_OF_RANGE, f"peer share of {code!r} must be between 0 and 1, not {candidate.peer_share}"
        )


def next_best_offers(
    customer: OfferCustomer,
    candidates: Iterable[OfferCandidate],
    *,
    packages: Iterable[Package] = DEFAULT_PACKAGES,
    policy: OfferPolicy = DEFAULT_OFFER_POLICY,
) -> NextBestOffers:
    """Rank a customer's offers by expected risk-adjusted profit, within the risk appetite.

    Rules (the issue "Marketing", packages and next best offer; DESIGN.md section 3):

    - a candidate is withheld, for the first of these that holds: it is not for the customer's
      kind; the customer holds it and may hold only one; it is credit and the customer is
      non-performing (substandard, doubtful, loss), special mention, not rated, graded worse
      than the product's minimum, or a policy rule fails for it; its risk-adjusted profit is 0
      or less;
    - every other candidate is offered, with expected profit = acceptance x risk-adjusted
      profit rounded half-up to the fen, ranked by expected profit, then acceptance, highest
      first, then product code (so the ranking is the same every time);
    - its reason: the first fact of ``policy.family_facts`` for its family that the customer
      shows (idle money from ``policy.idle_minimum``), else the fitting package it completes in
      which the customer holds most products, else the share of similar customers holding it
      (from ``policy.peer_share_minimum``), else the probability of acceptance.

    Every candidate ends either in ``offers`` or in ``withheld``. Raises ``OfferError`` for a
    repeated product, a probability outside 0-1 or an amount that is not a Decimal.
    """
    candidates = tuple(candidates)
    packages = tuple(packages)
    seen: set[str] = set()
    for candidate in candidates:
        _check(candidate)
        if candidate.product.code in seen:
            raise OfferError(OfferErrorCode.DUPLICATE_PRODUCT, f"product {candidate.product.code!r} is a candidate twice")
        seen.add(candidate.product.code)
    withheld, ranked = [], []
    for candidate in candidates:
        refusal = _withheld(customer, candidate)
        if refusal is not None:
            withheld.append(refusal)
            continue
        expected = round_yuan(candidate.acceptance * candidate.risk_adjusted_profit)
        ranked.append((candidate, expected))
    ranked.sort(key=lambda pair: (-pair[1], -pair[0].acceptance, pair[0].product.code))
    offers = tuple(
        Offer(
            rank=rank,
            product=candidate.product.code,
            family=candidate.product.family,
            acceptance=candidate.acceptance,
            risk_adjusted_profit=round_yuan(candidate.risk_adjusted_profit),
            expected_profit=expected,
            reason=_reason(customer, candidate, packages, policy),
        )
        for rank, (candidate, expected) in enumerate(ranked, start=1)
    )
    return NextBestOffers(offers=offers, withheld=tuple(withheld))
