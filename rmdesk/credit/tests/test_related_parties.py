"""The bank's list of related parties, kept by compliance on its own page, read by the policy check."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rmdesk.credit import services
from rmdesk.credit.models import RelatedParty

pytestmark = pytest.mark.django_db


def test_compliance_lists_a_customer_by_number_and_ends_the_listing(bank, client):
    client.force_login(bank.compliance)
    page = client.get("/credit/related-parties/")
    assert page.status_code == 200 and "related-parties" in page.content.decode()
    today = timezone.localdate()
    listed = client.post(
        "/credit/related-parties/",
        {"customer_number": bank.factory.number, "basis": "董事控制的企业", "related_group": "柳河系", "listed_on": today.isoformat()},
    )
    assert listed.status_code == 302
    listing = RelatedParty.objects.get(customer=bank.factory)
    assert (listing.basis, listing.related_group, listing.ended_on) == ("董事控制的企业", "柳河系", None)
    again = client.post("/credit/related-parties/", {"customer_number": bank.factory.number, "basis": "再次", "listed_on": today.isoformat()})
    assert again.status_code == 400 and "nonfield" in again.content.decode()
    ended = client.post(f"/credit/related-parties/{listing.pk}/end/", {"ended_on": today.isoformat()})
    assert ended.status_code == 302
    listing.refresh_from_db()
    assert listing.ended_on == today


def test_an_unknown_number_or_a_future_date_is_refused_by_name_and_nothing_is_written(bank, client):
    client.force_login(bank.compliance)
    unknown = client.post("/credit/related-parties/", {"customer_number": "NOPE", "basis": "股东", "listed_on": "2026-01-01"})
    assert unknown.status_code == 400 and "NOPE" in unknown.content.decode()
    with pytest.raises(ValidationError) as future:
        services.related_party_record(customer=bank.factory, by=bank.compliance, basis="股东", listed_on=timezone.localdate() + datetime.timedelta(days=1))
    assert future.value.code == "date_in_future"
    assert not RelatedParty.objects.filter(customer=bank.factory).exists()


def test_only_a_role_that_keeps_the_list_may_see_or_change_it(bank, client):
    client.force_login(bank.am_a)
    assert client.get("/credit/related-parties/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.related_party_record(customer=bank.farmer, by=bank.am_a, basis="股东", listed_on=datetime.date(2026, 1, 1))
    listing = services.related_party_record(customer=bank.factory, by=bank.compliance, basis="股东", listed_on=datetime.date(2026, 1, 1))
    assert client.post(f"/credit/related-parties/{listing.pk}/end/", {"ended_on": "2026-02-01"}).status_code in (403, 404)
    with pytest.raises(ValidationError) as early:
        services.related_party_end(listing=listing, by=bank.compliance, ended_on=datetime.date(2025, 12, 31))
    assert early.value.code == "date_invalid"
