from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.money import CENT, round_yuan, yuan


def test_a_cent_is_one_fen():
    assert CENT == Decimal("0.01")


def test_amounts_are_held_to_the_fen():
    assert yuan(12) == Decimal("12.00")
    assert str(yuan(12)) == "12.00"
    assert yuan("1234.5") == Decimal("1234.50")
    assert yuan(Decimal("0.1")) == Decimal("0.10")


def test_half_a_fen_rounds_up():
    assert yuan("1.005") == Decimal("1.01")
    assert yuan("1.0049") == Decimal("1.00")
    assert round_yuan(Decimal("2.675")) == Decimal("2.68")


def test_half_a_fen_rounds_away_from_zero_on_a_negative_amount():
    assert round_yuan(Decimal("-0.005")) == Decimal("-0.01")


def test_text_amounts_may_have_surrounding_spaces():
    assert yuan(" 88.8 ") == Decimal("88.80")


def test_a_float_is_never_money():
    with pytest.raises(TypeError, match="float"):
        yuan(0.1)


def test_a_bool_is_not_money():
    with pytest.raises(TypeError):
        yuan(True)


@pytest.mark.parametrize("text", ["", "abc", "1,000.00", "NaN", "Infinity", "-inf"])
def test_text_that_is_not_a_finite_number_is_refused(text):
    with pytest.raises(ValueError):
        yuan(text)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12))
def test_rounding_to_the_fen_moves_an_amount_by_at_most_half_a_fen(amount):
    rounded = round_yuan(amount)
    assert rounded.as_tuple().exponent == -2
    assert abs(rounded - amount) <= Decimal("0.005")


@given(st.integers(min_value=-10**14, max_value=10**14))
def test_an_amount_already_in_fen_is_unchanged(fen):
    amount = Decimal(fen).scaleb(-2)
    assert yuan(amount) == amount
    assert yuan(str(amount)) == amount
