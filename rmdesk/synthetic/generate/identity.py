"""Who people and firms are: Chinese names, identity numbers, credit codes, card numbers, phones.

Every identifier carries a correct check character computed column-wise by the same rules as
``rmdesk.domain.identifiers`` (GB 11643, GB 32100 with a GB 11714 organisation code, Luhn);
the tests validate each one with the domain functions.
"""

from __future__ import annotations

import numpy as np

from rmdesk.synthetic.generate.common import ascii_strings, choose, digits, ymd
from rmdesk.synthetic.names import (
    COUNTY_AREA_CODE,
    FEMALE_GIVEN_CLASSIC_FIRST,
    FEMALE_GIVEN_CLASSIC_SECOND,
    FEMALE_GIVEN_MODERN_FIRST,
    FEMALE_GIVEN_MODERN_SECOND,
    FEMALE_GIVEN_SINGLE,
    MALE_GIVEN_CLASSIC_FIRST,
    MALE_GIVEN_CLASSIC_SECOND,
    MALE_GIVEN_MODERN_FIRST,
    MALE_GIVEN_MODERN_SECOND,
    MALE_GIVEN_SINGLE,
    SURNAMES,
)

_RESIDENT_ID_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_CODE_WEIGHTS = np.array((3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_AREA_DIGITS = np.array([int(c) for c in COUNTY_AREA_CODE], dtype=np.int64)
_ASCII_ZERO = ord("0")
# Codes of the market regulator's register begin with MA (GB 11714 organisation codes issued
# since 2015); the six characters after them number the firm.
_ORG_CODE_HEAD = "MA"
_ORG_SERIAL_CHARS = 6
_ORG_SERIAL_SPACE = 31**_ORG_SERIAL_CHARS
# Sequence codes 001-999: men odd, women even; each block holds 249 people of one sex and day.
_SEQUENCE_BLOCK = 249
_MODERN_NAMES_FROM = 1985
_SINGLE_CHARACTER_SHARE = 0.28
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "177", "180", "181", "182", "185", "186", "187", "188", "189", "198", "199",
)


def person_names(rng: np.random.Generator, male: np.ndarray, birth_year: np.ndarray, surnames: np.ndarray | None = None) -> np.ndarray:
    """Chinese full names: a surname by its frequency and a given name of the person's generation.

    People born before 1985 draw given names from the classic characters and younger people
    from the modern ones; about a quarter have a one-character given name. ``surnames``, if
    given, are used instead of drawn ones (a child takes the father's).
    """
    n = len(male)
    drawn = np.array([s for s, _ in SURNAMES])[choose(rng, [w for _, w in SURNAMES], n)]
    surnames = drawn if surnames is None else np.asarray(surnames).astype(str)
    modern = np.asarray(birth_year) >= _MODERN_NAMES_FROM
    first = np.empty(n, dtype="<U1")
    second = np.empty(n, dtype="<U1")
    lists = (
        (True, False, MALE_GIVEN_CLASSIC_FIRST, MALE_GIVEN_CLASSIC_SECOND),
        (True, True, MALE_GIVEN_MODERN_FIRST, MALE_GIVEN_MODERN_SECOND),
        (False, False, FEMALE_GIVEN_CLASSIC_FIRST, FEMALE_GIVEN_CLASSIC_SECOND),
        (False, True, FEMALE_GIVEN_MODERN_FIRST, FEMALE_GIVEN_MODERN_SECOND),
    )
    for is_male, is_modern, firsts, seconds in lists:
        mask = (male == is_male) & (modern == is_modern)
        first[mask] = np.array(firsts)[rng.integers(0, len(firsts), mask.sum())]
        second[mask] = np.array(seconds)[rng.integers(0, len(seconds), mask.sum())]
    single = rng.random(n) < _SINGLE_CHARACTER_SHARE
    for is_male, singles in ((True, MALE_GIVEN_SINGLE), (False, FEMALE_GIVEN_SINGLE)):
        mask = single & (male == is_male)
        first[mask] = np.array(singles)[rng.integers(0, len(singles), mask.sum())]
    second[single] = ""
    return np.char.add(np.char.add(surnames, first), second)


def surname_of(names: np.ndarray) -> np.ndarray:
    """The surname of each full name: two characters for a compound surname (欧阳), else one."""
    names = np.asarray(names).astype(str)
    two = np.char.str_len(names) > 2
    compound = np.isin(names.astype("<U2"), [s for s, _ in SURNAMES if len(s) == 2]) & two
    return np.where(compound, names.astype("<U2"), names.astype("<U1"))


def sequence_ranks(birth_days: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Rank of each person among those of the same birth date and sex (0, 1, 2 ...).

    Two people born on the same day in the same county differ by their sequence code, so the
    rank makes every identity number unique.
    """
    key = np.asarray(birth_days, dtype=np.int64) * 2 + np.asarray(male, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    positions = np.arange(len(key))
    starts = np.r_[True, sorted_key[1:] != sorted_key[:-1]] if len(key) else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(starts, positions, 0))
    ranks = np.empty(len(key), dtype=np.int64)
    ranks[order] = positions - group_start
    return ranks


def resident_ids(birth_days: np.ndarray, male: np.ndarray, ranks: np.ndarray, block: int) -> np.ndarray:
    """GB 11643 resident identity numbers of people of the county.

    Area code of the county, birth date, a 3-digit sequence that is odd for men and even for
    women, and the check character ``(12 - sum mod 11) mod 11`` over the weights 7 9 10 5 8 4
    2 1 6 3 7 9 10 5 8 4 2, written X for 10. The sequence comes from the person's rank among
    those of the same birth date and sex (``sequence_ranks``), turned by the birth date so that
    it does not always start at 001; ``block`` 0 and 1 use disjoint halves of the sequence
    codes, so two sets of people ranked separately never share a number.
    """
    ranks = np.asarray(ranks, dtype=np.int64)
    if len(ranks) and ranks.max() >= _SEQUENCE_BLOCK:
        raise ValueError(f"more than {_SEQUENCE_BLOCK} people of one sex born on one day: the sequence code overflows")
    birth_days = np.asarray(birth_days, dtype=np.int64)
    half = block * _SEQUENCE_BLOCK + (ranks + birth_days * 7919 % _SEQUENCE_BLOCK) % _SEQUENCE_BLOCK
    sequence = 2 * half + np.where(male, 1, 2)
    year, month, day = ymd(birth_days)
    body = np.hstack(
        [np.broadcast_to(_AREA_DIGITS, (len(sequence), 6)), digits(year, 4), digits(month, 2), digits(day, 2), digits(sequence, 3)]
    )
    check = (12 - (body @ _RESIDENT_ID_WEIGHTS) % 11) % 11
    check_code = np.where(check == 10, ord("X"), check + _ASCII_ZERO)
    return ascii_strings(np.hstack([body + _ASCII_ZERO, check_code[:, None]]))


def credit_codes(individual_business: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """GB 32100 unified social credit codes of the county's firms, unique by ``serial``.

    ``91`` (market regulator, enterprise) or ``92`` (market regulator, sole proprietor), the
    county's area code, a GB 11714 organisation code (``MA``, six characters numbering the firm
    in a scrambled order, and its mod-11 check character) and the mod-31 check character.
    """
    serial = np.asarray(serial, dtype=np.int64)
    if len(serial) and serial.max() >= _ORG_SERIAL_SPACE:
        raise ValueError("too many firms for six organisation-code characters")
    # An affine map with a multiplier prime to 31 is a bijection of the serial space: unique
    # codes that do not count up visibly.
    scrambled = (serial * 29_791_013 + 7_777_777) % _ORG_SERIAL_SPACE
    powers = 31 ** np.arange(_ORG_SERIAL_CHARS - 1, -1, -1, dtype=np.int64)
    serial_index = (scrambled[:, None] // powers) % 31
    alphabet = np.frombuffer(_USCC_ALPHABET.encode(), dtype=np.uint8).astype(np.int64)
    head_index = np.array([_USCC_ALPHABET.index(c) for c in _ORG_CODE_HEAD], dtype=np.int64)
    body_index = np.hstack([np.broadcast_to(head_index, (len(serial), 2)), serial_index])
    # GB 11714 values: digits are themselves, letters A=10 ... Z=35.
    letter_value = np.where(alphabet >= ord("A"), alphabet - 55, alphabet - _ASCII_ZERO)
    org_check = 11 - (letter_value[body_index] @ _ORG_CODE_WEIGHTS) % 11
    org_check_index = np.where(org_check == 10, _USCC_ALPHABET.index("X"), np.where(org_check == 11, 0, org_check))
    category = np.where(individual_business, 2, 1)[:, None]
    first17 = np.hstack(
        [np.full((len(serial), 1), 9), category, np.broadcast_to(_AREA_DIGITS, (len(serial), 6)), body_index, org_check_index[:, None]]
    )
    check_index = (31 - (first17 @ _USCC_WEIGHTS) % 31) % 31
    return ascii_strings(alphabet[np.hstack([first17, check_index[:, None]])])


def luhn_numbers(prefix: str, serial: np.ndarray, length: int) -> np.ndarray:
    """Card numbers of ``length`` digits: ``prefix``, a scrambled ``serial``, a Luhn check digit.

    The serial is scrambled by an affine map with a multiplier prime to 10, a bijection of the
    serial space, so numbers are unique and do not count up visibly.
    """
    body_width = length - len(prefix) - 1
    space = 10**body_width
    serial = np.asarray(serial, dtype=np.int64)
    if len(serial) and serial.max() >= space:
        raise ValueError(f"too many cards for {body_width} digits")
    scrambled = (serial * 7_340_033 + 1_234_567) % space
    partial = np.hstack([np.broadcast_to(np.array([int(c) for c in prefix]), (len(serial), len(prefix))), digits(scrambled, body_width)])
    # Luhn: from the rightmost digit of the partial number leftwards, every other digit
    # (starting with the rightmost) is doubled, less 9 when that exceeds 9.
    doubled = (np.arange(partial.shape[1])[::-1] % 2) == 0
    values = np.where(doubled, np.where(partial > 4, partial * 2 - 9, partial * 2), partial)
    check = (10 - values.sum(axis=1) % 10) % 10
    return ascii_strings(np.hstack([partial, check[:, None]]) + _ASCII_ZERO)


def numbered(prefix: str, serial: np.ndarray, width: int) -> np.ndarray:
    """Plain reference numbers: ``prefix`` and ``serial`` zero-padded to ``width`` digits."""
    codes = np.hstack(
        [np.broadcast_to(np.frombuffer(prefix.encode(), dtype=np.uint8), (len(serial), len(prefix))), digits(serial, width) + _ASCII_ZERO]
    )
    return ascii_strings(codes)


def mobile_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mainland mobile numbers: a carrier prefix and eight digits."""
    prefixes = np.array([[int(c) for c in p] for p in MOBILE_PREFIXES])[rng.integers(0, len(MOBILE_PREFIXES), n)]
    return ascii_strings(np.hstack([prefixes, rng.integers(0, 10, (n, 8))]) + _ASCII_ZERO)
