from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.segments import (
    DEFAULT_SERVICE_LEVELS,
    LifecycleFacts,
    LifecyclePolicy,
    LifecycleStage,
    ServiceLevel,
    ServiceLevels,
    contact_due,
    lifecycle_stage,
    value_tier,
)

AS_OF = date(2026, 11, 28)


def stage(first_opened_on=date(2020, 5, 1), open_products=2, last_own_transaction_on=date(2026, 11, 20), drifting=False):
    facts = LifecycleFacts(first_opened_on, open_products, last_own_transaction_on, drifting)
    return lifecycle_stage(facts, as_of=AS_OF)


def test_the_value_tier_is_the_tiers_rule_by_assets_under_management():
    assert value_tier(Decimal("600000")) == "wealth"


def test_someone_who_never_held_a_product_is_a_prospect():
    assert stage(first_opened_on=None, open_products=0, last_own_transaction_on=None) == LifecycleStage.PROSPECT


def test_a_customer_who_held_products_and_holds_none_now_is_lost():
    assert stage(open_products=0, drifting=True) == LifecycleStage.LOST


def test_a_drifting_customer_is_at_risk_even_when_new():
    assert stage(drifting=True) == LifecycleStage.AT_RISK
    assert stage(first_opened_on=date(2026, 11, 1), drifting=True) == LifecycleStage.AT_RISK


@pytest.mark.parametrize(("days_ago", "expected"), [(0, "new"), (89, "new"), (90, "active")])
def test_a_customer_is_new_for_90_days_after_the_first_product_opened(days_ago, expected):
    assert stage(first_opened_on=AS_OF - timedelta(days=days_ago)) == expected


@pytest.mark.parametrize(("days_ago", "expected"), [(179, "active"), (180, "dormant")])
def test_a_customer_with_no_own_transaction_for_180_days_is_dormant(days_ago, expected):
    assert stage(last_own_transaction_on=AS_OF - timedelta(days=days_ago)) == expected


def test_a_customer_who_never_transacted_after_the_new_period_is_dormant():
    assert stage(last_own_transaction_on=None) == LifecycleStage.DORMANT


def test_the_lifecycle_thresholds_are_bank_policy():
    facts = LifecycleFacts(date(2026, 10, 1), 1, date(2026, 11, 1))
    assert lifecycle_stage(facts, as_of=AS_OF, policy=LifecyclePolicy(new_for_days=30)) == LifecycleStage.ACTIVE
    assert lifecycle_stage(facts, as_of=AS_OF, policy=LifecyclePolicy(new_for_days=30, dormant_after_days=20)) == "dormant"


def test_facts_dated_after_the_day_computed_for_are_refused():
    with pytest.raises(ValueError, match="last_own_transaction_on 2026-12-01 is after"):
        stage(last_own_transaction_on=date(2026, 12, 1))
    with pytest.raises(ValueError, match="open_products"):
        stage(open_products=-1)


def test_a_wealth_customer_last_seen_on_1_september_is_28_days_overdue_on_28_november():
    # Wealth: contact every 60 days; 1 Sep + 60 days = 31 Oct; 28 Nov is 28 days later.
    due = contact_due(tier="wealth", customer_since=date(2019, 3, 1), last_contact_on=date(2026, 9, 1), as_of=AS_OF)
    assert due.due_on == date(2026, 10, 31)
    assert due.overdue_days == 28
    assert due.overdue


def test_a_customer_never_contacted_is_due_one_interval_after_becoming_a_customer():
    due = contact_due(tier="mass", customer_since=date(2026, 1, 1), last_contact_on=None, as_of=AS_OF)
    assert due.due_on == date(2027, 1, 1)
    assert not due.overdue


def test_a_contact_due_today_is_not_yet_overdue():
    due = contact_due(tier="private", customer_since=date(2019, 3, 1), last_contact_on=AS_OF - timedelta(days=30), as_of=AS_OF)
    assert due.due_on == AS_OF
    assert due.overdue_days == 0


def test_default_service_levels_promise_each_higher_tier_more():
    levels = DEFAULT_SERVICE_LEVELS
    assert [levels.of(t).contact_every_days for t in ("private", "wealth", "affluent", "mass")] == [30, 60, 90, 365]
    assert [levels.of(t).respond_within_hours for t in ("private", "wealth", "affluent", "mass")] == [4, 8, 24, 48]


def test_service_levels_that_promise_a_higher_tier_less_are_refused():
    levels = dict(DEFAULT_SERVICE_LEVELS.levels, wealth=ServiceLevel(contact_every_days=120, respond_within_hours=8))
    with pytest.raises(ValueError, match="'wealth' is promised less than the lower tier 'affluent'"):
        ServiceLevels(levels=levels)


def test_every_tier_needs_a_service_level_and_an_unknown_tier_is_named():
    with pytest.raises(ValueError, match="tiers without a service level: mass"):
        ServiceLevels(levels={k: v for k, v in DEFAULT_SERVICE_LEVELS.levels.items() if k != "mass"})
    with pytest.raises(ValueError, match="'gold'"):
        contact_due(tier="gold", customer_since=date(2020, 1, 1), last_contact_on=None, as_of=AS_OF)
    with pytest.raises(ValueError, match="contact_every_days"):
        ServiceLevel(contact_every_days=0, respond_within_hours=4)


days = st.integers(0, 3000).map(lambda n: date(2018, 1, 1) + timedelta(days=n))
tiers = st.sampled_from(["private", "wealth", "affluent", "mass"])


@given(tiers, days, days, days)
def test_a_later_last_contact_never_makes_the_next_one_due_earlier(tier, a, b, since):
    earlier, later = sorted((a, b))
    as_of = date(2026, 12, 31)
    assert (
        contact_due(tier=tier, customer_since=since, last_contact_on=earlier, as_of=as_of).due_on
        <= contact_due(tier=tier, customer_since=since, last_contact_on=later, as_of=as_of).due_on
    )


@given(tiers, days, days, days)
def test_time_passing_never_makes_a_contact_less_overdue(tier, contact, a, b):
    sooner, later = sorted((a, b))
    sooner, later = max(sooner, contact), max(later, contact)
    assert (
        contact_due(tier=tier, customer_since=contact, last_contact_on=contact, as_of=sooner).overdue_days
        <= contact_due(tier=tier, customer_since=contact, last_contact_on=contact, as_of=later).overdue_days
    )


@given(st.one_of(st.none(), days), st.integers(0, 5), st.one_of(st.none(), days), st.booleans())
def test_every_customer_has_exactly_one_stage_and_prospects_are_those_never_served(opened, count, last, drifting):
    as_of = date(2026, 12, 31)
    result = lifecycle_stage(LifecycleFacts(opened, count if opened else 0, last, drifting), as_of=as_of)
    assert result in LifecycleStage
    assert (result == LifecycleStage.PROSPECT) == (opened is None)
