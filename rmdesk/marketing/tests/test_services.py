"""Marketing services: every refusal names what is wrong and writes nothing; the task is thin."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rmdesk.marketing import services
from rmdesk.marketing.models import Interest, Lead, Opportunity, ServiceRequest
from rmdesk.marketing.tasks import marketing_batch_task


def codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if not hasattr(error, "error_dict") else {e.code for errors in error.error_dict.values() for e in errors}


def test_nothing_is_recorded_for_a_day_that_has_not_come(bank):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.interest_record(customer_id=bank.farmer.pk, user=bank.am_a, topic="family", on=tomorrow)
    assert codes(refused.value) == {"date_in_future"}
    assert not Interest.objects.exists()


def test_only_someone_who_changes_the_customer_records_about_them(bank):
    with pytest.raises(PermissionDenied):
        services.interest_record(customer_id=bank.farmer.pk, user=bank.am_b, topic="family", on=bank.loan.disbursed_on)
    with pytest.raises(PermissionDenied):
        services.interest_record(customer_id=bank.farmer.pk, user=bank.risk, topic="family", on=bank.loan.disbursed_on)


def test_a_request_is_answered_once_and_within_the_tiers_hours(bank):
    received = timezone.now() - datetime.timedelta(hours=1)
    request = services.service_request_record(
        customer_id=bank.farmer.pk, user=bank.am_a, kind="request", channel="counter", subject="补办存折", received_at=received
    )
    assert request.respond_by == received + datetime.timedelta(hours=24)  # the farmer is affluent
    with pytest.raises(ValidationError) as empty:
        services.service_request_answer(request_id=request.pk, user=bank.am_a, answer=" ")
    assert codes(empty.value) == {"answer_required"}
    services.service_request_answer(request_id=request.pk, user=bank.am_a, answer="已办理")
    with pytest.raises(ValidationError) as twice:
        services.service_request_answer(request_id=request.pk, user=bank.am_a, answer="再次")
    assert codes(twice.value) == {"already_answered"}
    assert ServiceRequest.objects.get().answer == "已办理"


def test_an_opportunity_is_lost_with_a_reason_and_closed_for_good(bank):
    opportunity = Opportunity.objects.get(customer=bank.farmer)
    with pytest.raises(ValidationError) as no_reason:
        services.opportunity_lose(opportunity_id=opportunity.pk, user=bank.am_a, reason="", on=bank.loan.disbursed_on)
    assert codes(no_reason.value) == {"reason_required"}
    services.opportunity_lose(opportunity_id=opportunity.pk, user=bank.am_a, reason="price", on=bank.loan.disbursed_on)
    with pytest.raises(ValidationError) as closed:
        services.opportunity_win(opportunity_id=opportunity.pk, user=bank.am_a, on=bank.loan.disbursed_on)
    assert codes(closed.value) == {"opportunity_closed"}
    assert Opportunity.objects.get().stage == "lost"


def test_an_open_stage_takes_its_default_chance_unless_told(bank):
    opportunity = Opportunity.objects.get(customer=bank.farmer)
    services.opportunity_update(opportunity_id=opportunity.pk, user=bank.am_a, stage="negotiating")
    assert Opportunity.objects.get().probability == Decimal("0.60")
    with pytest.raises(ValidationError) as beyond:
        services.opportunity_update(opportunity_id=opportunity.pk, user=bank.am_a, stage="proposed", probability=Decimal("1.5"))
    assert codes(beyond.value) == {"probability_out_of_range"}


def test_a_lead_is_dropped_with_a_reason_and_only_once(bank):
    lead = Lead.objects.get()
    with pytest.raises(ValidationError):
        services.lead_drop(lead_id=lead.pk, user=bank.am_a, reason="", on=bank.loan.disbursed_on)
    services.lead_drop(lead_id=lead.pk, user=bank.am_a, reason="已在他行开户", on=bank.loan.disbursed_on)
    with pytest.raises(ValidationError) as closed:
        services.lead_convert(lead_id=lead.pk, user=bank.am_a, customer_id=bank.farmer.pk, on=bank.loan.disbursed_on)
    assert codes(closed.value) == {"lead_closed"}


def test_a_campaign_needs_the_batchs_segments(bank):
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(
            user=bank.leader_a, name="x", product_id=bank.loan.holding.product_id, kinds=[], tiers=[], stages=[], offered_only=True,
            starts_on=bank.loan.disbursed_on, ends_on=bank.loan.disbursed_on,
        )
    assert codes(refused.value) == {"no_segment"}


def test_the_task_runs_the_batch_and_answers_in_json(bank):
    result = marketing_batch_task.call(as_of="2026-10-31")
    assert result["customers"] == 4 and result["as_of"] == "2026-10-31"
    json.dumps(result)
