"""Writes to the organisation: people and their preferences."""

from django.db import transaction

from rmdesk.org.models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Record the interface language `user` chose; it follows them to every device."""
    user.language = language
    user.save(update_fields=["language"])
    return user


def second_factor_enrolment(*, user: User):
    """The person's authenticator waiting to be confirmed, created on first need.

    One unconfirmed device per person: reloading the page shows the same enrolment code rather
    than piling up devices.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=f"{user.username} authenticator", confirmed=False)
    return device


@transaction.atomic
def second_factor_confirm(*, device, token: str) -> bool:
    """Confirm an enrolled authenticator with a code it produced; a wrong code changes nothing."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
