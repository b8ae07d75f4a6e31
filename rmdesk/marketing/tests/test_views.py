"""Marketing screens: scope on every door (with the batch's results on file), the 360 with its
offers and reasons, one click from an offer to an opportunity, and the pipeline's other pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from rmdesk.core.testing import sweep_routes
from rmdesk.marketing.models import (
    Campaign,
    CampaignTarget,
    Interest,
    KnowledgeConfirmation,
    Lead,
    OfferSnapshot,
    Opportunity,
    OtherBankProduct,
    ServiceRequest,
    WinBackTask,
)
from rmdesk.marketing.services import marketing_batch


@pytest.fixture
def assessed(marketing_bank):
    marketing_batch(as_of=marketing_bank.as_of)
    return marketing_bank


def test_no_marketing_route_leaks_outside_the_scope_with_the_batch_on_file(client, assessed):
    assert sweep_routes(client, caller=assessed.am_b) == []


def test_the_360_shows_the_top_offers_with_their_reasons(client, assessed):
    client.force_login(assessed.am_b)
    page = client.get(reverse("marketing_customer", args=[assessed.teacher.pk]))
    assert page.status_code == 200
    offers = list(OfferSnapshot.objects.filter(customer=assessed.teacher).order_by("rank"))
    assert offers
    body = page.content.decode()
    for offer in offers:
        assert offer.product.name in body
    assert 'data-testid="offer-reason"' in body and "balance-trend-data" in body
    assert page.context["snapshot"].at_risk


def test_someone_elses_customer_is_not_found_on_every_360_door(client, assessed):
    client.force_login(assessed.am_b)
    farmer = assessed.farmer.pk
    for name in ("marketing_customer",):
        assert client.get(reverse(name, args=[farmer])).status_code == 404
    for name in ("marketing_interest_add", "marketing_offer_take", "marketing_knowledge_confirm", "marketing_win_back_close"):
        assert client.post(reverse(name, args=[farmer]), {"topic": "family", "product": 1}).status_code == 404
    assert not Interest.objects.filter(customer_id=farmer, topic="family").exists()


def test_an_offer_becomes_an_opportunity_in_one_click_and_is_won(client, assessed):
    client.force_login(assessed.am_b)
    offer = OfferSnapshot.objects.filter(customer=assessed.teacher).order_by("rank").first()
    answer = client.post(reverse("marketing_offer_take", args=[assessed.teacher.pk]), {"product": offer.product_id})
    opportunity = Opportunity.objects.get(customer=assessed.teacher, product=offer.product)
    assert answer.status_code == 302 and answer["Location"] == reverse("marketing_opportunity", args=[opportunity.pk])
    assert (opportunity.probability, opportunity.amount, opportunity.owner) == (offer.acceptance, offer.amount, assessed.am_b)
    assert opportunity.offer_reason == {"code": offer.reason, "params": offer.params}
    again = client.post(reverse("marketing_offer_take", args=[assessed.teacher.pk]), {"product": offer.product_id}, follow=True)
    assert Opportunity.objects.filter(customer=assessed.teacher, product=offer.product).count() == 1
    assert "已有" in again.content.decode() or "already" in again.content.decode()
    client.post(reverse("marketing_opportunity", args=[opportunity.pk]), {"action": "win", "closed_on": "2026-11-02"})
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability, opportunity.closed_on) == ("won", Decimal(1), datetime.date(2026, 11, 2))


def test_a_lost_opportunity_needs_its_reason(client, assessed):
    client.force_login(assessed.am_a)
    opportunity = Opportunity.objects.get(customer=assessed.farmer)
    assert client.post(reverse("marketing_opportunity", args=[opportunity.pk]), {"action": "lose", "closed_on": "2026-11-02"}).status_code == 400
    client.post(reverse("marketing_opportunity", args=[opportunity.pk]), {"action": "lose", "reason": "competitor", "closed_on": "2026-11-02"})
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_reason) == ("lost", "competitor")


def test_what_the_account_manager_learns_is_recorded_on_the_360(client, assessed):
    client.force_login(assessed.am_b)
    pk = assessed.teacher.pk
    client.post(reverse("marketing_interest_add", args=[pk]), {"topic": "children", "note": "孩子明年高考"})
    client.post(reverse("marketing_other_bank_add", args=[pk]), {"bank": "中国建设银行青禾县支行", "family": "wealth", "balance": "80000"})
    client.post(reverse("marketing_knowledge_confirm", args=[pk]), {"areas": ["profile", "interests"]})
    client.post(reverse("marketing_service_request_add", args=[pk]), {"kind": "complaint", "channel": "phone", "subject": "工资卡年费"})
    assert Interest.objects.filter(customer_id=pk, topic="children").exists()
    assert OtherBankProduct.objects.get(customer_id=pk, family="wealth").balance == Decimal("80000")
    assert set(KnowledgeConfirmation.objects.filter(customer_id=pk).values_list("area", flat=True)) == {"profile", "interests"}
    request = ServiceRequest.objects.get(customer_id=pk)
    assert request.respond_by - request.received_at == datetime.timedelta(hours=48)
    client.post(reverse("marketing_service_request_answer", args=[pk]), {"request": request.pk, "answer": "已免除年费"})
    request.refresh_from_db()
    assert request.answer == "已免除年费" and request.answered_by == assessed.am_b
    page = client.get(reverse("marketing_customer", args=[pk]))
    assert "孩子明年高考" in page.content.decode()


def test_a_leader_reads_the_books_but_records_nothing(client, assessed):
    client.force_login(assessed.risk)
    assert client.get(reverse("marketing_customer", args=[assessed.teacher.pk])).status_code == 200
    assert client.post(reverse("marketing_interest_add", args=[assessed.teacher.pk]), {"topic": "family"}).status_code == 403


def test_a_lead_referred_by_a_customer_becomes_a_customer(client, assessed):
    client.force_login(assessed.am_a)
    answer = client.post(
        reverse("marketing_lead_new"),
        {"name": "张小红", "kind": "individual", "source": "customer_referral", "referred_by_customer": assessed.farmer.pk, "need": "开户"},
    )
    lead = Lead.objects.get(name="张小红")
    assert answer["Location"] == reverse("marketing_lead", args=[lead.pk])
    assert assessed.farmer.name in client.get(reverse("marketing_lead", args=[lead.pk])).content.decode()
    client.post(reverse("marketing_lead", args=[lead.pk]), {"action": "convert", "customer": assessed.shop.pk})
    lead.refresh_from_db()
    assert (lead.status, lead.customer) == ("converted", assessed.shop)


def test_a_campaign_aims_at_a_segment_and_its_outcomes_open_opportunities(client, assessed):
    client.force_login(assessed.leader_a)
    product = OfferSnapshot.objects.filter(customer__in=[assessed.farmer, assessed.shop]).first().product
    client.post(
        reverse("marketing_campaign_new"),
        {"name": "春耕理财", "product": product.pk, "offered_only": "on", "starts_on": "2026-11-01", "ends_on": "2026-12-31"},
    )
    campaign = Campaign.objects.get(name="春耕理财")
    targets = list(CampaignTarget.objects.filter(campaign=campaign))
    assert targets and {t.customer_id for t in targets} <= {assessed.farmer.pk, assessed.shop.pk}
    target = targets[0]
    client.force_login(assessed.am_a)
    client.post(reverse("marketing_campaign_outcome", args=[target.customer_id]), {"target": target.pk, "status": "accepted", "note": "同意"})
    target.refresh_from_db()
    assert target.status == "accepted"
    assert Opportunity.objects.get(customer_id=target.customer_id, product=product).campaign == campaign
    page = client.get(reverse("marketing_campaign", args=[campaign.pk]))
    assert page.status_code == 200 and page.context["total"] == len(targets)


def test_the_radar_lists_the_drifting_and_closes_a_win_back_task(client, assessed):
    client.force_login(assessed.am_b)
    page = client.get(reverse("marketing_radar"))
    assert assessed.teacher.name in page.content.decode()
    task = WinBackTask.objects.get(customer=assessed.teacher)
    client.post(reverse("marketing_win_back_close", args=[assessed.teacher.pk]), {"task": task.pk, "status": "retained", "note": "上门拜访，客户同意工资卡留在我行"})
    task.refresh_from_db()
    assert (task.status, task.closed_by) == ("retained", assessed.am_b)


def test_books_competitors_and_knowledge_pages_show_the_scope(client, assessed):
    client.force_login(assessed.head)
    assert client.get(reverse("marketing_competitors")).status_code == 200
    assert client.get(reverse("marketing_movements")).status_code == 200
    overview = client.get(reverse("marketing_overview"))
    assert overview.context["total"].customers == 4
    client.force_login(assessed.am_a)
    assert client.get(reverse("marketing_overview")).context["total"].customers == 2
    competitors = client.get(reverse("marketing_competitors")).content.decode()
    assert "中国建设银行" not in competitors and "中国农业银行" in competitors
