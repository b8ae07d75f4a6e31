from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.knowledge import (
    DEFAULT_AREA_RULES,
    AreaRule,
    BookKnowledge,
    Gap,
    KnowledgeArea,
    KnowledgeFacts,
    KnowledgePolicy,
    ToLearn,
    book_knowledge,
    knowledge_score,
)

D = Decimal
AS_OF = date(2026, 11, 28)


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


FACTORY = KnowledgeFacts(
    profile={"phone": ago(30), "address": ago(438), "industry": None, "employees": ago(200)},
    key_people_on=ago(100),
    statements_on=date(2025, 12, 31),
    interests_on=None,
    competitors_on=ago(254),
    last_visit_on=ago(200),
)


def test_the_score_adds_each_areas_weight_times_how_fresh_it_is():
    # Profile 30 x (1 + 0.8 + 0 + 1) / 4 = 21 (address 438 days old: (730 - 438) / 365 = 0.8);
    # key people 15; statements (period end 332 days ago) 20; interests 0;
    # competitors 10 x (365 - 254) / 185 = 6; visit 15 x (365 - 200) / 275 = 9. Total 71.
    result = knowledge_score(FACTORY, as_of=AS_OF)
    assert result.score == 71
    assert dict(result.by_area) == {
        KnowledgeArea.PROFILE: D("21.0"),
        KnowledgeArea.KEY_PEOPLE: D("15.0"),
        KnowledgeArea.STATEMENTS: D("20.0"),
        KnowledgeArea.INTERESTS: D("0.0"),
        KnowledgeArea.COMPETITORS: D("6.0"),
        KnowledgeArea.VISIT: D("9.0"),
    }


def test_what_to_learn_on_the_next_visit_comes_most_points_first_and_leaves_out_the_visit_itself():
    assert knowledge_score(FACTORY, as_of=AS_OF).to_learn == (
        ToLearn(KnowledgeArea.INTERESTS, Gap.UNKNOWN, D("10.0")),
        ToLearn(KnowledgeArea.PROFILE, Gap.UNKNOWN, D("7.5"), profile_field="industry"),
        ToLearn(KnowledgeArea.COMPETITORS, Gap.OUT_OF_DATE, D("4.0"), known_on=ago(254)),
        ToLearn(KnowledgeArea.PROFILE, Gap.OUT_OF_DATE, D("1.5"), profile_field="address", known_on=ago(438)),
    )


def test_an_area_that_does_not_apply_shares_its_weight_among_the_others():
    # A salaried person: no statements, so 80 points are scaled to 100. Everything fresh but
    # interests unknown: 70 of 80 = 87.5 -> 88; learning interests would add 10 x 100/80 = 12.5.
    teacher = KnowledgeFacts(
        profile={"phone": ago(1), "occupation": ago(1)}, key_people_on=ago(1), interests_on=None,
        competitors_on=ago(1), last_visit_on=ago(1), not_expected=frozenset({KnowledgeArea.STATEMENTS}),
    )
    result = knowledge_score(teacher, as_of=AS_OF)
    assert result.score == 88
    assert result.to_learn == (ToLearn(KnowledgeArea.INTERESTS, Gap.UNKNOWN, D("12.5")),)
    assert KnowledgeArea.STATEMENTS not in result.by_area


def test_everything_known_and_fresh_scores_100_and_nothing_known_scores_0():
    fresh = KnowledgeFacts(
        profile={"phone": AS_OF}, key_people_on=AS_OF, statements_on=AS_OF, interests_on=AS_OF,
        competitors_on=AS_OF, last_visit_on=AS_OF,
    )
    assert knowledge_score(fresh, as_of=AS_OF).score == 100
    assert knowledge_score(fresh, as_of=AS_OF).to_learn == ()
    nothing = KnowledgeFacts(profile={"phone": None, "address": None})
    assert knowledge_score(nothing, as_of=AS_OF).score == 0


@pytest.mark.parametrize(("days_old", "credit"), [(90, D(1)), (365, D(0)), (500, D(0)), (255, D("0.4"))])
def test_a_visit_counts_fully_for_a_quarter_and_for_nothing_after_a_year(days_old, credit):
    assert DEFAULT_AREA_RULES[KnowledgeArea.VISIT].freshness(ago(days_old), AS_OF) == credit


def test_weights_are_bank_policy():
    rules = dict(DEFAULT_AREA_RULES, **{KnowledgeArea.INTERESTS: AreaRule(weight=0, fresh_days=365, stale_days=730)})
    assert knowledge_score(FACTORY, as_of=AS_OF, policy=KnowledgePolicy(rules=rules)).score == 79  # 71 of 90


def test_a_fact_dated_after_the_day_scored_is_refused_naming_it():
    with pytest.raises(ValueError, match="profile field 'phone' is dated 2026-12-01"):
        knowledge_score(KnowledgeFacts(profile={"phone": date(2026, 12, 1)}), as_of=AS_OF)


def test_bad_rules_and_facts_are_refused():
    with pytest.raises(ValueError, match="stale_days"):
        AreaRule(weight=10, fresh_days=365, stale_days=365)
    with pytest.raises(ValueError, match="without a rule: visit"):
        KnowledgePolicy(rules={a: r for a, r in DEFAULT_AREA_RULES.items() if a != KnowledgeArea.VISIT})
    with pytest.raises(ValueError, match="at least one field"):
        KnowledgeFacts(profile={})


def test_a_book_counts_the_customers_it_really_knows():
    # 60 and above is known: 3 of 5; mean (12 + 45 + 60 + 71 + 100) / 5 = 57.6.
    book = book_knowledge([12, 45, 60, 71, 100])
    assert (book.customers, book.known, book.share_known, book.mean_score) == (5, 3, D("0.6000"), D("57.6"))
    assert book.bands == (1, 0, 1, 2, 1)


def test_an_empty_book_has_no_share_or_mean_and_scores_outside_0_to_100_are_refused():
    assert book_knowledge([]) == BookKnowledge(0, 0, None, None, (0, 0, 0, 0, 0))
    with pytest.raises(ValueError, match="101"):
        book_knowledge([50, 101])


days = st.one_of(st.none(), st.integers(0, 1500).map(ago))


@st.composite
def facts(draw) -> KnowledgeFacts:
    fields = draw(st.lists(st.sampled_from(["phone", "address", "industry", "income"]), min_size=1, unique=True))
    return KnowledgeFacts(
        profile={name: draw(days) for name in fields}, key_people_on=draw(days), statements_on=draw(days),
        interests_on=draw(days), competitors_on=draw(days), last_visit_on=draw(days),
        not_expected=frozenset(draw(st.lists(st.sampled_from([KnowledgeArea.STATEMENTS, KnowledgeArea.KEY_PEOPLE])))),
    )


@given(facts())
def test_the_score_is_between_0_and_100_and_learning_everything_listed_never_lowers_it(f):
    result = knowledge_score(f, as_of=AS_OF)
    assert 0 <= result.score <= 100
    assert all(item.points > 0 for item in result.to_learn)
    learned = KnowledgeFacts(
        profile={name: AS_OF for name in f.profile}, key_people_on=AS_OF, statements_on=AS_OF,
        interests_on=AS_OF, competitors_on=AS_OF, last_visit_on=f.last_visit_on, not_expected=f.not_expected,
    )
    assert knowledge_score(learned, as_of=AS_OF).score >= result.score


@given(facts(), st.sampled_from(["key_people_on", "statements_on", "interests_on", "competitors_on", "last_visit_on"]))
def test_confirming_a_fact_today_never_lowers_the_score(f, name):
    assert knowledge_score(replace(f, **{name: AS_OF}), as_of=AS_OF).score >= knowledge_score(f, as_of=AS_OF).score
