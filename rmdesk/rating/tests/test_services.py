"""Decisions on ratings: confirm, answer, override with a reason, approval by the next level only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from rmdesk.credit.models import Instalment
from rmdesk.domain.rating import RatingErrorCode
from rmdesk.org.models import RoleCode, User
from rmdesk.rating.models import OverrideDecision, Rating, RatingOverride, RatingStatus
from rmdesk.rating.services import (
    rating_answer,
    rating_confirm,
    rating_override_decide,
    rating_override_request,
    rating_propose_due,
)


@pytest.fixture
def proposed(rated_bank):
    rating_propose_due(as_of=rated_bank.as_of)
    rated_bank.farmer_rating = Rating.objects.get(customer=rated_bank.farmer)
    rated_bank.factory_rating = Rating.objects.get(customer=rated_bank.factory)
    return rated_bank


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list}


def test_confirming_puts_the_proposed_grade_in_force_for_a_year(proposed):
    rating = rating_confirm(rating_id=proposed.farmer_rating.pk, user=proposed.am_a)
    today = timezone.localdate()
    assert (rating.status, rating.grade, rating.pd) == (RatingStatus.CONFIRMED, rating.proposed_grade, rating.proposed_pd)
    assert (rating.decided_by, rating.valid_from) == (proposed.am_a, today)
    assert rating.valid_until == datetime.date(today.year + 1, today.month, today.day) - datetime.timedelta(days=1)


def test_a_decided_rating_is_never_decided_again(proposed):
    rating_confirm(rating_id=proposed.farmer_rating.pk, user=proposed.am_a)
    with pytest.raises(ValidationError) as refused:
        rating_confirm(rating_id=proposed.farmer_rating.pk, user=proposed.am_a)
    assert _codes(refused.value) == {RatingErrorCode.NOT_OPEN}
    with pytest.raises(ValidationError):
        rating_override_request(rating_id=proposed.farmer_rating.pk, user=proposed.am_a, grade="AAA", reason="x")


def test_only_someone_who_changes_the_customers_records_confirms(proposed):
    with pytest.raises(PermissionDenied):
        rating_confirm(rating_id=proposed.farmer_rating.pk, user=proposed.risk)
    with pytest.raises(PermissionDenied):
        rating_confirm(rating_id=proposed.farmer_rating.pk, user=proposed.am_b)


def test_answering_the_questions_rescores_the_proposal(proposed):
    before = proposed.farmer_rating
    rating = rating_answer(
        rating_id=before.pk, user=proposed.am_a,
        answers={"village_assessment": "credit_household", "farm_insurance": "insured", "income_sources": ""},
    )
    # Unanswered, the village assessment (0.15) and farm insurance (0.05) gave 40 points each: now 100.
    assert rating.score - before.score == 12
    assert rating.answers == {"village_assessment": "credit_household", "farm_insurance": "insured"}
    assert rating.proposed_by == proposed.am_a
    assert {c["code"]: c["points"] for c in rating.contributions}["village_assessment"] == 100


def test_an_answer_not_on_the_list_is_refused_with_nothing_written(proposed):
    with pytest.raises(ValidationError) as refused:
        rating_answer(rating_id=proposed.farmer_rating.pk, user=proposed.am_a, answers={"farm_insurance": "fully"})
    assert _codes(refused.value) == {RatingErrorCode.UNKNOWN_ANSWER}
    assert Rating.objects.get(pk=proposed.farmer_rating.pk).answers == {}


def test_an_override_needs_a_reason(proposed):
    with pytest.raises(ValidationError) as refused:
        rating_override_request(rating_id=proposed.farmer_rating.pk, user=proposed.am_a, grade="AAA", reason="   ")
    assert RatingErrorCode.REASON_REQUIRED in _codes(refused.value)
    assert not RatingOverride.objects.exists()
    assert Rating.objects.get(pk=proposed.farmer_rating.pk).status == RatingStatus.PROPOSED


def _one_notch_better(grade: str) -> str:
    from rmdesk.domain.authority import MASTER_SCALE

    return MASTER_SCALE[MASTER_SCALE.index(grade) - 1]


def test_an_override_waits_for_the_next_level_and_the_team_leader_approves_one_notch(proposed):
    rating = proposed.farmer_rating
    better = _one_notch_better(rating.proposed_grade)
    override = rating_override_request(rating_id=rating.pk, user=proposed.am_a, grade=better, reason="新建冷库投产，销售合同已签")
    assert Rating.objects.get(pk=rating.pk).status == RatingStatus.OVERRIDE_REQUESTED
    decided = rating_override_decide(rating_id=rating.pk, user=proposed.leader_a, approve=True, reason="")
    assert (decided.status, decided.grade, decided.decided_by) == (RatingStatus.APPROVED, better, proposed.leader_a)
    override.refresh_from_db()
    assert (override.decision, override.decided_by) == (OverrideDecision.APPROVED, proposed.leader_a)


def test_nobody_approves_their_own_override(proposed):
    rating = proposed.farmer_rating
    rating_override_request(rating_id=rating.pk, user=proposed.leader_a, grade=_one_notch_better(rating.proposed_grade), reason="x")
    with pytest.raises(ValidationError) as refused:
        rating_override_decide(rating_id=rating.pk, user=proposed.leader_a, approve=True, reason="")
    assert _codes(refused.value) == {RatingErrorCode.OWN_OVERRIDE}


def test_an_account_manager_is_not_the_next_level(proposed):
    # am_a2 assists on the factory, so sees its rating, but holds no approving role.
    rating = proposed.factory_rating
    rating_override_request(rating_id=rating.pk, user=proposed.am_b, grade=_one_notch_better(rating.proposed_grade), reason="x")
    with pytest.raises(ValidationError) as refused:
        rating_override_decide(rating_id=rating.pk, user=proposed.am_a2, approve=True, reason="")
    assert _codes(refused.value) == {RatingErrorCode.NOT_AN_APPROVER}


def test_an_approver_outside_the_customers_units_cannot_decide(proposed):
    rating = proposed.factory_rating
    rating_override_request(rating_id=rating.pk, user=proposed.am_b, grade=_one_notch_better(rating.proposed_grade), reason="x")
    # The factory is managed in outlet B; leader_a leads outlet A.
    with pytest.raises(PermissionDenied):
        rating_override_decide(rating_id=rating.pk, user=proposed.leader_a, approve=True, reason="")


def test_two_notches_are_beyond_a_team_leader_but_within_a_credit_approver(proposed):
    from rmdesk.domain.authority import MASTER_SCALE

    rating = proposed.farmer_rating
    two_down = MASTER_SCALE[MASTER_SCALE.index(rating.proposed_grade) + 2]
    rating_override_request(rating_id=rating.pk, user=proposed.am_a, grade=two_down, reason="主要买家破产")
    with pytest.raises(ValidationError) as refused:
        rating_override_decide(rating_id=rating.pk, user=proposed.leader_a, approve=True, reason="")
    assert _codes(refused.value) == {RatingErrorCode.BEYOND_APPROVER_NOTCHES}
    decided = rating_override_decide(rating_id=rating.pk, user=proposed.approver, approve=True, reason="同意")
    assert decided.grade == two_down


def test_rejecting_needs_a_reason_and_leaves_the_proposed_grade_in_force(proposed):
    rating = proposed.farmer_rating
    rating_override_request(rating_id=rating.pk, user=proposed.am_a, grade=_one_notch_better(rating.proposed_grade), reason="x")
    with pytest.raises(ValidationError) as refused:
        rating_override_decide(rating_id=rating.pk, user=proposed.leader_a, approve=False, reason=" ")
    assert _codes(refused.value) == {RatingErrorCode.REASON_REQUIRED}
    decided = rating_override_decide(rating_id=rating.pk, user=proposed.leader_a, approve=False, reason="经营改善尚未体现在报表")
    assert (decided.status, decided.grade, decided.pd) == (RatingStatus.REJECTED, rating.proposed_grade, rating.proposed_pd)
    assert decided.valid_until is not None


def test_the_history_keeps_every_rating(proposed):
    first = rating_confirm(rating_id=proposed.farmer_rating.pk, user=proposed.am_a)
    Instalment.objects.filter(loan=proposed.loan).update(settled_on=F("due_on"), principal_paid=F("principal_due"))
    rating_propose_due(as_of=first.valid_until)
    second = Rating.objects.get(customer=proposed.farmer, status=RatingStatus.PROPOSED)
    rating_override_request(rating_id=second.pk, user=proposed.am_a, grade=_one_notch_better(second.proposed_grade), reason="x")
    rating_override_decide(rating_id=second.pk, user=proposed.leader_a, approve=False, reason="不同意")
    history = list(Rating.objects.filter(customer=proposed.farmer).order_by("pk").values_list("status", "decided_by__username"))
    assert history == [(RatingStatus.CONFIRMED, "am_a"), (RatingStatus.REJECTED, "leader_a")]
    assert Rating.objects.get(pk=first.pk).grade == first.grade


def test_a_borrower_in_default_cannot_be_overridden_out_of_d(proposed):
    Rating.objects.filter(pk=proposed.farmer_rating.pk).update(in_default=True, proposed_grade="D", days_past_due=120)
    with pytest.raises(ValidationError) as refused:
        rating_override_request(rating_id=proposed.farmer_rating.pk, user=proposed.am_a, grade="C", reason="会还的")
    assert _codes(refused.value) == {RatingErrorCode.DEFAULT_IS_A_FACT}


def test_the_database_refuses_a_second_open_rating_for_a_customer(proposed):
    from django.db import IntegrityError, transaction

    clone = Rating.objects.get(pk=proposed.farmer_rating.pk)
    clone.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_a_team_leader_of_the_unit_also_approves_one_notch_down(proposed):
    leader_b = User.objects.create_user(username="leader_b", password="x-long-password-1", role_id=RoleCode.TEAM_LEADER, org_unit=proposed.outlet_b)
    rating = proposed.factory_rating
    from rmdesk.domain.authority import MASTER_SCALE

    worse = MASTER_SCALE[MASTER_SCALE.index(rating.proposed_grade) + 1]
    rating_override_request(rating_id=rating.pk, user=proposed.am_b, grade=worse, reason="应收账款回收放缓")
    assert rating_override_decide(rating_id=rating.pk, user=leader_b, approve=True, reason="").grade == worse
