from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.identifiers import (
    IdentifierError,
    IdentifierErrorCode,
    IdentifierKind,
    birth_date_from_resident_id,
    luhn_check_digit,
    resident_id_check_character,
    sex_from_resident_id,
    unified_social_credit_code_check_character,
    validate_bank_card_number,
    validate_resident_id,
    validate_unified_social_credit_code,
)

TODAY = date(2025, 6, 30)
PUBLISHED_RESIDENT_ID = "11010519491231002X"  # the example printed in GB 11643-1999
PUBLISHED_USCC = "91350100M000100Y43"  # a widely published valid example
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


def resident_id(region: str, born: date, sequence: str) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    return first17 + resident_id_check_character(first17)


def refusal(validate, value, **kwargs) -> IdentifierError:
    with pytest.raises(IdentifierError) as caught:
        validate(value, **kwargs)
    return caught.value


@st.composite
def valid_resident_ids(draw) -> str:
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    sequence = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    return resident_id(region, draw(birth_dates), sequence)


# --- resident identity number, GB 11643-1999 -------------------------------------------------


def test_published_resident_id_example_is_valid():
    assert validate_resident_id(PUBLISHED_RESIDENT_ID, today=TODAY) == PUBLISHED_RESIDENT_ID
    assert resident_id_check_character(PUBLISHED_RESIDENT_ID[:17]) == "X"


def test_computed_resident_id_is_valid():
    number = resident_id("330782", date(1988, 2, 29), "123")
    assert validate_resident_id(number, today=TODAY) == number


def test_resident_id_with_lower_case_x_is_accepted_and_upper_cased():
    assert validate_resident_id("11010519491231002x", today=TODAY) == PUBLISHED_RESIDENT_ID


def test_resident_id_typed_with_spaces_or_full_width_digits_is_normalised():
    assert validate_resident_id(" 110105 19491231 002X ", today=TODAY) == PUBLISHED_RESIDENT_ID
    assert validate_resident_id("１１０１０５１９４９１２３１００２ｘ", today=TODAY) == PUBLISHED_RESIDENT_ID


def test_resident_id_with_wrong_check_character_is_refused():
    error = refusal(validate_resident_id, "110105194912310021", today=TODAY)
    assert error.code is IdentifierErrorCode.CHECK_CHARACTER
    assert error.kind is IdentifierKind.RESIDENT_ID
    assert (error.expected, error.found) == ("X", "1")
    assert error.message == "check character is 1, expected X"
    assert str(error) == error.message


@pytest.mark.parametrize(
    "value", ["11010519491231002", "11010519491231002X0", "110105491231002"]
)
def test_resident_id_of_wrong_length_is_refused(value):
    error = refusal(validate_resident_id, value, today=TODAY)
    assert error.code is IdentifierErrorCode.LENGTH
    assert (error.expected, error.found) == ("18", str(len(value)))


@pytest.mark.parametrize(
    ("value", "bad"),
    [("1101051949123100A2", "A"), ("1101X5194912310021", "X"), ("11010519491231002-", "-")],
)
def test_resident_id_with_a_character_other_than_digits_and_final_x_is_refused(value, bad):
    error = refusal(validate_resident_id, value, today=TODAY)
    assert error.code is IdentifierErrorCode.CHARACTERS
    assert error.found == bad


@pytest.mark.parametrize("value", ["", "   ", "\u3000"])
def test_empty_resident_id_is_refused(value):
    assert refusal(validate_resident_id, value).code is IdentifierErrorCode.EMPTY


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "20230229"])
def test_resident_id_whose_birth_date_is_not_a_real_date_is_refused(birth):
    first17 = f"110105{birth}002"
    number = first17 + resident_id_check_character(first17)
    error = refusal(validate_resident_id, number, today=TODAY)
    assert error.code is IdentifierErrorCode.BIRTH_DATE
    assert error.found == birth
    assert "not a real date" in error.message


def test_resident_id_born_after_today_is_refused():
    number = resident_id("110105", date(2025, 7, 1), "002")
    error = refusal(validate_resident_id, number, today=TODAY)
    assert error.code is IdentifierErrorCode.BIRTH_DATE
    assert "future" in error.message


def test_resident_id_born_today_is_valid():
    number = resident_id("110105", TODAY, "002")
    assert validate_resident_id(number, today=TODAY) == number


def test_resident_id_born_before_1900_is_refused():
    number = resident_id("110105", date(1899, 12, 31), "002")
    error = refusal(validate_resident_id, number, today=TODAY)
    assert error.code is IdentifierErrorCode.BIRTH_DATE
    assert "before 1900" in error.message


def test_birth_date_is_read_from_positions_7_to_14():
    assert birth_date_from_resident_id(PUBLISHED_RESIDENT_ID) == date(1949, 12, 31)


def test_odd_17th_digit_is_male_and_even_is_female():
    assert sex_from_resident_id(PUBLISHED_RESIDENT_ID) == "F"
    assert sex_from_resident_id(resident_id("110105", date(1980, 1, 1), "137")) == "M"


def test_birth_date_and_sex_of_an_invalid_number_are_refused():
    with pytest.raises(IdentifierError):
        birth_date_from_resident_id("110105194912310021")
    with pytest.raises(IdentifierError):
        sex_from_resident_id("110105194912310021")


def test_check_character_needs_exactly_17_digits():
    assert refusal(resident_id_check_character, "1101051949123100").code is (
        IdentifierErrorCode.LENGTH
    )
    assert refusal(resident_id_check_character, "1101051949123100X").code is (
        IdentifierErrorCode.CHARACTERS
    )


def test_a_non_string_identifier_is_a_programming_error():
    with pytest.raises(TypeError):
        validate_resident_id(110105194912310021)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_resident_id_check_character_satisfies_iso_7064_mod_11_2(first17):
    # GB 11643 states the check as ISO 7064 MOD 11-2: with the check character worth 10 for X,
    # the sum of a_i x 2^(18-i) mod 11 over all 18 positions is 1.
    check = resident_id_check_character(first17)
    values = [int(d) for d in first17] + [10 if check == "X" else int(check)]
    assert sum(a * pow(2, 18 - i, 11) for i, a in enumerate(values, start=1)) % 11 == 1


@given(valid_resident_ids())
def test_any_resident_id_with_computed_check_character_and_real_birth_date_validates(number):
    assert validate_resident_id(number, today=TODAY) == number
    assert sex_from_resident_id(number) in {"M", "F"}


@given(valid_resident_ids(), st.integers(min_value=0, max_value=17), st.data())
def test_changing_any_single_character_of_a_valid_resident_id_makes_it_invalid(
    number, position, data
):
    allowed = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from(allowed.replace(number[position], "")))
    altered = number[:position] + replacement + number[position + 1 :]
    assert refusal(validate_resident_id, altered, today=TODAY).code is (
        IdentifierErrorCode.CHECK_CHARACTER
    )


# --- unified social credit code, GB 32100-2015 ----------------------------------------------


def test_published_unified_social_credit_code_example_is_valid():
    assert validate_unified_social_credit_code(PUBLISHED_USCC) == PUBLISHED_USCC
    assert unified_social_credit_code_check_character(PUBLISHED_USCC[:17]) == "3"


def test_unified_social_credit_code_is_upper_cased_and_spaces_removed():
    assert validate_unified_social_credit_code(" 91350100m000100y43 ") == PUBLISHED_USCC
    assert validate_unified_social_credit_code("9135 0100 M000 100Y 43") == PUBLISHED_USCC


def test_unified_social_credit_code_with_wrong_check_character_is_refused():
    error = refusal(validate_unified_social_credit_code, "91350100M000100Y44")
    assert error.code is IdentifierErrorCode.CHECK_CHARACTER
    assert error.kind is IdentifierKind.UNIFIED_SOCIAL_CREDIT_CODE
    assert (error.expected, error.found) == ("3", "4")


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_unified_social_credit_code_with_a_letter_outside_the_alphabet_is_refused(letter):
    error = refusal(validate_unified_social_credit_code, f"91350100M000100{letter}43")
    assert error.code is IdentifierErrorCode.CHARACTERS
    assert error.found == letter


@pytest.mark.parametrize("value", ["91350100M000100Y4", "91350100M000100Y433"])
def test_unified_social_credit_code_of_wrong_length_is_refused(value):
    error = refusal(validate_unified_social_credit_code, value)
    assert error.code is IdentifierErrorCode.LENGTH
    assert error.expected == "18"


def test_empty_unified_social_credit_code_is_refused():
    assert refusal(validate_unified_social_credit_code, " ").code is IdentifierErrorCode.EMPTY


def test_unified_social_credit_code_check_value_31_is_written_0():
    # Y (30) x 1 + M (21) x 3 = 93 = 3 x 31, so the check value is 31 - 0 = 31, written 0.
    assert unified_social_credit_code_check_character("YM" + "0" * 15) == "0"
    assert unified_social_credit_code_check_character("0" * 17) == "0"


usccs = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).map(
    lambda first17: first17 + unified_social_credit_code_check_character(first17)
)


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_unified_social_credit_code_weighted_sum_with_check_value_is_a_multiple_of_31(first17):
    code = first17 + unified_social_credit_code_check_character(first17)
    values = [USCC_ALPHABET.index(c) for c in code]
    weights = [pow(3, i, 31) for i in range(17)] + [1]
    assert sum(v * w for v, w in zip(values, weights, strict=True)) % 31 == 0


@given(usccs)
def test_any_17_code_characters_with_computed_check_character_validate(code):
    assert validate_unified_social_credit_code(code) == code


@given(usccs, st.integers(min_value=0, max_value=17), st.data())
def test_changing_any_single_character_of_a_valid_uscc_to_another_code_character_invalidates_it(
    code, position, data
):
    replacement = data.draw(st.sampled_from(USCC_ALPHABET.replace(code[position], "")))
    altered = code[:position] + replacement + code[position + 1 :]
    assert refusal(validate_unified_social_credit_code, altered).code is (
        IdentifierErrorCode.CHECK_CHARACTER
    )


# --- bank card numbers, Luhn ----------------------------------------------------------------


def test_luhn_check_digit_of_the_textbook_example_is_3():
    assert luhn_check_digit("7992739871") == "3"


def test_published_luhn_valid_card_number_is_accepted():
    assert validate_bank_card_number("4111111111111111") == "4111111111111111"


def test_computed_19_digit_unionpay_format_card_number_is_accepted():
    partial = "621226120201158434"
    number = partial + luhn_check_digit(partial)
    assert validate_bank_card_number(number) == number


def test_bank_card_number_typed_in_groups_of_four_is_accepted():
    assert validate_bank_card_number("4111 1111 1111 1111") == "4111111111111111"


def test_bank_card_number_with_wrong_check_digit_is_refused():
    error = refusal(validate_bank_card_number, "4111111111111112")
    assert error.code is IdentifierErrorCode.CHECK_CHARACTER
    assert error.kind is IdentifierKind.BANK_CARD_NUMBER
    assert (error.expected, error.found) == ("1", "2")
    assert error.message == "check character is 2, expected 1"


@pytest.mark.parametrize("value", ["41111111116", "41111111111111111114"])
def test_bank_card_number_outside_12_to_19_digits_is_refused(value):
    error = refusal(validate_bank_card_number, value)
    assert error.code is IdentifierErrorCode.LENGTH
    assert error.expected == "12-19"


@pytest.mark.parametrize("value", ["4111-1111-1111-1111", "411111111111111A"])
def test_bank_card_number_with_a_non_digit_is_refused(value):
    assert refusal(validate_bank_card_number, value).code is IdentifierErrorCode.CHARACTERS


def test_empty_bank_card_number_is_refused():
    assert refusal(validate_bank_card_number, "").code is IdentifierErrorCode.EMPTY


def test_luhn_check_digit_needs_digits():
    assert refusal(luhn_check_digit, "").code is IdentifierErrorCode.EMPTY
    assert refusal(luhn_check_digit, "12a").code is IdentifierErrorCode.CHARACTERS


card_numbers = st.text(alphabet="0123456789", min_size=11, max_size=18).map(
    lambda partial: partial + luhn_check_digit(partial)
)


@given(card_numbers)
def test_luhn_sum_of_a_number_with_its_check_digit_is_a_multiple_of_10(number):
    # Luhn restated: from the right, every second digit is doubled and its digits summed.
    total = sum(
        sum(divmod(int(d) * (2 if i % 2 else 1), 10)) for i, d in enumerate(reversed(number))
    )
    assert total % 10 == 0


@given(card_numbers)
def test_any_12_to_19_digits_ending_in_their_luhn_digit_validate(number):
    assert validate_bank_card_number(number) == number


@given(card_numbers, st.data())
def test_changing_any_single_digit_of_a_valid_card_number_makes_it_invalid(number, data):
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
    replacement = data.draw(st.sampled_from("0123456789".replace(number[position], "")))
    altered = number[:position] + replacement + number[position + 1 :]
    assert refusal(validate_bank_card_number, altered).code is IdentifierErrorCode.CHECK_CHARACTER


def test_identifier_error_is_a_value_error():
    assert issubclass(IdentifierError, ValueError)
