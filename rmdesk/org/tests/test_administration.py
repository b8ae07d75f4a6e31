"""The administrator manages people and units without seeing customers; nobody else gets in."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from rmdesk.org.models import RoleCode, User


def verified_admin(client, bank):
    device = TOTPDevice.objects.create(user=bank.admin, name="phone", confirmed=True)
    client.force_login(bank.admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_a_verified_administrator_lists_and_creates_users(client, bank):
    verified_admin(client, bank)
    listing = client.get(reverse("desk_admin:org_user_changelist"))
    assert listing.status_code == 200
    assert "am_a" in listing.content.decode()
    created = client.post(
        reverse("desk_admin:org_user_add"),
        {
            "username": "am_new", "display_name": "新员工", "employee_number": "E9001", "role": RoleCode.ACCOUNT_MANAGER,
            "org_unit": bank.outlet_a.pk, "password1": "county-bank-2026-x", "password2": "county-bank-2026-x",
            "usable_password": "true",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    assert User.objects.get(username="am_new").org_unit == bank.outlet_a


def test_the_administration_site_shows_no_customer(client, bank):
    verified_admin(client, bank)
    html = client.get(reverse("desk_admin:index")).content.decode()
    assert "customer" not in html.lower()
    assert bank.farmer.name not in html


def test_an_account_manager_cannot_enter_the_administration_site(client, bank):
    client.force_login(bank.am_a)
    response = client.get(reverse("desk_admin:org_user_changelist"))
    assert response.status_code == 302
    assert "login" in response.url


def test_an_administrator_without_the_second_factor_cannot_enter(client, bank):
    client.force_login(bank.admin)
    assert client.get(reverse("desk_admin:index")).url.startswith(reverse("otp_setup"))


def test_a_user_holding_customers_cannot_be_deactivated(client, bank):
    verified_admin(client, bank)
    url = reverse("desk_admin:org_user_change", args=[bank.am_a.pk])
    form = client.get(url).context["adminform"].form
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields) if field.value() is not None}
    data.update({"is_active": "", "last_login_0": "", "date_joined_0": ""})
    response = client.post(url, {k: v for k, v in data.items() if k not in ("last_login", "date_joined")})
    assert response.status_code == 200
    assert "请先移交管户" in response.content.decode()
    assert User.objects.get(pk=bank.am_a.pk).is_active


def test_deactivation_service_refuses_a_non_empty_book_and_accepts_an_empty_one(bank):
    import pytest
    from django.core.exceptions import ValidationError

    from rmdesk.org.services import UserErrorCode, user_deactivate

    with pytest.raises(ValidationError) as error:
        user_deactivate(user=bank.am_a)
    assert error.value.code == UserErrorCode.BOOK_NOT_EMPTY
    colleague = User.objects.create_user(username="idle", password="x-long-pass-123", role_id=RoleCode.ACCOUNT_MANAGER, org_unit=bank.outlet_a)
    assert not user_deactivate(user=colleague).is_active
