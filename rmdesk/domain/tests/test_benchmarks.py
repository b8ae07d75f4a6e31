"""Benchmark positions and trends of ratios."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.benchmarks import BenchmarkPosition, Quartiles, benchmark_position
from rmdesk.domain.ratios import Trend, ratio_trend

D = Decimal
CURRENT_RATIO_PEERS = Quartiles(D("1.1"), D("1.5"), D("2.0"))  # higher is better
DEBT_TO_ASSETS_PEERS = Quartiles(D("45"), D("58"), D("70"))  # lower is better


def test_above_the_upper_quartile_is_better_than_most_when_higher_is_better():
    assert benchmark_position(D("2.4"), CURRENT_RATIO_PEERS, higher_is_better=True) is BenchmarkPosition.BETTER_THAN_MOST


def test_below_the_lower_quartile_is_worse_than_most_when_higher_is_better():
    assert benchmark_position(D("0.9"), CURRENT_RATIO_PEERS, higher_is_better=True) is BenchmarkPosition.WORSE_THAN_MOST


def test_on_or_between_the_quartiles_is_typical():
    for value in ("1.1", "1.5", "2.0"):
        assert benchmark_position(D(value), CURRENT_RATIO_PEERS, higher_is_better=True) is BenchmarkPosition.TYPICAL


def test_when_lower_is_better_the_quartiles_swap_roles():
    assert benchmark_position(D("40"), DEBT_TO_ASSETS_PEERS, higher_is_better=False) is BenchmarkPosition.BETTER_THAN_MOST
    assert benchmark_position(D("82"), DEBT_TO_ASSETS_PEERS, higher_is_better=False) is BenchmarkPosition.WORSE_THAN_MOST


def test_no_value_has_no_position():
    assert benchmark_position(None, CURRENT_RATIO_PEERS, higher_is_better=True) is None


def test_quartiles_out_of_order_are_refused():
    with pytest.raises(ValueError, match="lower <= median <= upper"):
        Quartiles(D(2), D(1), D(3))


@given(value=st.decimals(min_value=-1000, max_value=1000, places=2))
def test_the_position_flips_with_the_direction_outside_the_quartiles(value):
    """Law: what is better than most when higher is better is worse than most when lower is."""
    up = benchmark_position(value, CURRENT_RATIO_PEERS, higher_is_better=True)
    down = benchmark_position(value, CURRENT_RATIO_PEERS, higher_is_better=False)
    flipped = {BenchmarkPosition.BETTER_THAN_MOST: BenchmarkPosition.WORSE_THAN_MOST,
               BenchmarkPosition.WORSE_THAN_MOST: BenchmarkPosition.BETTER_THAN_MOST,
               BenchmarkPosition.TYPICAL: BenchmarkPosition.TYPICAL}
    assert down is flipped[up]


def test_a_ratio_that_rose_by_more_than_five_percent_improves_when_higher_is_better():
    # 1.50 -> 1.65 is +10% of 1.50
    assert ratio_trend([D("1.50"), D("1.40"), D("1.65")], higher_is_better=True) is Trend.IMPROVING
    assert ratio_trend([D("1.50"), D("1.65")], higher_is_better=False) is Trend.WORSENING


def test_a_move_under_five_percent_of_the_first_value_is_stable():
    # 60.00 -> 62.90 is +4.8%
    assert ratio_trend([D("60.00"), D("62.90")], higher_is_better=False) is Trend.STABLE


def test_missing_periods_are_skipped_and_one_value_has_no_trend():
    assert ratio_trend([D("10"), None, D("5")], higher_is_better=True) is Trend.WORSENING
    assert ratio_trend([None, D("5")], higher_is_better=True) is None


def test_from_zero_the_tolerance_is_five_hundredths_of_a_unit():
    assert ratio_trend([D("0"), D("0.04")], higher_is_better=True) is Trend.STABLE
    assert ratio_trend([D("0"), D("0.06")], higher_is_better=True) is Trend.IMPROVING
