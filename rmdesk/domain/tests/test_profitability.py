from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.profitability import (
    DEFAULT_COST_TO_SERVE,
    DEFAULT_FTP_CURVE,
    DEFAULT_PARAMETERS,
    FtpCurve,
    Position,
    PositionKind,
    ProfitabilityError,
    ProfitabilityErrorCode,
    ProfitabilityParameters,
    customer_profitability,
    position_profitability,
)
from rmdesk.domain.tiers import DEFAULT_TIER_POLICY

D = Decimal
LOAN = Position(
    reference="L1", family="loan", kind=PositionKind.LOAN, average_balance=D("1000000"),
    customer_rate=D("0.05"), term_months=12, fee_income=D("2000"), exposure_class="corporate",
)
CURRENT_ACCOUNT = Position(
    reference="D1", family="deposit", kind=PositionKind.DEPOSIT, average_balance=D("300000"), customer_rate=D("0.0035"),
)
PAYROLL = Position(reference="PA1", family="payroll_agency", kind=PositionKind.SERVICE, average_balance=D(0), fee_income=D("3600"))


def test_a_loan_earns_its_rate_over_the_transfer_price_less_fees_costs_and_expected_loss():
    # 1,000,000 x (5.00% - 1.95%) = 30,500; + 2,000 fees - 600 handling - 1% x 45% x 1,000,000 = 27,400.
    result = position_profitability(LOAN, probability_of_default=D("0.01"))
    assert result.ftp_rate == D("0.019500")
    assert result.net_interest_income == D("30500.00")
    assert result.fee_income == D("2000.00")
    assert result.holding_cost == D("600.00")
    assert result.expected_loss == D("4500.00")
    assert result.risk_adjusted_return == D("27400.00")


def test_raroc_divides_the_risk_adjusted_return_by_risk_weight_times_exposure_times_capital_ratio():
    # capital = 100% x 1,000,000 x 10.5% = 105,000; RAROC = 27,400 / 105,000 = 26.10%;
    # economic profit = 27,400 - 10% x 105,000 = 16,900.
    result = position_profitability(LOAN, probability_of_default=D("0.01"))
    assert result.capital == D("105000.00")
    assert result.raroc == D("0.2610")
    assert result.capital_charge == D("10500.00")
    assert result.economic_profit == D("16900.00")


def test_a_deposit_earns_the_transfer_price_over_the_rate_paid_and_uses_no_capital():
    # 200,000 one-year time deposit at 1.45% against a 1.95% transfer price: 200,000 x 0.50% = 1,000.
    deposit = Position(
        reference="T1", family="deposit", kind=PositionKind.DEPOSIT, average_balance=D("200000"),
        customer_rate=D("0.0145"), term_months=12,
    )
    result = position_profitability(deposit, probability_of_default=D("0.2"))
    assert result.net_interest_income == D("1000.00")
    assert result.expected_loss == D("0.00")
    assert result.risk_adjusted_return == D("980.00")
    assert result.capital == D("0.00")
    assert result.raroc is None
    assert result.economic_profit == D("980.00")


def test_a_balance_without_maturity_is_transfer_priced_at_the_behavioural_term_of_12_months():
    # 300,000 x (1.95% - 0.35%) = 4,800.
    assert position_profitability(CURRENT_ACCOUNT, probability_of_default=D(0)).net_interest_income == D("4800.00")
    six_months = ProfitabilityParameters(non_maturity_term_months=6)
    # 300,000 x (1.85% - 0.35%) = 4,500.
    assert position_profitability(
        CURRENT_ACCOUNT, probability_of_default=D(0), parameters=six_months
    ).net_interest_income == D("4500.00")


def test_an_acceptance_bill_earns_fees_but_carries_the_loss_and_capital_of_its_exposure():
    # 5,000,000 bill, half covered by a margin deposit: EAD 2,500,000. Fees 0.05% = 2,500;
    # EL 0.5% x 45% x 2,500,000 = 5,625; RAR 2,500 - 300 - 5,625 = -3,425; capital 262,500.
    bill = Position(
        reference="BA1", family="acceptance_bill", kind=PositionKind.OFF_BALANCE, average_balance=D("5000000"),
        fee_income=D("2500"), exposure_class="bank_acceptance", exposure_at_default=D("2500000"),
    )
    result = position_profitability(bill, probability_of_default=D("0.005"))
    assert result.net_interest_income == D("0.00")
    assert result.expected_loss == D("5625.00")
    assert result.risk_adjusted_return == D("-3425.00")
    assert result.capital == D("262500.00")
    assert result.raroc == D("-0.0130")


def test_a_secured_loan_states_its_own_loss_given_default():
    # 1% x 20% x 1,000,000 = 2,000 instead of 4,500 at the default 45%.
    secured = replace(LOAN, loss_given_default=D("0.20"))
    assert position_profitability(secured, probability_of_default=D("0.01")).expected_loss == D("2000.00")


def test_a_customer_adds_up_the_holdings_less_the_cost_to_serve_the_tier():
    # Holdings: loan 27,400 + current account 4,780 + payroll 3,600 - 200 = 3,400; wealth tier
    # costs 1,500 a year: 34,080. RAROC = 34,080 / 105,000 = 32.46%; economic profit 23,580.
    result = customer_profitability(
        [LOAN, CURRENT_ACCOUNT, PAYROLL], tier="wealth", probability_of_default=D("0.01")
    )
    assert [p.risk_adjusted_return for p in result.positions] == [D("27400.00"), D("4780.00"), D("3400.00")]
    assert result.net_interest_income == D("35300.00")
    assert result.fee_income == D("5600.00")
    assert result.holding_cost == D("820.00")
    assert result.cost_to_serve == D("1500.00")
    assert result.expected_loss == D("4500.00")
    assert result.risk_adjusted_return == D("34080.00")
    assert result.capital == D("105000.00")
    assert result.economic_profit == D("23580.00")
    assert result.raroc == D("0.3246")


def test_a_customer_without_credit_has_no_raroc():
    result = customer_profitability([CURRENT_ACCOUNT], tier="mass", probability_of_default=D("0.01"))
    assert result.risk_adjusted_return == D("4720.00")
    assert result.raroc is None


def test_amounts_are_rounded_half_up_to_the_fen():
    # 1.00 x (1.95% - 1.45%) = 0.005 -> 0.01.
    tiny = Position(reference="T", family="deposit", kind=PositionKind.DEPOSIT, average_balance=D("1"), customer_rate=D("0.0145"), term_months=12)
    result = position_profitability(tiny, probability_of_default=D(0))
    assert result.net_interest_income == D("0.01")


@pytest.mark.parametrize(
    ("term", "rate"),
    [(0, "0.016000"), (1, "0.016000"), (12, "0.019500"), (18, "0.020250"), (48, "0.023500"), (360, "0.029500"), (480, "0.029500")],
)
def test_the_transfer_price_is_interpolated_between_tenors_and_flat_beyond_them(term, rate):
    # 18 months: 1.95% + (2.10% - 1.95%) x 6/12 = 2.025%; 48 months: 2.25% + 0.20% x 12/24 = 2.35%.
    assert DEFAULT_FTP_CURVE.rate_for(term) == D(rate)


def test_every_default_tier_has_a_cost_to_serve():
    assert set(DEFAULT_COST_TO_SERVE) == set(DEFAULT_TIER_POLICY.codes)


def test_capital_ratio_of_10_5_percent_is_the_minimum_plus_conservation_buffer():
    assert DEFAULT_PARAMETERS.capital_ratio == D("0.08") + D("0.025")


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"average_balance": D("-1")}, ProfitabilityErrorCode.NEGATIVE_AMOUNT, "average balance of holding 'L1'"),
        ({"average_balance": 1000.0}, ProfitabilityErrorCode.NOT_DECIMAL, "average balance of holding 'L1'"),
        ({"customer_rate": D("1.5")}, ProfitabilityErrorCode.RATE_OUT_OF_RANGE, "customer rate of holding 'L1'"),
        ({"exposure_class": "shipping"}, ProfitabilityErrorCode.UNKNOWN_EXPOSURE_CLASS, "'shipping'"),
        ({"exposure_class": None}, ProfitabilityErrorCode.UNKNOWN_EXPOSURE_CLASS, "exposure class of holding 'L1'"),
        ({"loss_given_default": D("1.2")}, ProfitabilityErrorCode.PROBABILITY_OUT_OF_RANGE, "loss given default"),
        ({"exposure_at_default": D("-5")}, ProfitabilityErrorCode.NEGATIVE_AMOUNT, "exposure at default"),
        ({"term_months": -3}, ProfitabilityErrorCode.TERM_OUT_OF_RANGE, "-3"),
        ({"family": "gold_bars"}, ProfitabilityErrorCode.UNKNOWN_FAMILY, "product family of holding 'L1'"),
    ],
)
def test_bad_holding_figures_are_refused_naming_the_holding_and_field(change, code, words):
    with pytest.raises(ProfitabilityError, match=words) as error:
        position_profitability(replace(LOAN, **change), probability_of_default=D("0.01"))
    assert error.value.code == code


def test_a_probability_of_default_above_one_is_refused():
    with pytest.raises(ProfitabilityError) as error:
        position_profitability(LOAN, probability_of_default=D("1.01"))
    assert error.value.code == ProfitabilityErrorCode.PROBABILITY_OUT_OF_RANGE


def test_a_tier_without_a_cost_to_serve_is_refused_rather_than_served_free():
    with pytest.raises(ProfitabilityError, match="'gold'") as error:
        customer_profitability([LOAN], tier="gold", probability_of_default=D("0.01"))
    assert error.value.code == ProfitabilityErrorCode.UNKNOWN_TIER


@pytest.mark.parametrize(
    "points",
    [(), ((12, D("0.02")), (6, D("0.01"))), ((12, D("0.02")), (12, D("0.03"))), ((-1, D("0.02")),), ((12, 0.02),)],
    ids=["empty", "falling terms", "repeated term", "negative term", "float rate"],
)
def test_an_ftp_curve_whose_terms_do_not_rise_or_rates_are_not_decimal_fractions_is_refused(points):
    with pytest.raises(ProfitabilityError) as error:
        FtpCurve(points=points)
    assert error.value.code in (ProfitabilityErrorCode.INVALID_CURVE, ProfitabilityErrorCode.NOT_DECIMAL)


def test_parameters_are_checked_when_made():
    with pytest.raises(ProfitabilityError, match="capital ratio"):
        ProfitabilityParameters(capital_ratio=D("1.5"))
    with pytest.raises(ProfitabilityError, match="cost to serve of 'mass'"):
        ProfitabilityParameters(cost_to_serve={"mass": D("-1")})


fractions = st.integers(0, 10_000).map(lambda bp: D(bp).scaleb(-4))
amounts = st.integers(0, 10**11).map(lambda fen: D(fen).scaleb(-2))
kinds = st.sampled_from(list(PositionKind))
terms = st.one_of(st.none(), st.integers(0, 480))


@st.composite
def positions(draw) -> Position:
    kind = draw(kinds)
    return Position(
        reference="H", family=draw(st.sampled_from(["loan", "deposit", "wealth", "e_banking"])), kind=kind,
        average_balance=draw(amounts), customer_rate=draw(fractions), term_months=draw(terms),
        fee_income=draw(amounts), exposure_class=draw(st.sampled_from(["corporate", "retail", "corporate_sme"])),
        loss_given_default=draw(st.one_of(st.none(), fractions)),
    )


@given(positions(), fractions)
def test_risk_adjusted_return_is_interest_plus_fees_less_costs_and_expected_loss(position, pd):
    r = position_profitability(position, probability_of_default=pd)
    assert r.risk_adjusted_return == r.net_interest_income + r.fee_income - r.holding_cost - r.expected_loss
    assert r.economic_profit == r.risk_adjusted_return - r.capital_charge
    assert (r.raroc is None) == (r.capital == 0)
    for amount in (r.net_interest_income, r.expected_loss, r.capital, r.economic_profit):
        assert amount == amount.quantize(D("0.01"))


@given(positions(), fractions, fractions)
def test_a_higher_probability_of_default_never_raises_the_risk_adjusted_return(position, a, b):
    low, high = sorted((a, b))
    assert (
        position_profitability(position, probability_of_default=high).risk_adjusted_return
        <= position_profitability(position, probability_of_default=low).risk_adjusted_return
    )


@given(positions(), fractions, fractions)
def test_a_higher_rate_never_lowers_a_loans_income_nor_raises_a_deposits(position, a, b):
    low, high = sorted((a, b))
    at_low = position_profitability(replace(position, customer_rate=low), probability_of_default=D(0))
    at_high = position_profitability(replace(position, customer_rate=high), probability_of_default=D(0))
    if position.kind is PositionKind.LOAN:
        assert at_high.net_interest_income >= at_low.net_interest_income
    elif position.kind is PositionKind.DEPOSIT:
        assert at_high.net_interest_income <= at_low.net_interest_income


@given(st.lists(positions(), max_size=6), fractions, st.sampled_from(list(DEFAULT_COST_TO_SERVE)))
def test_a_customers_figures_are_the_sums_of_the_holdings_less_the_cost_to_serve(holdings, pd, tier):
    r = customer_profitability(holdings, tier=tier, probability_of_default=pd)
    assert r.risk_adjusted_return == sum((p.risk_adjusted_return for p in r.positions), D(0)) - r.cost_to_serve
    assert r.capital == sum((p.capital for p in r.positions), D(0))
    assert r.risk_adjusted_return == r.net_interest_income + r.fee_income - r.holding_cost - r.cost_to_serve - r.expected_loss


@given(st.integers(0, 600), st.integers(0, 600))
def test_on_a_rising_curve_a_longer_term_never_has_a_lower_transfer_price(a, b):
    short, long = sorted((a, b))
    assert DEFAULT_FTP_CURVE.rate_for(short) <= DEFAULT_FTP_CURVE.rate_for(long)
