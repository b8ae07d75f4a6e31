"""The credit policy check: every rule, passing and failing, with its numbers."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.policy import (
    DEFAULT_CREDIT_POLICY,
    ApplicationFacts,
    Collateral,
    CreditPolicy,
    Guarantor,
    GuarantorKind,
    Outcome,
    PolicyError,
    PolicyErrorCode,
    RelatedParty,
    Rule,
    check_policy,
)

ON = date(2025, 7, 1)
NET_CAPITAL = Decimal("2000000000")  # 2 billion yuan: 10% is 200 million, 15% is 300 million

FACTORY = ApplicationFacts(
    on=ON,
    product_family="loan",
    amount=Decimal("3000000"),
    industry="C13",
    grade="BBB",
    rated_on=date(2025, 3, 31),
    customer_loans=Decimal("5000000"),
    net_capital=NET_CAPITAL,
)


def result(facts, rule, policy=DEFAULT_CREDIT_POLICY):
    (only,) = check_policy(facts, policy).of(rule)
    return only


def test_a_clean_application_passes_every_rule_and_lists_each():
    report = check_policy(FACTORY)
    assert report.passed
    assert {r.rule for r in report.results} == set(Rule)


# --- concentration --------------------------------------------------------------------------


def test_loans_to_one_customer_up_to_10_percent_of_net_capital_pass():
    # 197,000,000 outstanding + 3,000,000 applied = 200,000,000 = 10.00% of 2,000,000,000
    r = result(replace(FACTORY, customer_loans=Decimal("197000000")), Rule.SINGLE_CUSTOMER_CONCENTRATION)
    assert (r.outcome, r.measured, r.limit) == (Outcome.PASSED, Decimal("10.00"), Decimal("10.00"))
    assert "197,000,000.00 outstanding + 3,000,000.00 applied = 200,000,000.00" in r.reason


def test_loans_to_one_customer_over_10_percent_of_net_capital_fail():
    r = result(replace(FACTORY, customer_loans=Decimal("197000000.01")), Rule.SINGLE_CUSTOMER_CONCENTRATION)
    assert r.outcome is Outcome.FAILED
    assert not check_policy(replace(FACTORY, customer_loans=Decimal("197000000.01"))).passed


def test_credit_to_one_group_over_15_percent_of_net_capital_fails():
    # 298,000,000 + 3,000,000 = 301,000,000 = 15.05%
    r = result(replace(FACTORY, group_credit=Decimal("298000000")), Rule.GROUP_CONCENTRATION)
    assert (r.outcome, r.measured) == (Outcome.FAILED, Decimal("15.05"))


def test_group_concentration_does_not_apply_to_a_customer_in_no_group():
    assert result(FACTORY, Rule.GROUP_CONCENTRATION).outcome is Outcome.NOT_APPLICABLE


# --- industry, grade, rating ----------------------------------------------------------------


def test_a_restricted_industry_and_every_finer_code_beneath_it_fail():
    r = result(replace(FACTORY, industry="C3110"), Rule.RESTRICTED_INDUSTRY)
    assert (r.outcome, r.limit) == (Outcome.FAILED, "C31")


def test_an_industry_recorded_only_by_section_passes_naming_the_restricted_classes_within_it():
    r = result(replace(FACTORY, industry="C"), Rule.RESTRICTED_INDUSTRY)
    assert r.outcome is Outcome.PASSED
    assert "C3011, C31, C32" in r.reason


def test_the_restricted_list_is_data():
    policy = CreditPolicy(restricted_industries=frozenset({"K"}))
    assert result(replace(FACTORY, industry="K70"), Rule.RESTRICTED_INDUSTRY, policy).outcome is Outcome.FAILED
    assert result(replace(FACTORY, industry="C31"), Rule.RESTRICTED_INDUSTRY, policy).outcome is Outcome.PASSED


def test_a_grade_worse_than_the_products_minimum_fails():
    r = result(replace(FACTORY, grade="B"), Rule.MINIMUM_GRADE)
    assert (r.outcome, r.measured, r.limit) == (Outcome.FAILED, "B", "BB")


def test_a_product_without_its_own_minimum_uses_the_default():
    assert result(replace(FACTORY, product_family="wealth", grade="B"), Rule.MINIMUM_GRADE).outcome is Outcome.PASSED
    assert result(replace(FACTORY, product_family="wealth", grade="CCC"), Rule.MINIMUM_GRADE).outcome is Outcome.FAILED


def test_an_unrated_borrower_fails_grade_and_rating_validity():
    report = check_policy(replace(FACTORY, grade=None, rated_on=None))
    assert {r.rule for r in report.failures} == {Rule.MINIMUM_GRADE, Rule.RATING_VALIDITY}


def test_a_rating_older_than_its_validity_fails():
    # rated 2024-07-01, checked 2025-07-01: 365 days, still valid; a day more and it is not
    assert result(replace(FACTORY, rated_on=date(2024, 7, 1)), Rule.RATING_VALIDITY).outcome is Outcome.PASSED
    r = result(replace(FACTORY, rated_on=date(2024, 6, 30)), Rule.RATING_VALIDITY)
    assert (r.outcome, r.measured, r.limit) == (Outcome.FAILED, Decimal(366), Decimal(365))
    assert "valid until 2025-06-30" in r.reason


# --- collateral -----------------------------------------------------------------------------

WORKSHOP = Collateral("workshop, 12 Qiaodong Road", "industrial_property", Decimal("6000000"), date(2025, 5, 20))


def test_credit_within_the_collaterals_loan_to_value_passes():
    # 6,000,000 x 50% = 3,000,000 eligible; 3,000,000 applied: loan-to-value 50.00%, at most 50.00%
    r = result(replace(FACTORY, collateral=(WORKSHOP,)), Rule.LOAN_TO_VALUE)
    assert (r.outcome, r.measured, r.limit) == (Outcome.PASSED, Decimal("50.00"), Decimal("50.00"))


def test_credit_above_the_collaterals_loan_to_value_fails():
    r = result(replace(FACTORY, amount=Decimal("3000000.01"), collateral=(WORKSHOP,)), Rule.LOAN_TO_VALUE)
    assert r.outcome is Outcome.FAILED


def test_prior_claims_on_collateral_reduce_what_it_secures():
    second_charge = replace(WORKSHOP, prior_claims=Decimal("1000000"))
    r = result(replace(FACTORY, amount=Decimal("2000000"), collateral=(second_charge,)), Rule.LOAN_TO_VALUE)
    assert (r.outcome, r.measured) == (Outcome.PASSED, Decimal("50.00"))
    assert result(replace(FACTORY, collateral=(second_charge,)), Rule.LOAN_TO_VALUE).outcome is Outcome.FAILED


def test_items_of_several_kinds_add_their_eligible_values():
    # 6,000,000 x 50% + 1,000,000 x 90% = 3,900,000 eligible
    deposit = Collateral("time deposit 6217...", "deposit_pledge", Decimal("1000000"), date(2025, 6, 30))
    r = result(replace(FACTORY, amount=Decimal("3900000"), collateral=(WORKSHOP, deposit)), Rule.LOAN_TO_VALUE)
    assert (r.outcome, r.measured, r.limit) == (Outcome.PASSED, Decimal("55.71"), Decimal("55.71"))


def test_a_stale_valuation_fails_and_the_item_does_not_count():
    stale = replace(WORKSHOP, valued_on=date(2024, 6, 30))
    report = check_policy(replace(FACTORY, collateral=(stale,)))
    (valuation,) = report.of(Rule.COLLATERAL_VALUATION)
    assert (valuation.outcome, valuation.subject) == (Outcome.FAILED, "workshop, 12 Qiaodong Road")
    assert report.of(Rule.LOAN_TO_VALUE)[0].outcome is Outcome.FAILED


def test_a_kind_of_collateral_the_policy_does_not_list_is_not_eligible():
    art = Collateral("painting", "artwork", Decimal("9000000"), date(2025, 6, 1))
    r = result(replace(FACTORY, collateral=(art,)), Rule.LOAN_TO_VALUE)
    assert r.outcome is Outcome.FAILED and "not eligible under policy: artwork" in r.reason


def test_loan_to_value_does_not_apply_to_unsecured_credit():
    assert result(FACTORY, Rule.LOAN_TO_VALUE).outcome is Outcome.NOT_APPLICABLE


# --- guarantors -----------------------------------------------------------------------------


def test_an_enterprise_guarantor_may_guarantee_up_to_its_net_worth_in_all():
    # 3,000,000 here + 5,000,000 already = 8,000,000 against net worth 8,000,000
    g = Guarantor(
        "Jinhe Trading", GuarantorKind.ENTERPRISE, Decimal("3000000"), Decimal("5000000"), net_worth=Decimal("8000000")
    )
    r = result(replace(FACTORY, guarantors=(g,)), Rule.GUARANTOR_CAPACITY)
    assert (r.outcome, r.measured, r.limit, r.subject) == (
        Outcome.PASSED,
        Decimal("8000000"),
        Decimal("8000000"),
        "Jinhe Trading",
    )
    over = replace(g, existing_guarantees=Decimal("5000000.01"))
    assert result(replace(FACTORY, guarantors=(over,)), Rule.GUARANTOR_CAPACITY).outcome is Outcome.FAILED


def test_an_individual_guarantor_may_guarantee_up_to_five_times_annual_income():
    # income 120,000 x 5 = 600,000; 500,000 here + 150,000 already = 650,000: fails
    g = Guarantor(
        "Wang Fang", GuarantorKind.INDIVIDUAL, Decimal("500000"), Decimal("150000"), annual_income=Decimal("120000")
    )
    r = result(replace(FACTORY, guarantors=(g,)), Rule.GUARANTOR_CAPACITY)
    assert (r.outcome, r.measured, r.limit) == (Outcome.FAILED, Decimal("650000"), Decimal("600000"))


def test_a_guarantor_without_its_figures_on_file_fails():
    g = Guarantor("Li Qiang", GuarantorKind.INDIVIDUAL, Decimal("100000"))
    assert result(replace(FACTORY, guarantors=(g,)), Rule.GUARANTOR_CAPACITY).outcome is Outcome.FAILED


def test_each_guarantor_is_checked_on_its_own():
    good = Guarantor("A Co", GuarantorKind.ENTERPRISE, Decimal("1000000"), net_worth=Decimal("9000000"))
    weak = Guarantor("B Co", GuarantorKind.ENTERPRISE, Decimal("1000000"), net_worth=Decimal("500000"))
    results = check_policy(replace(FACTORY, guarantors=(good, weak))).of(Rule.GUARANTOR_CAPACITY)
    assert [(r.subject, r.outcome) for r in results] == [("A Co", Outcome.PASSED), ("B Co", Outcome.FAILED)]


# --- related parties ------------------------------------------------------------------------

INSIDER = RelatedParty(party_credit=Decimal("0"), group_credit=None, all_related_credit=Decimal("900000000"))


def test_credit_to_all_related_parties_over_50_percent_of_net_capital_fails():
    # 900,000,000 + 3,000,000 = 903,000,000 = 45.15%: passes; 998,000,000 + 3,000,000 = 50.05%: fails
    secured = replace(FACTORY, collateral=(WORKSHOP,), related_party=INSIDER)
    assert result(secured, Rule.RELATED_PARTY_TOTAL).measured == Decimal("45.15")
    heavy = replace(secured, related_party=replace(INSIDER, all_related_credit=Decimal("998000000")))
    assert result(heavy, Rule.RELATED_PARTY_TOTAL).outcome is Outcome.FAILED


def test_credit_to_one_related_party_over_10_percent_or_its_group_over_15_percent_fails():
    facts = replace(
        FACTORY,
        collateral=(WORKSHOP,),
        related_party=RelatedParty(Decimal("197000001"), Decimal("297000001"), Decimal("300000000")),
    )
    assert result(facts, Rule.RELATED_PARTY_SINGLE).outcome is Outcome.FAILED
    assert result(facts, Rule.RELATED_PARTY_GROUP).outcome is Outcome.FAILED


def test_unsecured_credit_to_a_related_party_fails():
    r = result(replace(FACTORY, related_party=INSIDER), Rule.RELATED_PARTY_UNSECURED)
    assert (r.outcome, r.measured) == (Outcome.FAILED, "unsecured")


def test_related_party_rules_do_not_apply_to_an_unrelated_borrower():
    report = check_policy(FACTORY)
    assert all(r.outcome is Outcome.NOT_APPLICABLE for r in report.results if r.rule.startswith("related_party"))


# --- the policy is data ---------------------------------------------------------------------


def test_a_rule_the_bank_does_not_check_is_reported_as_not_applicable():
    policy = CreditPolicy(rules=frozenset(Rule) - {Rule.MINIMUM_GRADE})
    r = result(replace(FACTORY, grade="CCC"), Rule.MINIMUM_GRADE, policy)
    assert (r.outcome, r.reason) == (Outcome.NOT_APPLICABLE, "not required by the bank's policy")


def test_a_policy_with_a_limit_over_100_percent_or_an_unknown_grade_is_refused():
    with pytest.raises(PolicyError) as caught:
        CreditPolicy(single_customer_share=Decimal("1.5"))
    assert caught.value.code is PolicyErrorCode.POLICY_INVALID
    with pytest.raises(PolicyError, match="master scale"):
        CreditPolicy(minimum_grades={"loan": "A+"})


def test_facts_with_a_float_amount_or_no_net_capital_are_refused():
    with pytest.raises(PolicyError) as caught:
        replace(FACTORY, amount=3000000.0)
    assert caught.value.code is PolicyErrorCode.FACTS_INVALID
    with pytest.raises(PolicyError, match="net capital"):
        replace(FACTORY, net_capital=Decimal(0))


@given(st.integers(0, 400_000_000), st.integers(0, 400_000_000))
def test_more_existing_loans_never_turn_a_failed_concentration_into_a_pass(a, b):
    less, more = sorted((a, b))
    low = result(replace(FACTORY, customer_loans=Decimal(less)), Rule.SINGLE_CUSTOMER_CONCENTRATION)
    high = result(replace(FACTORY, customer_loans=Decimal(more)), Rule.SINGLE_CUSTOMER_CONCENTRATION)
    assert not (low.outcome is Outcome.FAILED and high.outcome is Outcome.PASSED)
