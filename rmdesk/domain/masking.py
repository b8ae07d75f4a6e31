"""Masking of personal financial information on screen, in exports and in the API.

The financial industry's Personal Financial Information Protection Technical Specification
(JR/T 0171-2020) puts identity numbers, phone numbers, account and card numbers, addresses and
income in its most sensitive class (C3) and asks that they be shown de-identified to those who
do not need them in full. The patterns follow the common practice of Chinese banks' screens and
statements: keep enough to recognise the record, hide the rest with `*`.
"""

from __future__ import annotations

from enum import StrEnum

MASK = "*"


class PersonalDataKind(StrEnum):
    """Kinds of C3 personal information the desk shows, each with its masking pattern."""

    RESIDENT_ID = "resident_id"
    PHONE = "phone"
    ACCOUNT_NUMBER = "account_number"
    ADDRESS = "address"
    AMOUNT = "amount"


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return MASK * len(value)
    return value[:head] + MASK * (len(value) - head - tail) + (value[-tail:] if tail else "")


def mask_resident_id(value: str) -> str:
    """First 6 (the area code) and last 4 characters kept: 330181********1234."""
    return _keep(value, 6, 4)


def mask_phone(value: str) -> str:
    """A mobile number keeps its first 3 and last 4 digits (138****5678); a landline its last 4."""
    digits = value.strip()
    if len(digits) == 11 and digits.isdigit() and digits.startswith("1"):
        return _keep(digits, 3, 4)
    return _keep(digits, 0, 4)


def mask_account_number(value: str) -> str:
    """Only the last 4 characters of an account or card number are kept: ************1234."""
    return _keep(value.replace(" ", ""), 0, 4)


def mask_address(value: str) -> str:
    """The first 6 characters (province, county or township) kept, the rest hidden."""
    return _keep(value, 6, 0)


def mask_amount(value: str) -> str:
    """An amount of income or wealth is hidden whole."""
    return MASK * 4 if value else value


_MASKERS = {
    PersonalDataKind.RESIDENT_ID: mask_resident_id,
    PersonalDataKind.PHONE: mask_phone,
    PersonalDataKind.ACCOUNT_NUMBER: mask_account_number,
    PersonalDataKind.ADDRESS: mask_address,
    PersonalDataKind.AMOUNT: mask_amount,
}


def mask(value: str | None, kind: PersonalDataKind | str) -> str:
    """`value` masked by the pattern of its kind; empty stays empty."""
    if not value:
        return value or ""
    return _MASKERS[PersonalDataKind(kind)](str(value))
