"""Rating policy on the administration site: checked by the rating rules before it is saved."""

import json

from django.urls import reverse

from rmdesk.org.tests.test_administration import verified_admin
from rmdesk.rating.models import MasterScaleGrade, Scorecard


def test_a_scorecard_whose_weights_do_not_add_up_is_refused_with_the_place(client, bank):
    verified_admin(client, bank)
    card = Scorecard.objects.get(customer_kind="individual")
    factors = card.factors
    factors[0]["weight"] = "0.300"
    response = client.post(
        reverse("desk_admin:rating_scorecard_change", args=[card.pk]),
        {
            "code": card.code, "version": card.version, "customer_kind": card.customer_kind, "name_zh": card.name_zh,
            "name_en": card.name_en, "factors": json.dumps(factors), "bands": json.dumps(card.bands), "in_force": "on",
        },
    )
    assert response.status_code == 200
    assert "scorecard individual: the weights add up to 1.100, not 1" in response.content.decode()
    card.refresh_from_db()
    assert card.factors[0]["weight"] == "0.200"


def test_a_master_scale_band_that_leaves_a_gap_is_refused(client, bank):
    verified_admin(client, bank)
    grade = MasterScaleGrade.objects.get(grade="BBB")
    response = client.post(
        reverse("desk_admin:rating_masterscalegrade_change", args=[grade.pk]),
        {"pd": "0.0045", "pd_lower": "0.0030", "pd_upper": "0.0075"},
    )
    assert response.status_code == 200
    assert "starts where that of A ends" in response.content.decode()
    grade.refresh_from_db()
    assert str(grade.pd_lower) == "0.002500"


def test_the_rating_policy_pages_open_for_the_administrator(client, bank):
    verified_admin(client, bank)
    for name in ("rating_scorecard_changelist", "rating_masterscalegrade_changelist", "rating_ratingpolicy_changelist"):
        assert client.get(reverse(f"desk_admin:{name}")).status_code == 200
