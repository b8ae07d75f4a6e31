"""The rating screens: my re-ratings, one screen per rating, approvals, history; scope on every door."""

import pytest
from django.urls import reverse

from rmdesk.core.testing import sweep_routes
from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.rating.services import rating_propose_due


@pytest.fixture
def proposed(rated_bank):
    rating_propose_due(as_of=rated_bank.as_of)
    rated_bank.farmer_rating = Rating.objects.get(customer=rated_bank.farmer)
    rated_bank.factory_rating = Rating.objects.get(customer=rated_bank.factory)
    return rated_bank


def test_my_re_ratings_lists_the_open_ratings_of_my_book_only(client, proposed):
    client.force_login(proposed.am_a)
    page = client.get(reverse("rating_queue")).content.decode()
    assert proposed.farmer.name in page
    assert proposed.factory.name not in page


def test_the_rating_screen_shows_grade_factors_what_moved_it_and_what_would_lift_it(client, proposed):
    client.force_login(proposed.am_a)
    response = client.get(reverse("rating_detail", args=[proposed.farmer_rating.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-testid="proposed-grade">{proposed.farmer_rating.proposed_grade}<' in page
    assert 'data-testid="factor-debt_to_assets"' in page and "46.61%" in page
    assert 'data-testid="lifts"' in page
    assert 'data-testid="confirm"' in page and 'data-testid="request-override"' in page


@pytest.mark.parametrize("name", ["rating_detail", "rating_answers", "rating_confirm", "rating_override", "rating_decide"])
def test_a_rating_outside_the_scope_is_not_found(client, proposed, name):
    client.force_login(proposed.am_b)
    method = client.get if name == "rating_detail" else client.post
    assert method(reverse(name, args=[proposed.farmer_rating.pk])).status_code == 404


def test_the_rating_history_of_a_customer_outside_the_scope_is_not_found(client, proposed):
    client.force_login(proposed.am_b)
    assert client.get(reverse("customer_rating_history", args=[proposed.farmer.pk])).status_code == 404


def test_a_risk_officer_sees_a_rating_but_cannot_confirm_it(client, proposed):
    client.force_login(proposed.risk)
    assert client.get(reverse("rating_detail", args=[proposed.farmer_rating.pk])).status_code == 200
    assert client.post(reverse("rating_confirm", args=[proposed.farmer_rating.pk])).status_code == 403
    assert Rating.objects.get(pk=proposed.farmer_rating.pk).status == RatingStatus.PROPOSED


def test_confirming_from_the_screen(client, proposed):
    client.force_login(proposed.am_a)
    response = client.post(reverse("rating_confirm", args=[proposed.farmer_rating.pk]))
    assert response.status_code == 302
    assert Rating.objects.get(pk=proposed.farmer_rating.pk).status == RatingStatus.CONFIRMED


def test_an_override_without_a_reason_is_shown_back_with_the_message(client, proposed):
    client.force_login(proposed.am_a)
    response = client.post(reverse("rating_override", args=[proposed.farmer_rating.pk]), {"grade": "AAA", "reason": ""})
    assert response.status_code == 400
    assert list(response.context["override_form"].errors) == ["reason"]
    assert Rating.objects.get(pk=proposed.farmer_rating.pk).status == RatingStatus.PROPOSED


def test_answers_from_the_screen_rescore_the_proposal(client, proposed):
    client.force_login(proposed.am_a)
    response = client.post(
        reverse("rating_answers", args=[proposed.farmer_rating.pk]),
        {"village_assessment": "credit_household", "farm_insurance": "", "income_sources": "several"},
    )
    assert response.status_code == 302
    assert Rating.objects.get(pk=proposed.farmer_rating.pk).answers == {"village_assessment": "credit_household", "income_sources": "several"}


def test_the_approval_queue_shows_overrides_waiting_for_the_leader(client, proposed):
    client.force_login(proposed.am_a)
    worse = MASTER_SCALE[MASTER_SCALE.index(proposed.farmer_rating.proposed_grade) + 1]
    response = client.post(reverse("rating_override", args=[proposed.farmer_rating.pk]), {"grade": worse, "reason": "外出务工，无人经营"})
    assert response.status_code == 302
    client.force_login(proposed.leader_a)
    page = client.get(reverse("rating_approvals")).content.decode()
    assert proposed.farmer.name in page and "外出务工" in page
    client.force_login(proposed.am_a)
    assert client.get(reverse("rating_approvals")).status_code == 403


def test_the_customer_page_shows_its_ratings(client, proposed):
    client.force_login(proposed.am_a)
    page = client.get(reverse("customer_detail", args=[proposed.farmer.pk])).content.decode()
    assert 'id="ratings"' in page and reverse("rating_detail", args=[proposed.farmer_rating.pk]) in page


def test_no_rating_route_leaks_outside_the_scope(client, proposed):
    assert sweep_routes(client, caller=proposed.am_b) == []
