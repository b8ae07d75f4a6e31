"""Sign-in hardening: lockout, password policy, idle expiry, second factor, CSRF, headers."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rmdesk.core.testing import TEST_PASSWORD


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_user_name_even_against_the_right_one(client, bank, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "am_a", "wrong-password-1").status_code == 200
    assert sign_in(client, "am_a", "wrong-password-1").status_code == 429
    locked = sign_in(client, "am_a", TEST_PASSWORD)
    assert locked.status_code == 429
    assert b'data-testid="locked-out"' in locked.content
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_user_name_not_per_outlet(client, bank, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "am_a", "wrong-password-1")
    colleague = sign_in(Client(), "am_a2", TEST_PASSWORD)
    assert colleague.status_code == 302


def test_a_right_password_before_the_limit_signs_in_and_clears_the_count(client, bank, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "am_a", "wrong-password-1")
    assert sign_in(client, "am_a", TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password, reason",
    [("short1", "password_too_short"), ("onlylettershere", "password_letters_and_digits"), ("1234567890123", "password_entirely_numeric")],
)
def test_the_password_policy_refuses_weak_passwords(bank, password, reason):
    with pytest.raises(ValidationError) as error:
        validate_password(password, bank.am_a)
    assert reason in {e.code for e in error.value.error_list}


def test_a_strong_password_passes_the_policy(bank):
    validate_password("county-bank-2026-desk", bank.am_a)


def test_each_request_pushes_the_idle_expiry_forward(client, bank, settings):
    client.force_login(bank.am_a)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get(reverse("book")).status_code == 200
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_session_has_ended(client, bank):
    client.force_login(bank.am_a)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("book"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_approver_must_enrol_a_second_factor_before_anything_else(client, bank):
    client.force_login(bank.approver)
    response = client.get(reverse("book"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))
    assert client.get(reverse("customer_detail", args=[bank.farmer.pk])).url.startswith(reverse("otp_setup"))


@pytest.fixture
def no_otp_throttle(settings):
    """django-otp slows retries after a wrong code (its own, tested feature); these tests try a
    wrong code and then the right one at once, so they switch the pause off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_enrolment_is_confirmed_by_a_code_from_the_app(client, bank, no_otp_throttle):
    client.force_login(bank.approver)
    assert client.get(reverse("otp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=bank.approver)
    wrong = client.post(reverse("otp_setup"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    right = client.post(reverse("otp_setup"), {"token": f"{totp(device.bin_key):06d}", "next": reverse("book")})
    assert right.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("book")).status_code == 200


def test_an_enrolled_approver_confirms_a_code_at_each_sign_in(client, bank, no_otp_throttle):
    device = TOTPDevice.objects.create(user=bank.approver, name="phone", confirmed=True)
    client.force_login(bank.approver)
    assert client.get(reverse("book")).url.startswith(reverse("otp_verify"))
    assert client.post(reverse("otp_verify"), {"token": "12345"}).status_code == 400
    assert client.get(reverse("book")).status_code == 302
    assert client.post(reverse("otp_verify"), {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get(reverse("book")).status_code == 200


def test_an_administrator_needs_the_second_factor_too(client, bank):
    client.force_login(bank.admin)
    assert client.get(reverse("book")).url.startswith(reverse("otp_setup"))


def test_an_account_manager_signs_in_with_the_password_alone(client, bank):
    client.force_login(bank.am_a)
    assert client.get(reverse("book")).status_code == 200


def test_a_post_without_the_csrf_token_is_refused(bank):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bank.am_a)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 403
    assert client.post(reverse("customer_new"), {"kind": "individual"}).status_code == 403


def test_htmx_requests_carry_the_csrf_token_in_a_header(client, bank):
    client.force_login(bank.am_a)
    html = client.get(reverse("book")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_pages_carry_the_security_headers(client, bank):
    client.force_login(bank.am_a)
    response = client.get(reverse("book"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
