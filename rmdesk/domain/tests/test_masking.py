"""Masking of C3 personal information (JR/T 0171-2020)."""

from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.masking import MASK, PersonalDataKind, mask


def test_resident_id_keeps_area_code_and_last_four():
    assert mask("33018119750312421X", PersonalDataKind.RESIDENT_ID) == "330181********421X"


def test_mobile_phone_keeps_first_three_and_last_four():
    assert mask("13857112345", PersonalDataKind.PHONE) == "138****2345"


def test_landline_keeps_last_four():
    assert mask("0571-63001234", PersonalDataKind.PHONE) == "*********1234"


def test_account_number_keeps_last_four():
    assert mask("6230 5800 0000 0001", PersonalDataKind.ACCOUNT_NUMBER) == "************0001"


def test_address_keeps_the_place_not_the_house():
    assert mask("浙江省临安县青石镇上林村12号", PersonalDataKind.ADDRESS) == "浙江省临安县" + MASK * 9


def test_amount_is_hidden_whole():
    assert mask("85000.00", PersonalDataKind.AMOUNT) == "****"


def test_empty_stays_empty():
    assert mask("", PersonalDataKind.PHONE) == ""
    assert mask(None, PersonalDataKind.PHONE) == ""


@given(st.text(alphabet="0123456789X", min_size=1, max_size=30), st.sampled_from(list(PersonalDataKind)))
def test_a_masked_value_never_shows_more_than_its_pattern_keeps(value, kind):
    masked = mask(value, kind)
    shown = sum(1 for ch in masked if ch != MASK)
    assert shown <= 10
    if kind != PersonalDataKind.AMOUNT:
        assert len(masked) == len(value.replace(" ", ""))
    assert masked != value or set(value) <= {MASK}
