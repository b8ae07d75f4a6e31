"""Credit screens: scope on every door, the approver's queue, the steps from the page, the memo in two languages."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from rmdesk.core.testing import MISSING_PK, sweep_routes
from rmdesk.credit import services
from rmdesk.credit.models import CreditApplication, CreditTransition
from rmdesk.credit.tests.helpers import decided_rating, enterprise_application, investigate, working_capital_product
from rmdesk.domain.lifecycle import CreditState


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Pages are read in English here; the memo test prints both languages.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def in_approval(bank):
    decided_rating(bank.factory, "BBB", by=bank.am_b)
    application = investigate(enterprise_application(bank), by=bank.am_b)
    services.credit_policy_check_run(application=application, by=bank.am_b)
    application.refresh_from_db()
    return application


def verified(client, user):
    """Signed in, with the second factor passed where the role needs one."""
    client.force_login(user)
    if user.needs_second_factor:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def text(response) -> str:
    return response.content.decode()


ROUTES = ["credit_application", "credit_investigation", "credit_policy_check", "credit_memo", "credit_contract", "credit_drawdown"]


@pytest.mark.parametrize("name", ROUTES)
def test_an_application_outside_the_scope_is_not_found_like_a_missing_one(client, bank, name):
    farmer_application = CreditApplication.objects.get(customer=bank.farmer)
    verified(client, bank.am_b)
    assert client.get(reverse(name, args=[farmer_application.pk])).status_code == 404
    assert client.get(reverse(name, args=[MISSING_PK])).status_code == 404


def test_no_credit_route_leaks_outside_the_scope_of_another_manager(client, in_approval, bank):
    findings = sweep_routes(client, caller=bank.am_a)
    assert [f for f in findings if f.startswith(("credit", "customer_credit"))] == []


def test_my_applications_lists_those_of_my_book_only(client, bank, in_approval):
    page = text(verified(client, bank.am_a).get(reverse("credit_applications")))
    assert bank.farmer.name in page
    assert bank.factory.name not in page


def test_a_new_application_from_the_customer_page(client, bank):
    verified(client, bank.am_b)
    customer_page = text(client.get(reverse("customer_detail", args=[bank.factory.pk])))
    assert reverse("credit_application_new", args=[bank.factory.pk]) in customer_page
    response = client.post(
        reverse("credit_application_new", args=[bank.factory.pk]),
        {"product": working_capital_product().pk, "amount": "800000", "term_months": "12", "annual_rate_percent": "4.35",
         "repayment_method": "equal_instalment", "purpose": "收购毛竹", "repayment_source": "销售回款", "industry_code": ""},
    )
    application = CreditApplication.objects.get(customer=bank.factory)
    assert response.url == reverse("credit_application", args=[application.pk])
    assert (application.annual_rate, application.industry_code) == (Decimal("0.043500"), "C")
    page = text(client.get(response.url))
    assert 'data-testid="step-submit"' in page
    assert "submit the application" in page


def test_an_approver_neither_applies_nor_sees_the_button(client, bank):
    verified(client, bank.approver)
    assert client.get(reverse("credit_application_new", args=[bank.factory.pk])).status_code == 403


def test_collateral_is_added_with_htmx_and_the_section_comes_back(client, bank):
    application = enterprise_application(bank)
    verified(client, bank.am_b)
    response = client.post(
        reverse("credit_security", args=[application.pk]),
        {"what": "guarantor", "customer": "", "name": "刘建华", "kind": "individual", "amount": "800000", "annual_income": "300000"},
        HTTP_HX_REQUEST="true", HTTP_HX_TARGET="security",
    )
    assert response.status_code == 200
    assert text(response).lstrip().startswith('<div id="security"')
    assert "刘建华" in text(response)


def test_an_illegal_step_from_the_page_shows_the_translated_refusal(client, bank):
    application = enterprise_application(bank)
    verified(client, bank.am_b)
    response = client.post(reverse("credit_step", args=[application.pk]), {"action": "send_to_policy_check"})
    assert response.status_code == 400
    assert "You cannot send it to the policy check: the application is Draft." in text(response)


def test_the_investigation_page_shows_the_report_from_what_the_bank_knows(client, bank):
    application = enterprise_application(bank)
    services.credit_application_submit(application=application, by=bank.am_b)
    services.credit_investigation_start(application=application, by=bank.am_b)
    page = text(verified(client, bank.am_b).get(reverse("credit_investigation", args=[application.pk])))
    assert 'data-testid="item-flows_at_this_bank"' in page
    assert "Flows at this bank" in page
    assert "1,250,000.00" in page  # the factory's deposit, read from its holdings


def test_the_policy_check_page_lists_every_rule_with_its_figures(client, bank, in_approval):
    page = text(verified(client, bank.am_b).get(reverse("credit_policy_check", args=[in_approval.pk])))
    assert page.count("data-rule=") == 12
    assert "Loans to the customer: 0.00 outstanding + 800,000.00 applied = 800,000.00 yuan, 0.04% of net capital 2,000,000,000.00" in page


def test_the_approver_queue_holds_what_waits_in_scope_for_the_approvers_level(client, bank, in_approval):
    queue = text(verified(client, bank.approver).get(reverse("credit_approvals")))
    assert in_approval.reference in queue
    leader_queue = text(verified(client, bank.leader_a).get(reverse("credit_approvals")))
    assert in_approval.reference not in leader_queue


def test_an_approver_signs_from_the_page_after_the_second_factor(client, bank, in_approval):
    client.force_login(bank.approver)
    assert client.get(reverse("credit_application", args=[in_approval.pk])).status_code == 302
    verified(client, bank.approver)
    page = text(client.get(reverse("credit_application", args=[in_approval.pk])))
    assert 'data-testid="sign"' in page
    response = client.post(reverse("credit_decide", args=[in_approval.pk]), {"decision": "approve", "opinion": "同意"})
    assert response.url == reverse("credit_approvals")
    in_approval.refresh_from_db()
    assert in_approval.state == CreditState.APPROVED


def test_the_account_manager_cannot_sign_their_own(client, bank, in_approval):
    verified(client, bank.am_b)
    assert 'data-testid="sign"' not in text(client.get(reverse("credit_application", args=[in_approval.pk])))
    response = client.post(reverse("credit_decide", args=[in_approval.pk]), {"decision": "approve"})
    assert response.status_code == 400
    assert CreditTransition.objects.filter(application=in_approval, action="approve").count() == 0


def pdf_text(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        if "/BaseFont" in font.get_object()
        for font in [font.get_object()]
    }
    return "\n".join(page.extract_text() for page in reader.pages), fonts


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_credit_memo_prints_in_both_languages_with_every_glyph(client, bank, in_approval, language):
    services.credit_decide(application=in_approval, by=bank.approver, decision="approve", opinion="同意授信")
    response = verified(client, bank.am_b).get(reverse("credit_memo", args=[in_approval.pk]), {"lang": language})
    assert response["Content-Type"] == "application/pdf"
    extracted, fonts = pdf_text(response.content)
    flat = squeeze(extracted)
    with translation.override(language):
        words = [gettext(w) for w in ("Credit memo", "Loan-to-value", "Approval route", "Collateral", "Pre-loan investigation")]
    data = [bank.factory.name, "收购毛竹原料", "柳河工业园厂房", "800,000.00", in_approval.reference, bank.approver.display_name]
    for phrase in [*words, *data]:
        assert squeeze(phrase) in flat, phrase
    assert squeeze("同意授信") in flat
    # Every character was drawn from a real font: no .notdef boxes, and only the Noto CJK family.
    assert "\ufffd" not in extracted
    assert fonts and all(font.startswith("Noto-Sans-CJK-SC") for font in fonts), fonts


def test_the_memo_in_another_language_is_refused(client, bank, in_approval):
    assert verified(client, bank.am_b).get(reverse("credit_memo", args=[in_approval.pk]), {"lang": "fr"}).status_code == 404


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_an_investigation_photo_is_served_to_those_who_see_the_credit_only(client, bank):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = enterprise_application(bank)
    services.credit_application_submit(application=application, by=bank.am_b)
    services.credit_investigation_start(application=application, by=bank.am_b)
    attached = services.credit_investigation_attach(
        application=application, by=bank.am_b, file=SimpleUploadedFile("gate.png", PNG), kind="photo", caption="大门"
    )
    url = reverse("credit_investigation_file", args=[application.pk])
    response = verified(client, bank.am_b).get(url, {"file": attached.pk})
    assert b"".join(response.streaming_content) == PNG
    assert verified(client, bank.am_a).get(url, {"file": attached.pk}).status_code == 404
