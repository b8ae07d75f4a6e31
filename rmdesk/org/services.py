"""Writes to the organisation: people and their preferences."""

from django.db import transaction

from rmdesk.org.models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Record the interface language `user` chose; it follows them to every device."""
    user.language = language
    user.save(update_fields=["language"])
    return user
