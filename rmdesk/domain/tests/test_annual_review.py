"""The annual review of a credit line: when it is due and what the machine recommends."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.annual_review import (
    ReviewError,
    ReviewFacts,
    ReviewOutcome,
    ReviewPolicy,
    ReviewReasonCode,
    more_lenient,
    recommend_review,
    review_due,
    review_due_on,
)
from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.domain.classification import Category

AS_OF = datetime.date(2026, 10, 31)


def facts(**changes) -> ReviewFacts:
    """A line in good order: 800,000 yuan, 500,000 owed, BBB then and now, rated until next year."""
    base = ReviewFacts(
        as_of=AS_OF, line_amount=Decimal("800000"), outstanding=Decimal("500000"), grade_at_approval="BBB", grade_now="BBB",
        rating_valid_until=datetime.date(2027, 6, 30), deposits_now=Decimal("120000"), deposits_year_ago=Decimal("100000"),
    )
    return dataclasses.replace(base, **changes)


def codes(recommendation) -> list[str]:
    return [reason.code.value for reason in recommendation.reasons]


# --- when the review is due ---------------------------------------------------------------------------


def test_the_review_is_due_on_the_next_anniversary_of_the_line():
    assert review_due_on(datetime.date(2025, 11, 15), AS_OF) == datetime.date(2026, 11, 15)
    assert review_due_on(datetime.date(2024, 3, 1), AS_OF) == datetime.date(2027, 3, 1)


def test_on_the_anniversary_itself_the_review_is_due_that_day():
    assert review_due_on(datetime.date(2025, 10, 31), AS_OF) == AS_OF


def test_the_first_review_is_a_year_after_the_line_starts_never_on_its_first_day():
    assert review_due_on(AS_OF, AS_OF) == datetime.date(2027, 10, 31)
    assert review_due_on(datetime.date(2026, 12, 1), AS_OF) == datetime.date(2027, 12, 1)


def test_a_line_starting_on_29_february_is_reviewed_on_28_february_in_common_years():
    leap = datetime.date(2024, 2, 29)
    assert review_due_on(leap, datetime.date(2025, 1, 10)) == datetime.date(2025, 2, 28)
    assert review_due_on(leap, datetime.date(2025, 3, 1)) == datetime.date(2026, 2, 28)
    assert review_due_on(leap, datetime.date(2027, 3, 1)) == datetime.date(2028, 2, 29)


def test_a_line_ending_before_its_anniversary_has_no_review():
    start = datetime.date(2025, 11, 15)
    assert review_due(start, datetime.date(2026, 11, 14), AS_OF) is None
    assert review_due(start, datetime.date(2026, 11, 15), AS_OF) == datetime.date(2026, 11, 15)
    assert review_due(start, datetime.date(2027, 11, 14), AS_OF) == datetime.date(2026, 11, 15)


dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31))


@given(valid_from=dates, days_later=st.integers(min_value=0, max_value=40 * 366))
def test_the_review_always_falls_within_a_year_of_the_day_asked(valid_from, days_later):
    as_of = valid_from + datetime.timedelta(days=days_later)
    due = review_due_on(valid_from, as_of)
    # A year is 365 or 366 days: the first review of a line asked for on its first day is 366
    # days away when a 29 February lies between.
    assert as_of <= due
    assert (due - as_of).days <= 366
    # An anniversary: the same month, and the same day but for 29 February in a common year.
    assert due.month == valid_from.month
    assert due.day == valid_from.day or (valid_from.day == 29 and due.day == 28)


# --- the recommendation, rule by rule -------------------------------------------------------------------


def test_a_line_in_good_order_continues_with_no_reason():
    recommendation = recommend_review(facts())
    assert (recommendation.outcome, recommendation.reasons) == (ReviewOutcome.CONTINUE, ())


@pytest.mark.parametrize("category", [Category.SUBSTANDARD, Category.DOUBTFUL, Category.LOSS])
def test_a_non_performing_loan_exits_the_line(category):
    recommendation = recommend_review(facts(category_now=category))
    assert recommendation.outcome is ReviewOutcome.EXIT
    assert recommendation.reasons[0].as_dict() == {"category": category.value}


def test_over_90_days_past_due_in_the_year_exits_the_line():
    recommendation = recommend_review(facts(max_days_past_due=91))
    assert recommendation.outcome is ReviewOutcome.EXIT
    assert recommendation.reasons[0].as_dict() == {"days": "91", "limit": "90"}
    assert recommend_review(facts(max_days_past_due=90)).outcome is ReviewOutcome.FREEZE


def test_a_grade_of_default_exits_the_line():
    recommendation = recommend_review(facts(grade_now="D"))
    assert recommendation.outcome is ReviewOutcome.EXIT
    assert codes(recommendation)[0] == ReviewReasonCode.GRADE_IN_DEFAULT


def test_special_mention_freezes_the_line():
    recommendation = recommend_review(facts(category_now=Category.SPECIAL_MENTION))
    assert (recommendation.outcome, codes(recommendation)) == (ReviewOutcome.FREEZE, ["special_mention"])


def test_over_30_days_past_due_in_the_year_freezes_the_line():
    assert recommend_review(facts(max_days_past_due=30)).outcome is ReviewOutcome.CONTINUE
    recommendation = recommend_review(facts(max_days_past_due=31))
    assert (recommendation.outcome, recommendation.reasons[0].as_dict()) == (ReviewOutcome.FREEZE, {"days": "31", "limit": "30"})


def test_a_lapsed_rating_freezes_the_line():
    lapsed = recommend_review(facts(rating_valid_until=datetime.date(2026, 10, 30)))
    assert (lapsed.outcome, lapsed.reasons[0].as_dict()) == (ReviewOutcome.FREEZE, {"valid_until": "2026-10-30"})
    assert recommend_review(facts(rating_valid_until=AS_OF)).outcome is ReviewOutcome.CONTINUE


def test_a_borrower_never_rated_freezes_the_line():
    recommendation = recommend_review(facts(grade_at_approval=None, grade_now=None, rating_valid_until=None))
    assert (recommendation.outcome, recommendation.reasons[0].as_dict()) == (ReviewOutcome.FREEZE, {"valid_until": ""})


def test_a_grade_fallen_two_notches_freezes_the_line_and_one_notch_reduces_it():
    two = recommend_review(facts(grade_now="B"))
    assert (two.outcome, two.reasons[0].as_dict()) == (ReviewOutcome.FREEZE, {"from": "BBB", "to": "B", "notches": "2"})
    one = recommend_review(facts(grade_now="BB"))
    assert (one.outcome, one.reasons[0].as_dict()) == (ReviewOutcome.REDUCE, {"from": "BBB", "to": "BB", "notches": "1"})
    assert recommend_review(facts(grade_now="A")).outcome is ReviewOutcome.CONTINUE


def test_a_line_mostly_unused_is_reduced_to_what_is_used():
    # 200,000 of 800,000 is 25%, under the 30% floor; 240,000 is exactly 30% and stays.
    recommendation = recommend_review(facts(outstanding=Decimal("200000")))
    assert recommendation.outcome is ReviewOutcome.REDUCE
    assert recommendation.reasons[0].as_dict() == {"percent": "25", "floor": "30", "outstanding": "200000.00", "line": "800000.00"}
    assert recommend_review(facts(outstanding=Decimal("240000"))).outcome is ReviewOutcome.CONTINUE


def test_deposits_fallen_by_more_than_30_percent_reduce_the_line():
    # 100,000 to 65,000 is a fall of 35%; to 70,000 exactly 30%, which is not more.
    recommendation = recommend_review(facts(deposits_year_ago=Decimal("100000"), deposits_now=Decimal("65000")))
    assert recommendation.outcome is ReviewOutcome.REDUCE
    assert recommendation.reasons[0].as_dict() == {"before": "100000.00", "now": "65000.00", "percent": "35", "limit": "30"}
    assert recommend_review(facts(deposits_year_ago=Decimal("100000"), deposits_now=Decimal("70000"))).outcome is ReviewOutcome.CONTINUE


def test_a_fall_of_small_deposits_says_nothing():
    assert recommend_review(facts(deposits_year_ago=Decimal("9000"), deposits_now=Decimal("0"))).outcome is ReviewOutcome.CONTINUE


def test_late_inspections_and_statement_flags_reduce_the_line():
    late = recommend_review(facts(inspections_late=2))
    assert (late.outcome, late.reasons[0].as_dict()) == (ReviewOutcome.REDUCE, {"count": "2"})
    flagged = recommend_review(facts(statement_flags=1))
    assert (flagged.outcome, codes(flagged)) == (ReviewOutcome.REDUCE, ["statement_flags"])


def test_every_rule_that_applies_is_a_reason_most_severe_first():
    recommendation = recommend_review(
        facts(category_now=Category.SUBSTANDARD, max_days_past_due=120, grade_now="BB", outstanding=Decimal("100000"), inspections_late=1)
    )
    assert recommendation.outcome is ReviewOutcome.EXIT
    assert codes(recommendation) == ["non_performing", "days_past_due", "grade_fell", "line_mostly_unused", "inspections_late"]
    assert [r.outcome.value for r in recommendation.reasons] == ["exit", "exit", "reduce", "reduce", "reduce"]


def test_the_thresholds_are_the_banks_to_set():
    strict = ReviewPolicy(freeze_days_past_due=0, utilisation_floor=Decimal("0.70"))
    assert recommend_review(facts(max_days_past_due=1), strict).outcome is ReviewOutcome.FREEZE
    assert recommend_review(facts(), strict).outcome is ReviewOutcome.REDUCE


def test_a_policy_that_makes_no_sense_is_refused():
    with pytest.raises(ReviewError, match="cannot be fewer"):
        ReviewPolicy(exit_days_past_due=30, freeze_days_past_due=60)
    with pytest.raises(ReviewError, match="utilisation floor must be between 0 and 1"):
        ReviewPolicy(utilisation_floor=Decimal("1.5"))
    with pytest.raises(ReviewError, match="notches that freeze"):
        ReviewPolicy(freeze_notches=1)


def test_facts_that_make_no_sense_are_refused():
    with pytest.raises(ReviewError, match="line amount must be more than 0"):
        facts(line_amount=Decimal("0"))
    with pytest.raises(ReviewError, match="'Z' is not a grade"):
        facts(grade_now="Z")
    with pytest.raises(ReviewError, match="max days past due"):
        facts(max_days_past_due=-1)
    with pytest.raises(ReviewError, match="valid until"):
        facts(rating_valid_until=None)


def test_an_outcome_below_the_recommendation_is_more_lenient():
    assert more_lenient("continue", "reduce")
    assert more_lenient(ReviewOutcome.FREEZE, ReviewOutcome.EXIT)
    assert not more_lenient("exit", "freeze")
    assert not more_lenient("reduce", "reduce")


# --- laws --------------------------------------------------------------------------------------------------

grades = st.sampled_from(MASTER_SCALE)
categories = st.sampled_from(list(Category))
days = st.integers(min_value=0, max_value=400)


@st.composite
def any_facts(draw):
    now = draw(grades)
    return facts(
        grade_at_approval=draw(grades), grade_now=now,
        rating_valid_until=AS_OF + datetime.timedelta(days=draw(st.integers(min_value=-30, max_value=365))),
        category_now=draw(categories), max_days_past_due=draw(days),
        outstanding=Decimal(draw(st.integers(min_value=0, max_value=900_000))),
        inspections_late=draw(st.integers(min_value=0, max_value=3)), statement_flags=draw(st.integers(min_value=0, max_value=3)),
        deposits_now=Decimal(draw(st.integers(min_value=0, max_value=200_000))),
        deposits_year_ago=Decimal(draw(st.integers(min_value=0, max_value=200_000))),
    )


def severity(f: ReviewFacts) -> int:
    return recommend_review(f).outcome.severity


@given(f=any_facts(), more=st.integers(min_value=0, max_value=400))
def test_more_days_past_due_never_give_a_more_lenient_outcome(f, more):
    assert severity(dataclasses.replace(f, max_days_past_due=f.max_days_past_due + more)) >= severity(f)


@given(f=any_facts(), worse=categories)
def test_a_worse_category_never_gives_a_more_lenient_outcome(f, worse):
    if worse.rank >= f.category_now.rank:
        assert severity(dataclasses.replace(f, category_now=worse)) >= severity(f)


@given(f=any_facts(), lower=grades)
def test_a_lower_grade_now_never_gives_a_more_lenient_outcome(f, lower):
    if MASTER_SCALE.index(lower) >= MASTER_SCALE.index(f.grade_now):
        assert severity(dataclasses.replace(f, grade_now=lower)) >= severity(f)


@given(f=any_facts())
def test_the_outcome_is_the_most_severe_reason_and_continue_has_none(f):
    recommendation = recommend_review(f)
    if recommendation.reasons:
        assert recommendation.outcome == max((r.outcome for r in recommendation.reasons), key=lambda o: o.severity)
    else:
        assert recommendation.outcome is ReviewOutcome.CONTINUE
