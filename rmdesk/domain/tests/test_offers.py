from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.domain.offers import (
    CLASSIFICATIONS,
    NON_PERFORMING,
    OfferCandidate,
    OfferCustomer,
    OfferError,
    OfferErrorCode,
    OfferPolicy,
    OfferProduct,
    Package,
    ReasonCode,
    WithheldReason,
    next_best_offers,
)

D = Decimal
PERSON = frozenset({"individual", "farmer_household"})
CARD = OfferProduct("CC01", "credit_card", credit=True, minimum_grade="BBB", kinds=PERSON)
WEALTH = OfferProduct("WM01", "wealth", several_allowed=True)
CONSUMER_LOAN = OfferProduct("LN04", "loan", credit=True, minimum_grade="A", kinds=PERSON)
DEBIT = OfferProduct("DP01", "deposit", kinds=PERSON)
BASIC_ACCOUNT = OfferProduct("DP11", "deposit", kinds=frozenset({"enterprise", "sole_proprietor"}))
INSURANCE = OfferProduct("IA01", "insurance_agency")
LARGE_CD = OfferProduct("DP03", "deposit", several_allowed=True, kinds=PERSON)

TEACHER = OfferCustomer(
    kind="individual", tier="affluent", held=frozenset({"DP01", "EB01"}), grade="A", classification="normal",
    idle_balance=D("85000"), monthly_salary_here=D("6500"),
)
CANDIDATES = (
    OfferCandidate(CARD, acceptance=D("0.30"), risk_adjusted_profit=D("800")),
    OfferCandidate(WEALTH, acceptance=D("0.25"), risk_adjusted_profit=D("1200")),
    OfferCandidate(CONSUMER_LOAN, acceptance=D("0.10"), risk_adjusted_profit=D("2500")),
    OfferCandidate(DEBIT, acceptance=D("0.90"), risk_adjusted_profit=D("100")),
    OfferCandidate(BASIC_ACCOUNT, acceptance=D("0.50"), risk_adjusted_profit=D("100")),
    OfferCandidate(INSURANCE, acceptance=D("0.05"), risk_adjusted_profit=D("-50")),
    OfferCandidate(LARGE_CD, acceptance=D("0.20"), risk_adjusted_profit=D("900")),
)


def withheld_of(result) -> dict[str, tuple]:
    return {w.product: (w.reason, dict(w.params)) for w in result.withheld}


def test_offers_are_ranked_by_probability_of_acceptance_times_risk_adjusted_profit():
    # WM01 0.25 x 1,200 = 300; LN04 0.10 x 2,500 = 250; CC01 0.30 x 800 = 240; DP03 0.20 x 900 = 180.
    result = next_best_offers(TEACHER, CANDIDATES)
    assert [(o.rank, o.product, o.expected_profit) for o in result.offers] == [
        (1, "WM01", D("300.00")),
        (2, "LN04", D("250.00")),
        (3, "CC01", D("240.00")),
        (4, "DP03", D("180.00")),
    ]


def test_held_products_other_kinds_products_and_unprofitable_products_are_withheld_with_the_reason():
    result = next_best_offers(TEACHER, CANDIDATES)
    assert withheld_of(result) == {
        "DP01": (WithheldReason.ALREADY_HELD, {}),
        "DP11": (WithheldReason.NOT_FOR_THIS_KIND, {"kind": "individual"}),
        "IA01": (WithheldReason.NOT_PROFITABLE, {"profit": "-50.00"}),
    }


def test_each_offer_has_a_reason_an_account_manager_can_say_aloud():
    reasons = {o.product: (o.reason.code, o.reason.as_dict()) for o in next_best_offers(TEACHER, CANDIDATES).offers}
    assert reasons == {
        "WM01": (ReasonCode.IDLE_BALANCE, {"amount": "85000.00"}),
        "LN04": (ReasonCode.SALARY_PAID_HERE, {"amount": "6500.00"}),
        "CC01": (ReasonCode.SALARY_PAID_HERE, {"amount": "6500.00"}),
        "DP03": (ReasonCode.IDLE_BALANCE, {"amount": "85000.00"}),
    }


def test_a_grade_worse_than_the_products_minimum_withholds_that_credit_only():
    result = next_best_offers(replace(TEACHER, grade="BBB"), CANDIDATES)
    assert [o.product for o in result.offers] == ["WM01", "CC01", "DP03"]
    assert withheld_of(result)["LN04"] == (WithheldReason.GRADE_BELOW_MINIMUM, {"grade": "BBB", "minimum": "A"})


@pytest.mark.parametrize(
    ("classification", "reason"),
    [
        ("special_mention", WithheldReason.SPECIAL_MENTION),
        ("substandard", WithheldReason.NON_PERFORMING),
        ("doubtful", WithheldReason.NON_PERFORMING),
        ("loss", WithheldReason.NON_PERFORMING),
    ],
)
def test_no_credit_is_offered_to_a_special_mention_or_non_performing_debtor(classification, reason):
    result = next_best_offers(replace(TEACHER, classification=classification, grade="AAA"), CANDIDATES)
    assert [o.product for o in result.offers] == ["WM01", "DP03"]
    assert withheld_of(result)["CC01"][0] == reason
    assert withheld_of(result)["LN04"][0] == reason


def test_no_credit_is_offered_to_a_customer_without_a_rating():
    result = next_best_offers(replace(TEACHER, grade=None), CANDIDATES)
    assert {p for p, (reason, _) in withheld_of(result).items() if reason == WithheldReason.NOT_RATED} == {"CC01", "LN04"}


def test_a_failing_policy_rule_withholds_the_credit_it_fails_for():
    customer = replace(TEACHER, policy_failures={"LN04": ("debt_to_income", "single_borrower_limit")})
    result = next_best_offers(customer, CANDIDATES)
    assert withheld_of(result)["LN04"] == (
        WithheldReason.POLICY_RULE_FAILED, {"rules": "debt_to_income, single_borrower_limit"}
    )
    assert "CC01" in [o.product for o in result.offers]


def test_a_product_that_may_be_held_several_times_is_offered_again():
    result = next_best_offers(replace(TEACHER, held=TEACHER.held | {"WM01"}), CANDIDATES)
    assert result.offers[0].product == "WM01"


def test_a_product_of_the_segments_package_says_how_much_of_the_package_the_customer_has():
    farmer = OfferCustomer(kind="farmer_household", tier="mass", held=frozenset({"DP01", "EB01"}), grade="BBB")
    microcredit = OfferProduct("LN01", "loan", credit=True, minimum_grade="BB", kinds=PERSON)
    [offer] = next_best_offers(farmer, [OfferCandidate(microcredit, D("0.4"), D("600"))]).offers
    assert offer.reason.code == ReasonCode.COMPLETES_PACKAGE
    assert offer.reason.as_dict() == {"package": "farmer_household", "held": "2", "size": "4"}
    assert offer.expected_profit == D("240.00")


def test_packages_are_per_segment():
    shop = OfferCustomer(kind="sole_proprietor", tier="mass", held=frozenset({"DP11"}), grade="A")
    qr = OfferProduct("ST02", "settlement")
    only_for_farmers = Package("farm", ("DP11", "ST02"), kinds=frozenset({"farmer_household"}))
    [offer] = next_best_offers(shop, [OfferCandidate(qr, D("0.5"), D("300"))], packages=[only_for_farmers]).offers
    assert offer.reason.code == ReasonCode.LIKELY_TO_ACCEPT
    for_shops = Package("shop", ("DP11", "ST02"), kinds=frozenset({"sole_proprietor"}), tiers=frozenset({"mass"}))
    [offer] = next_best_offers(shop, [OfferCandidate(qr, D("0.5"), D("300"))], packages=[for_shops]).offers
    assert offer.reason.as_dict() == {"package": "shop", "held": "1", "size": "2"}


def test_without_a_fact_or_package_the_reason_is_what_similar_customers_hold_then_the_odds():
    retiree = OfferCustomer(kind="individual", tier="mass", held=frozenset(), grade=None)
    mobile = OfferProduct("EB01", "e_banking")
    [offer] = next_best_offers(retiree, [OfferCandidate(mobile, D("0.123"), D("40"), peer_share=D("0.35"))], packages=()).offers
    assert (offer.reason.code, offer.reason.as_dict()) == (ReasonCode.SIMILAR_CUSTOMERS_HOLD, {"percent": "35"})
    [offer] = next_best_offers(retiree, [OfferCandidate(mobile, D("0.125"), D("40"), peer_share=D("0.1"))], packages=()).offers
    assert (offer.reason.code, offer.reason.as_dict()) == (ReasonCode.LIKELY_TO_ACCEPT, {"percent": "13"})


def test_idle_money_below_the_policy_minimum_is_no_reason():
    saver = replace(TEACHER, idle_balance=D("19999.99"))
    [offer] = next_best_offers(saver, [OfferCandidate(WEALTH, D("0.2"), D("100"))], packages=()).offers
    assert offer.reason.code == ReasonCode.LIKELY_TO_ACCEPT
    lower = OfferPolicy(idle_minimum=D("10000"))
    [offer] = next_best_offers(saver, [OfferCandidate(WEALTH, D("0.2"), D("100"))], policy=lower).offers
    assert offer.reason.code == ReasonCode.IDLE_BALANCE


def test_equal_expected_profits_rank_the_likelier_offer_first_then_by_code():
    a = OfferCandidate(OfferProduct("B2", "wealth"), D("0.5"), D("200"))
    b = OfferCandidate(OfferProduct("B1", "wealth"), D("0.25"), D("400"))
    c = OfferCandidate(OfferProduct("A9", "wealth"), D("0.25"), D("400"))
    assert [o.product for o in next_best_offers(TEACHER, [b, c, a]).offers] == ["B2", "A9", "B1"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: next_best_offers(TEACHER, [CANDIDATES[0], CANDIDATES[0]]), OfferErrorCode.DUPLICATE_PRODUCT),
        (lambda: next_best_offers(TEACHER, [replace(CANDIDATES[0], acceptance=D("1.2"))]), OfferErrorCode.PROBABILITY_OUT_OF_RANGE),
        (lambda: next_best_offers(TEACHER, [replace(CANDIDATES[0], risk_adjusted_profit=800.0)]), OfferErrorCode.NOT_DECIMAL),
        (lambda: OfferProduct("LN9", "loan", credit=True), OfferErrorCode.CREDIT_WITHOUT_MINIMUM_GRADE),
        (lambda: OfferProduct("LN9", "loan", credit=True, minimum_grade="D"), OfferErrorCode.UNKNOWN_GRADE),
        (lambda: OfferProduct("LN9", "loan", credit=True, minimum_grade="A+"), OfferErrorCode.UNKNOWN_GRADE),
        (lambda: replace(TEACHER, classification="watch"), OfferErrorCode.UNKNOWN_CLASSIFICATION),
        (lambda: replace(TEACHER, grade="Z"), OfferErrorCode.UNKNOWN_GRADE),
        (lambda: Package("one", ("DP01",)), OfferErrorCode.INVALID_PACKAGE),
    ],
    ids=["duplicate", "acceptance", "float profit", "no minimum", "minimum D", "unknown minimum", "classification", "grade", "package"],
)
def test_bad_inputs_are_refused_with_a_code_naming_the_rule(make, code):
    with pytest.raises(OfferError) as error:
        make()
    assert error.value.code == code


probabilities = st.integers(0, 1000).map(lambda n: D(n).scaleb(-3))
profits = st.integers(-100_000, 1_000_000).map(lambda fen: D(fen).scaleb(-2))
codes = st.sampled_from([f"P{i}" for i in range(8)])
grades = st.one_of(st.none(), st.sampled_from(MASTER_SCALE))
classifications = st.one_of(st.none(), st.sampled_from(CLASSIFICATIONS))


@st.composite
def products(draw, code):
    credit = draw(st.booleans())
    return OfferProduct(
        code, draw(st.sampled_from(["loan", "deposit", "wealth", "credit_card"])), credit=credit,
        minimum_grade=draw(st.sampled_from(MASTER_SCALE[:-1])) if credit else None,
        several_allowed=draw(st.booleans()), kinds=draw(st.sampled_from([frozenset(), PERSON])),
    )


@st.composite
def cases(draw):
    chosen = draw(st.lists(codes, unique=True, max_size=8))
    candidates = [OfferCandidate(draw(products(code)), draw(probabilities), draw(profits)) for code in chosen]
    customer = OfferCustomer(
        kind=draw(st.sampled_from(["individual", "enterprise"])), tier="mass",
        held=frozenset(draw(st.lists(codes, max_size=4))), grade=draw(grades), classification=draw(classifications),
        policy_failures={code: ("rule",) for code in draw(st.lists(codes, max_size=2))},
        idle_balance=draw(profits.map(abs)),
    )
    return customer, candidates


@given(cases())
def test_every_candidate_is_either_offered_or_withheld_and_offers_fall_in_expected_profit(case):
    customer, candidates = case
    result = next_best_offers(customer, candidates)
    assert sorted([o.product for o in result.offers] + [w.product for w in result.withheld]) == sorted(
        c.product.code for c in candidates
    )
    assert [o.rank for o in result.offers] == list(range(1, len(result.offers) + 1))
    profits_in_order = [o.expected_profit for o in result.offers]
    assert profits_in_order == sorted(profits_in_order, reverse=True)
    assert all(o.risk_adjusted_profit > 0 for o in result.offers)


@given(cases())
def test_credit_is_never_offered_outside_the_risk_appetite(case):
    customer, candidates = case
    by_code = {c.product.code: c.product for c in candidates}
    for offer in next_best_offers(customer, candidates).offers:
        product = by_code[offer.product]
        if product.credit:
            assert customer.classification not in NON_PERFORMING | {"special_mention"}
            assert customer.grade is not None and customer.grade != "D"
            assert MASTER_SCALE.index(customer.grade) <= MASTER_SCALE.index(product.minimum_grade)
            assert not customer.policy_failures.get(product.code)
        if offer.product in customer.held:
            assert product.several_allowed


@given(cases(), st.sampled_from(MASTER_SCALE), st.sampled_from(MASTER_SCALE))
def test_a_better_grade_never_withholds_credit_a_worse_grade_is_offered(case, a, b):
    customer, candidates = case
    better, worse = sorted((a, b), key=MASTER_SCALE.index)
    offered_better = {o.product for o in next_best_offers(replace(customer, grade=better), candidates).offers}
    offered_worse = {o.product for o in next_best_offers(replace(customer, grade=worse), candidates).offers}
    assert offered_worse <= offered_better


@given(cases(), st.data())
def test_a_likelier_acceptance_never_moves_an_offer_down_the_ranking(case, data):
    customer, candidates = case
    result = next_best_offers(customer, candidates)
    if not result.offers:
        return
    chosen = data.draw(st.sampled_from([o.product for o in result.offers]))
    before = next(o.rank for o in result.offers if o.product == chosen)
    raised = [
        replace(c, acceptance=min(D(1), c.acceptance + D("0.1"))) if c.product.code == chosen else c for c in candidates
    ]
    after = next(o.rank for o in next_best_offers(customer, raised).offers if o.product == chosen)
    assert after <= before
