"""Django validators over the domain's identifier checks, with messages in the user's language.

The domain core raises `IdentifierError` with a code; here each code becomes a translated
message that names the field's rule and what was found, so that a clerk can correct it.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rmdesk.domain.identifiers import (
    IdentifierError,
    IdentifierErrorCode,
    validate_bank_card_number,
    validate_resident_id,
    validate_unified_social_credit_code,
)

_MESSAGES = {
    IdentifierErrorCode.EMPTY: _("%(name)s is empty."),
    IdentifierErrorCode.LENGTH: _("%(name)s must have %(expected)s characters; %(found)s were given."),
    IdentifierErrorCode.CHARACTERS: _("%(name)s contains characters that are not allowed: %(found)s."),
    IdentifierErrorCode.CHECK_CHARACTER: _(
        "%(name)s has a wrong check character: it ends in %(found)s, but the check character for its "
        "first digits is %(expected)s."
    ),
    IdentifierErrorCode.BIRTH_DATE: _("%(name)s contains a birth date that does not exist or lies in the future: %(found)s."),
}

_NAMES = {
    "resident_id": _("The resident identity number"),
    "uscc": _("The unified social credit code"),
    "bank_card": _("The bank card number"),
}


def _django_error(error: IdentifierError, name_key: str) -> ValidationError:
    return ValidationError(
        _MESSAGES[error.code],
        code=str(error.code),
        params={"name": _NAMES[name_key], "expected": error.expected or "", "found": error.found or ""},
    )


def validate_resident_id_field(value: str) -> None:
    """Resident identity number by GB 11643 (check character and birth date)."""
    try:
        validate_resident_id(value)
    except IdentifierError as error:
        raise _django_error(error, "resident_id") from error


def validate_uscc_field(value: str) -> None:
    """Unified social credit code by GB 32100 (alphabet and check character)."""
    try:
        validate_unified_social_credit_code(value)
    except IdentifierError as error:
        raise _django_error(error, "uscc") from error


def validate_bank_card_field(value: str) -> None:
    """Bank card number by the Luhn check digit."""
    try:
        validate_bank_card_number(value)
    except IdentifierError as error:
        raise _django_error(error, "bank_card") from error


def validate_customer_identifier(id_kind: str, id_number: str) -> None:
    """The identifier of a customer, checked by the standard of its kind; errors name the field."""
    validator = validate_uscc_field if id_kind == "uscc" else validate_resident_id_field
    try:
        validator(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error}) from error
