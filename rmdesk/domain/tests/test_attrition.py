from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.attrition import (
    DEFAULT_WEIGHTS,
    AttritionFacts,
    AttritionPolicy,
    AttritionSignal,
    IncomeSource,
    drift,
)

D = Decimal
STEADY = AttritionFacts(
    balance_before=D("50000"), balance_now=D("48000"), income_before=D("6000"), income_now=D("6000"),
    income_source=IncomeSource.SALARY,
)


def signals(result) -> dict:
    return {s.signal: s.as_dict() for s in result.signals}


def test_a_steady_customer_shows_no_signal_and_scores_0():
    result = drift(STEADY)
    assert (result.score, result.at_risk, result.signals) == (0, False, ())


def test_money_moved_to_the_customers_own_account_at_another_bank_is_enough_to_be_at_risk():
    result = drift(replace(STEADY, moved_to_competitors={"邮储银行": D("30000")}))
    assert (result.score, result.at_risk) == (50, True)
    assert signals(result) == {AttritionSignal.COMPETITOR_APPEARS: {"banks": "邮储银行", "amount": "30000.00"}}


def test_even_a_small_transfer_shows_an_account_in_use_at_the_other_bank():
    assert drift(replace(STEADY, moved_to_competitors={"邮储银行": D("34.52")})).at_risk


def test_a_competitors_product_recorded_by_the_account_manager_is_the_same_signal():
    result = drift(replace(STEADY, competitor_products=("建设银行",), moved_to_competitors={"邮储银行": D(0)}))
    assert signals(result) == {AttritionSignal.COMPETITOR_APPEARS: {"banks": "建设银行", "amount": "0.00"}}


def test_a_salary_that_stops_coming_in_is_income_moved_but_alone_not_at_risk():
    result = drift(replace(STEADY, income_now=D(0)))
    assert signals(result) == {AttritionSignal.INCOME_MOVED: {"source": "salary", "fall": "100"}}
    assert (result.score, result.at_risk) == (25, False)


def test_falling_income_and_balance_alone_look_like_a_borrower_in_trouble_and_stay_below_the_threshold():
    # Income 10,000 -> 4,000 (60% fall, 25) and balance 50,000 -> 30,000 (40% fall, 20): 45 < 50.
    trouble = AttritionFacts(
        balance_before=D("50000"), balance_now=D("30000"), income_before=D("10000"), income_now=D("4000"),
        income_source=IncomeSource.SALES,
    )
    result = drift(trouble)
    assert signals(result) == {
        AttritionSignal.INCOME_MOVED: {"source": "sales", "fall": "60"},
        AttritionSignal.BALANCE_FALLING: {"fall": "40", "before": "50000.00", "now": "30000.00"},
    }
    assert (result.score, result.at_risk) == (45, False)


def test_products_closed_with_income_moved_reach_the_threshold():
    result = drift(replace(STEADY, income_now=D("2000"), products_closed=("WM01", "DP02")))
    assert signals(result)[AttritionSignal.PRODUCTS_CLOSED] == {"products": "DP02, WM01"}
    assert (result.score, result.at_risk) == (50, True)


def test_every_signal_together_scores_100_heaviest_first():
    everything = replace(
        STEADY, balance_now=D("5000"), income_now=D(0), products_closed=("DP11",), moved_to_competitors={"农业银行": D("40000")}
    )
    result = drift(everything)
    assert result.score == 100
    assert [s.signal for s in result.signals] == [
        AttritionSignal.COMPETITOR_APPEARS, AttritionSignal.PRODUCTS_CLOSED, AttritionSignal.INCOME_MOVED,
        AttritionSignal.BALANCE_FALLING,
    ]


@pytest.mark.parametrize(("now", "falling"), [("35000.01", False), ("35000", True)])
def test_a_balance_is_falling_from_a_30_percent_fall(now, falling):
    assert (AttritionSignal.BALANCE_FALLING in signals(drift(replace(STEADY, balance_now=D(now))))) is falling


def test_falls_in_balances_or_incomes_too_small_to_read_are_ignored():
    tiny = AttritionFacts(balance_before=D("999.99"), balance_now=D(0), income_before=D("499.99"), income_now=D(0))
    assert drift(tiny).signals == ()


def test_the_weights_and_threshold_are_bank_policy():
    strict = AttritionPolicy(weights=dict(DEFAULT_WEIGHTS, **{AttritionSignal.BALANCE_FALLING: 25}), at_risk_from=50)
    trouble = replace(STEADY, balance_now=D("30000"), income_now=D("2000"))
    assert drift(trouble, strict).at_risk
    assert not drift(trouble).at_risk


def test_bad_facts_and_policies_are_refused_naming_what_is_wrong():
    with pytest.raises(ValueError, match="balance_now cannot be negative"):
        replace(STEADY, balance_now=D("-1"))
    with pytest.raises(ValueError, match="income_before must be a finite Decimal"):
        replace(STEADY, income_before=6000.0)
    with pytest.raises(ValueError, match="money moved to '邮储银行'"):
        replace(STEADY, moved_to_competitors={"邮储银行": D("-5")})
    with pytest.raises(ValueError, match="signals without a weight: balance_falling"):
        AttritionPolicy(weights={s: 10 for s in AttritionSignal if s != AttritionSignal.BALANCE_FALLING})
    with pytest.raises(ValueError, match="at_risk_from"):
        AttritionPolicy(at_risk_from=0)
    with pytest.raises(ValueError, match="balance_fall"):
        AttritionPolicy(balance_fall=D("1.5"))


amounts = st.integers(0, 10**10).map(lambda fen: D(fen).scaleb(-2))


@st.composite
def facts(draw) -> AttritionFacts:
    return AttritionFacts(
        balance_before=draw(amounts), balance_now=draw(amounts), income_before=draw(amounts), income_now=draw(amounts),
        products_closed=tuple(draw(st.lists(st.sampled_from(["DP02", "WM01", "ST02"]), max_size=2))),
        moved_to_competitors=draw(st.dictionaries(st.sampled_from(["邮储银行", "农业银行"]), amounts, max_size=2)),
    )


@given(facts())
def test_the_score_is_the_weights_of_the_signals_found_at_most_100(f):
    result = drift(f)
    assert result.score == min(100, sum(DEFAULT_WEIGHTS[s.signal] for s in result.signals))
    assert result.at_risk == (result.score >= 50)
    assert (result.score == 0) == (result.signals == ())


@given(facts(), amounts, amounts)
def test_a_deeper_fall_or_more_money_moved_out_never_removes_a_signal_or_lowers_the_score(f, less_balance, more_moved):
    before = drift(f)
    worse = replace(
        f, balance_now=min(f.balance_now, less_balance), income_now=min(f.income_now, less_balance),
        moved_to_competitors={**f.moved_to_competitors, "农业银行": f.moved_to_competitors.get("农业银行", D(0)) + more_moved},
    )
    after = drift(worse)
    assert {s.signal for s in before.signals} <= {s.signal for s in after.signals}
    assert after.score >= before.score
