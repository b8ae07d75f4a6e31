"""Risk-adjusted profitability of a customer and of each holding (DESIGN.md section 3).

Over one year, per holding:

- net interest income against funds-transfer prices (FTP, 内部资金转移定价): a loan earns
  balance x (customer rate - FTP rate), since the bank's treasury lends it the money at the FTP
  rate; a deposit earns balance x (FTP rate - customer rate), since the treasury buys the money
  at the FTP rate. The FTP rate is read from the curve at the holding's term;
- plus fee income, minus the cost of handling the holding, minus the expected loss
  PD x LGD x EAD (Basel II, para. 375: expected loss = PD x LGD x EAD) = risk-adjusted return;
- divided by the capital the holding uses, risk weight x exposure x capital ratio, = RAROC
  (risk-adjusted return on capital);
- minus a charge for that capital at the hurdle rate = economic profit: what the holding earns
  after paying shareholders for the capital it ties up, the profit that offers are ranked by.

Per customer, the holdings add up, less the customer's cost to serve by value tier. Every
parameter is data (``ProfitabilityParameters``) with documented defaults. Money is ``Decimal``
yuan, each figure rounded half-up to the fen; totals are sums of rounded figures, so every
table adds up to the fen. Rates and probabilities are ``Decimal`` fractions (0.05 for 5%).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

from rmdesk.domain.money import round_yuan

RATE_PLACES = Decimal("0.000001")
"""Interpolated FTP rates are kept to a millionth (a hundredth of a basis point)."""
RAROC_PLACES = Decimal("0.0001")
"""RAROC is reported to a basis point (0.2610 = 26.10%), rounded half-up."""


class PositionKind(StrEnum):
    """How a holding earns and what risk it carries."""

    LOAN = "loan"
    """Money lent (loans, discounted bills, card balances): earns customer rate - FTP rate,
    carries credit risk and uses capital."""
    DEPOSIT = "deposit"
    """Money placed with the bank (current, time and wealth balances held on the books): earns
    FTP rate - customer rate, no credit risk."""
    OFF_BALANCE = "off_balance"
    """Credit not funded by the bank (acceptance bills, guarantees): fees, credit risk and
    capital, no interest."""
    SERVICE = "service"
    """Fees only (payroll agency, settlement, e-banking, insurance agency)."""


CREDIT_KINDS = frozenset({PositionKind.LOAN, PositionKind.OFF_BALANCE})
"""Kinds that carry credit risk: they need an exposure class and have an expected loss."""


class ProfitabilityErrorCode(StrEnum):
    """Why a profitability cannot be computed."""

    NOT_DECIMAL = "not_decimal"
    NEGATIVE_AMOUNT = "negative_amount"
    RATE_OUT_OF_RANGE = "rate_out_of_range"
    PROBABILITY_OUT_OF_RANGE = "probability_out_of_range"
    TERM_OUT_OF_RANGE = "term_out_of_range"
    UNKNOWN_EXPOSURE_CLASS = "unknown_exposure_class"
    UNKNOWN_TIER = "unknown_tier"
    UNKNOWN_FAMILY = "unknown_family"
    INVALID_CURVE = "invalid_curve"
    INVALID_PARAMETER = "invalid_parameter"


class ProfitabilityError(ValueError):
    """Inputs of a profitability are invalid; ``code`` says which rule they break and the
    message names the holding and the field."""

    def __init__(self, code: ProfitabilityErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or (
        isinstance(value, Decimal) and not value.is_finite()
    ):
        raise ProfitabilityError(
            ProfitabilityErrorCode.NOT_DECIMAL, f"{what} must be a finite Decimal, not {value!r}"
        )
    return Decimal(value)


def _fraction(value: object, what: str, *, code: ProfitabilityErrorCode, upper: Decimal = Decimal(1)) -> Decimal:
    number = _decimal(value, what)
    if not 0 <= number <= upper:
        raise ProfitabilityError(code, f"{what} must be between 0 and {upper}, not {number}")
    return number


@dataclass(frozen=True)
class FtpCurve:
    """The funds-transfer price by term: ``(term in months, annual rate)`` points, terms rising.

    Between two points the rate is interpolated in a straight line; before the first point and
    after the last it stays flat (the usual way a treasury reads its curve between published
    tenors). Raises ``ProfitabilityError`` (INVALID_CURVE) for an empty curve, terms that do not
    rise strictly or start below 0, or a rate outside 0-100%.
    """

    points: tuple[tuple[int, Decimal], ...]

    def __post_init__(self) -> None:
        if not self.points:
            raise ProfitabilityError(ProfitabilityErrorCode.INVALID_CURVE, "an FTP curve needs at least one point")
        terms = [term for term, _ in self.points]
        if any(isinstance(t, bool) or not isinstance(t, int) or t < 0 for t in terms):
            raise ProfitabilityError(
                ProfitabilityErrorCode.INVALID_CURVE, f"FTP curve terms must be whole months, 0 or more: {terms}"
            )
        if any(later <= earlier for earlier, later in zip(terms, terms[1:])):
            raise ProfitabilityError(ProfitabilityErrorCode.INVALID_CURVE, f"FTP curve terms must rise strictly: {terms}")
        for term, rate in self.points:
            _fraction(rate, f"FTP rate at {term} months", code=ProfitabilityErrorCode.INVALID_CURVE)

    def rate_for(self, term_months: int) -> Decimal:
        """The FTP rate for a term in months (interpolated, flat beyond the ends), to a millionth."""
        if isinstance(term_months, bool) or not isinstance(term_months, int) or term_months < 0:
            raise ProfitabilityError(
                ProfitabilityErrorCode.TERM_OUT_OF_RANGE, f"a term must be whole months, 0 or more, not {term_months!r}"
            )
        first_term, first_rate = self.points[0]
        if term_months <= first_term:
            return first_rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        for (t0, r0), (t1, r1) in zip(self.points, self.points[1:]):
            if term_months <= t1:
                rate = r0 + (r1 - r0) * (term_months - t0) / (t1 - t0)
                return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        return self.points[-1][1].quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


DEFAULT_FTP_CURVE = FtpCurve(
    points=(
        (1, Decimal("0.0160")),
        (3, Decimal("0.0175")),
        (6, Decimal("0.0185")),
        (12, Decimal("0.0195")),
        (24, Decimal("0.0210")),
        (36, Decimal("0.0225")),
        (60, Decimal("0.0245")),
        (120, Decimal("0.0270")),
        (360, Decimal("0.0295")),
    )
)
"""Illustrative default: near the Chinese interbank and government-bond curve of 2024-2025
(about 1.4%-2.0% for one month to ten years) plus a liquidity premium rising with the term. The
bank's asset-liability department (资产负债管理部) publishes the real curve; replace it."""


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


DEFAULT_RISK_WEIGHTS: Mapping[str, Decimal] = _frozen(
    {
        "corporate": Decimal("1.00"),
        "corporate_sme": Decimal("0.85"),
        "retail": Decimal("0.75"),
        "retail_transactor": Decimal("0.45"),
        "residential_mortgage": Decimal("0.50"),
        "bank_acceptance": Decimal("1.00"),
    }
)
"""Risk weights by exposure class, from the weighted approach of the Capital Rules for
Commercial Banks (商业银行资本管理办法, NFRA, in force 2024-01-01): general corporate 100%,
corporate SMEs 85%, regulatory retail 75%, credit cards of qualifying transactors 45%. The rules
weigh residential mortgages by loan-to-value, from 20% for a low one up to 70%; 50% is a
conservative stand-in until each mortgage is given the class of its own loan-to-value. A bank
acceptance bill is weighed as a corporate exposure to its drawer."""

DEFAULT_HOLDING_COSTS: Mapping[str, Decimal] = _frozen(
    {
        "deposit": Decimal("20"),
        "loan": Decimal("600"),
        "acceptance_bill": Decimal("300"),
        "bill_discount": Decimal("300"),
        "credit_card": Decimal("100"),
        "payroll_agency": Decimal("200"),
        "wealth": Decimal("50"),
        "settlement": Decimal("100"),
        "e_banking": Decimal("10"),
        "insurance_agency": Decimal("30"),
    }
)
"""Yearly cost of handling one holding, by product family, in yuan (illustrative bank policy
defaults: a loan carries post-loan inspections and reviews, a current account little more
than its statements). The bank's cost accounting replaces them."""

DEFAULT_COST_TO_SERVE: Mapping[str, Decimal] = _frozen(
    {"private": Decimal("6000"), "wealth": Decimal("1500"), "affluent": Decimal("400"), "mass": Decimal("60")}
)
"""Yearly cost of serving one customer by value tier (rmdesk.domain.tiers), in yuan: the account
manager's visits and calls that the tier's service level asks for (rmdesk.domain.segments), and
the tier's privileges. Illustrative bank policy defaults."""


@dataclass(frozen=True)
class ProfitabilityParameters:
    """Everything profitability reads that is bank policy, with the documented defaults.

    - ``ftp_curve``: the funds-transfer price by term (``DEFAULT_FTP_CURVE``);
    - ``non_maturity_term_months``: the behavioural term at which balances without a maturity
      (current accounts, card balances) are priced: 12 months by default, a common core-deposit
      assumption of treasuries; replace it with the bank's own behavioural model;
    - ``risk_weights``: by exposure class (``DEFAULT_RISK_WEIGHTS``);
    - ``capital_ratio``: the capital held per unit of risk-weighted assets: 10.5% by default,
      the 8% minimum total capital ratio plus the 2.5% conservation buffer of the Capital Rules
      for Commercial Banks (2023);
    - ``hurdle_rate``: the return shareholders require of capital, charged on the capital used
      to give the economic profit: 10% by default (illustrative, of the order of Chinese banks'
      cost of equity);
    - ``default_lgd``: the loss given default of a holding that states none: 45%, the
      foundation-IRB LGD of a senior unsecured claim in Basel II (para. 287); secured loans
      should state their own;
    - ``holding_costs``: yearly cost of one holding by product family (``DEFAULT_HOLDING_COSTS``);
    - ``cost_to_serve``: yearly cost of a customer by value tier (``DEFAULT_COST_TO_SERVE``).
    """

    ftp_curve: FtpCurve = DEFAULT_FTP_CURVE
    non_maturity_term_months: int = 12
    risk_weights: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_RISK_WEIGHTS)
    capital_ratio: Decimal = Decimal("0.105")
    hurdle_rate: Decimal = Decimal("0.10")
    default_lgd: Decimal = Decimal("0.45")
    holding_costs: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_HOLDING_COSTS)
    cost_to_serve: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_COST_TO_SERVE)

    def __post_init__(self) -> None:
        invalid = ProfitabilityErrorCode.INVALID_PARAMETER
        if not isinstance(self.ftp_curve, FtpCurve):
            raise ProfitabilityError(invalid, "ftp_curve must be an FtpCurve")
        self.ftp_curve.rate_for(self.non_maturity_term_months)
        _fraction(self.capital_ratio, "capital ratio", code=invalid)
        _fraction(self.hurdle_rate, "hurdle rate", code=invalid)
        _fraction(self.default_lgd, "default LGD", code=invalid)
        for name, weight in self.risk_weights.items():
            _fraction(weight, f"risk weight of {name!r}", code=invalid, upper=Decimal(15))
        for table, costs in (("holding cost", self.holding_costs), ("cost to serve", self.cost_to_serve)):
            for name, cost in costs.items():
                if _decimal(cost, f"{table} of {name!r}") < 0:
                    raise ProfitabilityError(invalid, f"{table} of {name!r} cannot be negative, not {cost}")
        object.__setattr__(self, "risk_weights", _frozen(self.risk_weights))
        object.__setattr__(self, "holding_costs", _frozen(self.holding_costs))
        object.__setattr__(self, "cost_to_serve", _frozen(self.cost_to_serve))


DEFAULT_PARAMETERS = ProfitabilityParameters()
"""The bank policy defaults above."""


@dataclass(frozen=True)
class Position:
    """One holding's figures over a year, as profitability needs them.

    - ``reference``: how the holding is named in messages and tables (its account number);
    - ``family``: its product family (rmdesk.products ``ProductFamily`` codes), which sets its
      handling cost;
    - ``kind``: how it earns and what risk it carries (``PositionKind``);
    - ``average_balance``: the year's average balance in yuan, 0 or more (for off-balance
      credit, the amount outstanding);
    - ``customer_rate``: the annual rate the customer pays (loans) or is paid (deposits);
    - ``term_months``: the term at which it is transfer-priced; None for balances without a
      maturity (priced at ``non_maturity_term_months``);
    - ``fee_income``: fees earned in the year, in yuan;
    - ``exposure_class``: for credit kinds, the class that sets the risk weight;
    - ``loss_given_default``: None for the default LGD;
    - ``exposure_at_default``: None for the average balance; off-balance credit should pass its
      amount times the credit conversion factor, net of any margin deposit.
    """

    reference: str
    family: str
    kind: PositionKind
    average_balance: Decimal
    customer_rate: Decimal = Decimal(0)
    term_months: int | None = None
    fee_income: Decimal = Decimal(0)
    exposure_class: str | None = None
    loss_given_default: Decimal | None = None
    exposure_at_default: Decimal | None = None


@dataclass(frozen=True)
class PositionProfitability:
    """A holding's year: each figure in yuan to the fen, its FTP rate and RAROC.

    ``risk_adjusted_return = net_interest_income + fee_income - holding_cost - expected_loss``;
    ``economic_profit = risk_adjusted_return - capital_charge``; ``raroc`` is None where no
    capital is used (deposits and services).
    """

    reference: str
    family: str
    kind: PositionKind
    ftp_rate: Decimal
    net_interest_income: Decimal
    fee_income: Decimal
    holding_cost: Decimal
    expected_loss: Decimal
    risk_adjusted_return: Decimal
    capital: Decimal
    capital_charge: Decimal
    economic_profit: Decimal
    raroc: Decimal | None


@dataclass(frozen=True)
class CustomerProfitability:
    """A customer's year: the holdings' figures added up, less the cost to serve the customer.

    ``risk_adjusted_return`` = the holdings' risk-adjusted returns - ``cost_to_serve``;
    ``economic_profit`` = that - ``capital_charge``; ``raroc`` = risk-adjusted return /
    capital, None where no capital is used.
    """

    tier: str
    positions: tuple[PositionProfitability, ...]
    net_interest_income: Decimal
    fee_income: Decimal
    holding_cost: Decimal
    cost_to_serve: Decimal
    expected_loss: Decimal
    risk_adjusted_return: Decimal
    capital: Decimal
    capital_charge: Decimal
    economic_profit: Decimal
    raroc: Decimal | None


def _raroc(risk_adjusted_return: Decimal, capital: Decimal) -> Decimal | None:
    if capital == 0:
        return None
    return (risk_adjusted_return / capital).quantize(RAROC_PLACES, rounding=ROUND_HALF_UP)


def position_profitability(
    position: Position,
    *,
    probability_of_default: Decimal,
    parameters: ProfitabilityParameters = DEFAULT_PARAMETERS,
) -> PositionProfitability:
    """The risk-adjusted profitability of one holding over a year (DESIGN.md section 3).

    ``probability_of_default`` is the customer's 12-month PD (from the grade's PD band), a
    fraction; it counts only for credit kinds. Rules, each amount rounded half-up to the fen:

    - FTP rate = ``parameters.ftp_curve`` at the term (``non_maturity_term_months`` if none);
    - loan: net interest income = balance x (customer rate - FTP rate);
      deposit: balance x (FTP rate - customer rate); off-balance and service: 0;
    - expected loss = PD x LGD x EAD for credit kinds, else 0 (Basel II, para. 375);
    - capital = risk weight of the exposure class x EAD x capital ratio for credit kinds, else 0;
    - risk-adjusted return = net interest income + fees - holding cost - expected loss;
    - capital charge = capital x hurdle rate; economic profit = risk-adjusted return - charge;
    - RAROC = risk-adjusted return / capital, to a basis point; None without capital.

    Raises ``ProfitabilityError`` naming the holding and field for a negative or non-Decimal
    amount, a rate or probability outside 0-100%, or a product family or exposure class the
    parameters do not know (rather than handling it for free or without capital).
    """
    where = f"holding {position.reference!r}"
    kind = PositionKind(position.kind)
    if position.family not in parameters.holding_costs:
        raise ProfitabilityError(
            ProfitabilityErrorCode.UNKNOWN_FAMILY,
            f"product family of {where} must be one of {', '.join(sorted(parameters.holding_costs))}, "
            f"not {position.family!r}",
        )
    balance = _decimal(position.average_balance, f"average balance of {where}")
    fees = _decimal(position.fee_income, f"fee income of {where}")
    for name, amount in (("average balance", balance), ("fee income", fees)):
        if amount < 0:
            raise ProfitabilityError(
                ProfitabilityErrorCode.NEGATIVE_AMOUNT, f"{name} of {where} cannot be negative, not {amount}"
            )
    rate = _fraction(position.customer_rate, f"customer rate of {where}", code=ProfitabilityErrorCode.RATE_OUT_OF_RANGE)
    pd = _fraction(
        probability_of_default, f"probability of default for {where}", code=ProfitabilityErrorCode.PROBABILITY_OUT_OF_RANGE
    )
    term = parameters.non_maturity_term_months if position.term_months is None else position.term_months
    ftp = parameters.ftp_curve.rate_for(term)

    if kind is PositionKind.LOAN:
        interest = round_yuan(balance * (rate - ftp))
    elif kind is PositionKind.DEPOSIT:
        interest = round_yuan(balance * (ftp - rate))
    else:
        interest = round_yuan(Decimal(0))

    expected_loss = capital = round_yuan(Decimal(0))
    if kind in CREDIT_KINDS:
        weight = parameters.risk_weights.get(position.exposure_class) if position.exposure_class else None
        if weight is None:
            raise ProfitabilityError(
                ProfitabilityErrorCode.UNKNOWN_EXPOSURE_CLASS,
                f"exposure class of {where} must be one of {', '.join(sorted(parameters.risk_weights))}, "
                f"not {position.exposure_class!r}",
            )
        lgd = parameters.default_lgd if position.loss_given_default is None else position.loss_given_default
        lgd = _fraction(lgd, f"loss given default of {where}", code=ProfitabilityErrorCode.PROBABILITY_OUT_OF_RANGE)
        ead = balance if position.exposure_at_default is None else position.exposure_at_default
        ead = _decimal(ead, f"exposure at default of {where}")
        if ead < 0:
            raise ProfitabilityError(
                ProfitabilityErrorCode.NEGATIVE_AMOUNT, f"exposure at default of {where} cannot be negative, not {ead}"
            )
        expected_loss = round_yuan(pd * lgd * ead)
        capital = round_yuan(weight * ead * parameters.capital_ratio)

    fees = round_yuan(fees)
    cost = round_yuan(parameters.holding_costs[position.family])
    risk_adjusted_return = interest + fees - cost - expected_loss
    charge = round_yuan(capital * parameters.hurdle_rate)
    return PositionProfitability(
        reference=position.reference,
        family=position.family,
        kind=kind,
        ftp_rate=ftp,
        net_interest_income=interest,
        fee_income=fees,
        holding_cost=cost,
        expected_loss=expected_loss,
        risk_adjusted_return=risk_adjusted_return,
        capital=capital,
        capital_charge=charge,
        economic_profit=risk_adjusted_return - charge,
        raroc=_raroc(risk_adjusted_return, capital),
    )


def customer_profitability(
    positions: Iterable[Position],
    *,
    tier: str,
    probability_of_default: Decimal,
    parameters: ProfitabilityParameters = DEFAULT_PARAMETERS,
) -> CustomerProfitability:
    """The risk-adjusted profitability of a customer over a year (DESIGN.md section 3).

    Each holding by ``position_profitability`` with the customer's 12-month PD; the customer's
    figures are the sums of the holdings' (rounded) figures, less the yearly cost to serve of
    the customer's value ``tier`` (``parameters.cost_to_serve``), so that the table of holdings
    and its total add up to the fen. RAROC = risk-adjusted return / capital, to a basis point,
    None where no capital is used. A tier without a cost to serve is an error
    (``ProfitabilityError`` UNKNOWN_TIER) rather than free service.
    """
    if tier not in parameters.cost_to_serve:
        raise ProfitabilityError(
            ProfitabilityErrorCode.UNKNOWN_TIER,
            f"tier {tier!r} has no cost to serve; tiers with one: {', '.join(parameters.cost_to_serve)}",
        )
    results = tuple(
        position_profitability(position, probability_of_default=probability_of_default, parameters=parameters)
        for position in positions
    )
    zero = round_yuan(Decimal(0))

    def total(name: str) -> Decimal:
        return sum((getattr(result, name) for result in results), zero)

    cost_to_serve = round_yuan(parameters.cost_to_serve[tier])
    risk_adjusted_return = total("risk_adjusted_return") - cost_to_serve
    capital = total("capital")
    charge = total("capital_charge")
    return CustomerProfitability(
        tier=tier,
        positions=results,
        net_interest_income=total("net_interest_income"),
        fee_income=total("fee_income"),
        holding_cost=total("holding_cost"),
        cost_to_serve=cost_to_serve,
        expected_loss=total("expected_loss"),
        risk_adjusted_return=risk_adjusted_return,
        capital=capital,
        capital_charge=charge,
        economic_profit=risk_adjusted_return - charge,
        raroc=_raroc(risk_adjusted_return, capital),
    )
