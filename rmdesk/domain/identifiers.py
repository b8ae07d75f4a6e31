"""Identifiers with check characters: resident identity numbers, unified social credit codes,
bank card numbers.

Each ``validate_*`` function normalises what a person typed (full-width characters from a
Chinese input method become ASCII, whitespace is removed, letters are upper-cased) and returns
the normalised identifier, or raises ``IdentifierError`` whose ``code`` says what is wrong. The
shell translates by ``code``; ``message`` is plain English for logs and tests.
"""

import unicodedata
from datetime import date
from enum import StrEnum


class IdentifierKind(StrEnum):
    """Which identifier a value was checked as."""

    RESIDENT_ID = "resident_id"
    UNIFIED_SOCIAL_CREDIT_CODE = "unified_social_credit_code"
    BANK_CARD_NUMBER = "bank_card_number"


class IdentifierErrorCode(StrEnum):
    """What is wrong with an identifier, in the order the checks run."""

    EMPTY = "empty"
    CHARACTERS = "characters"
    LENGTH = "length"
    CHECK_CHARACTER = "check_character"
    BIRTH_DATE = "birth_date"


class IdentifierError(ValueError):
    """An identifier failed validation.

    ``kind`` is the identifier checked, ``code`` what is wrong, ``message`` a plain English
    sentence naming it; ``expected`` and ``found`` hold the expected and the offending value
    where there is one (the check character, the length, the character, the birth date).
    """

    def __init__(
        self,
        *,
        kind: IdentifierKind,
        code: IdentifierErrorCode,
        message: str,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message
        self.expected = expected
        self.found = found


_DIGITS = "0123456789"

# GB 11643-1999: weight of position i (1-based) is 2^(18-i) mod 11.
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# GB 32100-2015: the 31 code characters; a character's value is its index. I, O, Z, S and V
# are left out because they are easily mistaken for 1, 0, 2, 5 and U.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

_CARD_MIN_LENGTH = 12
_CARD_MAX_LENGTH = 19


def _normalise(value: str) -> str:
    # NFKC turns the full-width digits and letters of Chinese input methods into ASCII;
    # split/join drops every kind of whitespace, including the ideographic space U+3000.
    if not isinstance(value, str):
        raise TypeError(f"an identifier must be a str, not {type(value).__name__}")
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def _require_characters(
    value: str, allowed: str, kind: IdentifierKind, what: str
) -> None:
    for position, character in enumerate(value, start=1):
        if character not in allowed:
            raise IdentifierError(
                kind=kind,
                code=IdentifierErrorCode.CHARACTERS,
                message=f"character {character!r} at position {position} is not allowed: {what}",
                found=character,
            )


def _require_length(value: str, length: int, kind: IdentifierKind, name: str) -> None:
    if len(value) != length:
        raise IdentifierError(
            kind=kind,
            code=IdentifierErrorCode.LENGTH,
            message=f"{name} has {length} characters, found {len(value)}",
            expected=str(length),
            found=str(len(value)),
        )


def _require_check_character(
    found: str, expected: str, kind: IdentifierKind
) -> None:
    if found != expected:
        raise IdentifierError(
            kind=kind,
            code=IdentifierErrorCode.CHECK_CHARACTER,
            message=f"check character is {found}, expected {expected}",
            expected=expected,
            found=found,
        )


def _require_nonempty(value: str, kind: IdentifierKind, name: str) -> None:
    if not value:
        raise IdentifierError(
            kind=kind, code=IdentifierErrorCode.EMPTY, message=f"{name} is empty"
        )


def resident_id_check_character(first17: str) -> str:
    """Return the check character of a resident identity number from its first 17 digits.

    GB 11643-1999: the 17 digits are weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the check
    value is (12 - sum mod 11) mod 11, written ``X`` when it is 10. Raises ``IdentifierError``
    if ``first17`` is not exactly 17 ASCII digits.
    """
    kind = IdentifierKind.RESIDENT_ID
    _require_characters(first17, _DIGITS, kind, "the first 17 characters must be digits")
    _require_length(first17, 17, kind, "the body of a resident identity number")
    total = sum(int(d) * w for d, w in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def validate_resident_id(value: str, *, today: date | None = None) -> str:
    """Return the normalised resident identity number (居民身份号码), or raise ``IdentifierError``.

    GB 11643-1999: 18 characters; 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit
    sequence (odd for men, even for women), check character (a digit or ``X``; a lower-case
    ``x`` is accepted and upper-cased). The birth date must be a real date, not before
    1900-01-01 and not after ``today`` (default: the system date). The old 15-digit numbers
    are no longer valid identity documents and are refused on length. The region code is not
    checked against GB/T 2260 here (regions are merged and renamed; that is reference data).
    """
    kind = IdentifierKind.RESIDENT_ID
    number = _normalise(value)
    _require_nonempty(number, kind, "the resident identity number")
    _require_characters(number, _DIGITS + "X", kind, "only digits and a final X")
    _require_length(number, 18, kind, "a resident identity number")
    _require_characters(number[:17], _DIGITS, kind, "X may only be the check character")
    _require_check_character(number[17], resident_id_check_character(number[:17]), kind)
    _birth_date(number, today=today)
    return number


def _birth_date(number: str, *, today: date | None) -> date:
    digits = number[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        problem = "is not a real date"
    else:
        if born < _EARLIEST_BIRTH_DATE:
            problem = "is before 1900"
        elif born > (today or date.today()):
            problem = "is in the future"
        else:
            return born
    raise IdentifierError(
        kind=IdentifierKind.RESIDENT_ID,
        code=IdentifierErrorCode.BIRTH_DATE,
        message=f"birth date {digits} {problem}",
        found=digits,
    )


def birth_date_from_resident_id(value: str) -> date:
    """Return the birth date held in positions 7-14 (YYYYMMDD) of a resident identity number.

    GB 11643-1999. The number is validated first (``validate_resident_id``); an invalid number
    raises ``IdentifierError``.
    """
    return _birth_date(validate_resident_id(value), today=None)


def sex_from_resident_id(value: str) -> str:
    """Return ``"M"`` or ``"F"`` from a resident identity number: the 17th digit (the last of
    the sequence code) is odd for men and even for women.

    GB 11643-1999. The number is validated first; an invalid number raises ``IdentifierError``.
    """
    return "M" if int(validate_resident_id(value)[16]) % 2 else "F"


def unified_social_credit_code_check_character(first17: str) -> str:
    """Return the check character of a unified social credit code from its first 17 characters.

    GB 32100-2015: each character has the value of its index in
    ``0123456789ABCDEFGHJKLMNPQRTUWXY``; position i (1-based) is weighted 3^(i-1) mod 31; the
    check value is 31 - (sum mod 31), where 31 means 0, and the check character is the
    alphabet's character of that value. Raises ``IdentifierError`` if ``first17`` is not 17
    characters of that alphabet (upper case).
    """
    kind = IdentifierKind.UNIFIED_SOCIAL_CREDIT_CODE
    _require_characters(
        first17, _USCC_ALPHABET, kind, "codes use digits and A-Y without I, O, Z, S and V"
    )
    _require_length(first17, 17, kind, "the body of a unified social credit code")
    total = sum(
        _USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True)
    )
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_unified_social_credit_code(value: str) -> str:
    """Return the normalised unified social credit code (统一社会信用代码), or raise
    ``IdentifierError``.

    GB 32100-2015: 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (registration
    authority, organisation category, 6-digit region code, 9-character organisation code,
    check character). Spaces are removed and letters upper-cased. Only the code's own check
    character is verified; the embedded organisation code's check (GB 11714) is not.
    """
    kind = IdentifierKind.UNIFIED_SOCIAL_CREDIT_CODE
    code = _normalise(value)
    _require_nonempty(code, kind, "the unified social credit code")
    _require_characters(
        code, _USCC_ALPHABET, kind, "codes use digits and A-Y without I, O, Z, S and V"
    )
    _require_length(code, 18, kind, "a unified social credit code")
    _require_check_character(
        code[17], unified_social_credit_code_check_character(code[:17]), kind
    )
    return code


def luhn_check_digit(partial: str) -> str:
    """Return the Luhn check digit to append to ``partial``.

    ISO/IEC 7812-1 (Luhn, mod 10): from the rightmost digit of ``partial`` leftwards, every
    other digit starting with the rightmost is doubled (subtracting 9 when the result exceeds
    9); the check digit brings the sum to a multiple of 10. Raises ``IdentifierError`` if
    ``partial`` is empty or not all ASCII digits.
    """
    kind = IdentifierKind.BANK_CARD_NUMBER
    _require_nonempty(partial, kind, "the card number body")
    _require_characters(partial, _DIGITS, kind, "card numbers are digits")
    total = 0
    for offset, digit in enumerate(reversed(partial)):
        n = int(digit)
        if offset % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


def validate_bank_card_number(value: str) -> str:
    """Return the normalised bank card number (spaces removed), or raise ``IdentifierError``.

    12 to 19 digits (ISO/IEC 7812-1 allows up to 19; UnionPay cards issued in China are 16 to
    19) whose last digit is the Luhn check digit of the others.
    """
    kind = IdentifierKind.BANK_CARD_NUMBER
    number = _normalise(value)
    _require_nonempty(number, kind, "the bank card number")
    _require_characters(number, _DIGITS, kind, "card numbers are digits")
    if not _CARD_MIN_LENGTH <= len(number) <= _CARD_MAX_LENGTH:
        raise IdentifierError(
            kind=kind,
            code=IdentifierErrorCode.LENGTH,
            message=(
                f"a bank card number has {_CARD_MIN_LENGTH} to {_CARD_MAX_LENGTH} digits, "
                f"found {len(number)}"
            ),
            expected=f"{_CARD_MIN_LENGTH}-{_CARD_MAX_LENGTH}",
            found=str(len(number)),
        )
    _require_check_character(number[-1], luhn_check_digit(number[:-1]), kind)
    return number
