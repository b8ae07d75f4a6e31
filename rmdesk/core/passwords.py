"""The bank's password rule on top of Django's validators (length 10, not common, not numeric)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """A password must mix letters and digits (bank policy default)."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_("The password must contain both letters and digits."), code="password_letters_and_digits")

    def get_help_text(self) -> str:
        return _("Your password must contain both letters and digits.")
