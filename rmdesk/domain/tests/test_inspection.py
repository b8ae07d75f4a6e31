"""Post-loan inspection schedule: first inspection, rhythm by risk class, escalation when late."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.classification import Category
from rmdesk.domain.inspection import (
    DEFAULT_INSPECTION_POLICY,
    Escalation,
    InspectionError,
    InspectionErrorCode,
    InspectionPolicy,
    escalation,
    escalation_steps,
    inspection_interval_months,
    next_inspection_due,
)

N, SM, SS, D, L = Category
DISBURSED = date(2025, 3, 10)


def due(last=None, category=N, grade=None, downgraded_on=None, policy=DEFAULT_INSPECTION_POLICY):
    return next_inspection_due(
        disbursed_on=DISBURSED,
        last_inspected_on=last,
        category=category,
        grade=grade,
        downgraded_on=downgraded_on,
        policy=policy,
    )


def test_the_first_inspection_is_due_within_15_days_of_disbursement():
    assert due() == date(2025, 3, 25)


def test_the_first_inspection_window_is_configured():
    assert due(policy=InspectionPolicy(first_within_days=30)) == date(2025, 4, 9)


def test_a_normal_loan_is_inspected_quarterly():
    assert due(last=date(2025, 3, 20)) == date(2025, 6, 20)


@pytest.mark.parametrize("category", [SM, SS, D, L])
def test_special_mention_or_worse_is_inspected_monthly(category):
    assert due(last=date(2025, 3, 20), category=category) == date(2025, 4, 20)


def test_a_weak_grade_shortens_the_interval_but_a_good_grade_never_lengthens_it():
    assert inspection_interval_months(N, "B") == 2
    assert inspection_interval_months(N, "AAA") == 3
    assert inspection_interval_months(SM, "B") == 1


def test_a_downgrade_brings_the_next_inspection_within_15_days():
    # inspected 1 April (normal, next 1 July); special mention from 10 May: due by 25 May
    assert due(last=date(2025, 4, 1), category=SM, downgraded_on=date(2025, 5, 10)) == date(2025, 5, 25)
    # downgraded 20 April: the monthly rhythm gives 1 May, within the 15 days, so it stands
    assert due(last=date(2025, 4, 1), category=SM, downgraded_on=date(2025, 4, 20)) == date(2025, 5, 1)


def test_a_downgrade_before_the_last_inspection_changes_nothing():
    assert due(last=date(2025, 4, 1), category=SM, downgraded_on=date(2025, 3, 30)) == date(2025, 5, 1)


def test_an_inspection_late_by_a_day_escalates_to_the_team_leader():
    assert escalation(due_on=date(2025, 3, 25), today=date(2025, 3, 25)) is None
    assert escalation(due_on=date(2025, 3, 25), today=date(2025, 3, 26)) == Escalation(
        "team_leader", date(2025, 3, 26), 1
    )


def test_an_inspection_late_by_30_days_escalates_to_the_risk_officer():
    assert escalation(due_on=date(2025, 3, 25), today=date(2025, 4, 24)).role == "risk_officer"
    assert escalation(due_on=date(2025, 3, 25), today=date(2025, 4, 23)).role == "team_leader"


def test_the_escalation_steps_say_who_hears_and_when():
    assert escalation_steps(date(2025, 3, 25)) == (
        Escalation("team_leader", date(2025, 3, 26), 1),
        Escalation("risk_officer", date(2025, 4, 24), 30),
    )


def test_a_policy_without_an_interval_for_every_category_is_refused():
    with pytest.raises(InspectionError) as caught:
        InspectionPolicy(months_by_category={N: 3})
    assert caught.value.code is InspectionErrorCode.POLICY_INVALID


def test_escalation_steps_must_rise():
    with pytest.raises(InspectionError):
        InspectionPolicy(escalation=((30, "risk_officer"), (1, "team_leader")))


@given(st.sampled_from(list(Category)), st.sampled_from(list(Category)), st.dates(date(2025, 3, 10), date(2030, 1, 1)))
def test_a_worse_category_never_puts_the_next_inspection_later(a, b, last):
    better, worse = sorted((a, b), key=lambda c: c.rank)
    assert due(last=last, category=worse) <= due(last=last, category=better)
