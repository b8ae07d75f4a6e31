"""Writes to the organisation: people, their preferences and second factor, org units."""

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rmdesk.org.models import OrgUnit, User


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


class UserErrorCode(StrEnum):
    """Why a change to a person's account was refused."""

    BOOK_NOT_EMPTY = "book_not_empty"


def user_check_can_deactivate(*, user: User) -> None:
    """Refuse to deactivate a person who still holds customers: their book must be handed over first.

    Otherwise customers would be left with a primary manager nobody can act as.
    """
    from rmdesk.customers.models import BookAssignment

    held = BookAssignment.objects.current().filter(manager=user).count()
    if held:
        raise ValidationError(
            _("%(user)s still holds %(count)s customers. Hand the book over before deactivating the account.")
            % {"user": user, "count": held},
            code=UserErrorCode.BOOK_NOT_EMPTY,
        )


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Deactivate a person's account once their book is empty; the account and its history stay."""
    user_check_can_deactivate(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def org_unit_save(*, unit: OrgUnit) -> OrgUnit:
    """Create or rename an org unit; its materialised path follows its code and parent."""
    unit.path = OrgUnit.path_for(unit.code, unit.parent)
    unit.full_clean()
    unit.save()
    return unit
