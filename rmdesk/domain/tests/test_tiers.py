from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.tiers import DEFAULT_TIER_POLICY, TierPolicy, value_tier

aums = st.integers(min_value=0, max_value=10**12).map(lambda fen: Decimal(fen).scaleb(-2))


@pytest.mark.parametrize(
    ("aum", "tier"),
    [
        ("0", "mass"),
        ("49999.99", "mass"),
        ("50000", "affluent"),
        ("499999.99", "affluent"),
        ("500000.00", "wealth"),
        ("5999999.99", "wealth"),
        ("6000000", "private"),
        ("1000000000", "private"),
    ],
)
def test_default_tiers_start_at_50_thousand_500_thousand_and_6_million_yuan(aum, tier):
    assert value_tier(Decimal(aum)) == tier


def test_default_tiers_are_listed_highest_first():
    assert DEFAULT_TIER_POLICY.codes == ("private", "wealth", "affluent", "mass")


def test_aum_may_be_a_whole_number_of_yuan():
    assert value_tier(6_000_000) == "private"


def test_thresholds_are_bank_policy_data():
    two_tiers = TierPolicy(tiers=(("vip", Decimal("100000")), ("standard", Decimal("0"))))
    assert value_tier(Decimal("100000"), two_tiers) == "vip"
    assert value_tier(Decimal("99999.99"), two_tiers) == "standard"


def test_negative_aum_is_a_data_error():
    with pytest.raises(ValueError, match="negative"):
        value_tier(Decimal("-0.01"))


def test_a_float_aum_is_refused():
    with pytest.raises(TypeError):
        value_tier(1e6)


@pytest.mark.parametrize(
    "tiers",
    [
        (),
        (("a", Decimal("100")), ("b", Decimal("100")), ("c", Decimal("0"))),
        (("a", Decimal("100")), ("b", Decimal("200")), ("c", Decimal("0"))),
        (("a", Decimal("100")), ("b", Decimal("10"))),
        (("a", Decimal("100")), ("a", Decimal("0"))),
        (("a", 100.0), ("b", Decimal("0"))),
    ],
    ids=["empty", "equal minimums", "rising minimums", "no floor at 0", "repeated code", "float"],
)
def test_a_policy_whose_tiers_do_not_fall_strictly_to_a_floor_of_0_is_refused(tiers):
    with pytest.raises(ValueError):
        TierPolicy(tiers=tiers)


@st.composite
def tier_policies(draw) -> TierPolicy:
    minimums = draw(st.lists(st.integers(1, 10**9), unique=True, max_size=6))
    ordered = sorted(minimums, reverse=True) + [0]
    return TierPolicy(
        tiers=tuple((f"tier{i}", Decimal(m)) for i, m in enumerate(ordered))
    )


@given(aums, aums)
def test_more_aum_never_gives_a_lower_default_tier(a, b):
    low, high = sorted((a, b))
    codes = DEFAULT_TIER_POLICY.codes
    assert codes.index(value_tier(high)) <= codes.index(value_tier(low))


@given(tier_policies(), aums, aums)
def test_more_aum_never_gives_a_lower_tier_under_any_valid_policy(policy, a, b):
    low, high = sorted((a, b))
    assert policy.codes.index(value_tier(high, policy)) <= policy.codes.index(
        value_tier(low, policy)
    )


@given(tier_policies(), aums)
def test_the_tier_given_is_the_highest_whose_minimum_is_reached(policy, aum):
    tier = value_tier(aum, policy)
    minimums = dict(policy.tiers)
    assert aum >= minimums[tier]
    higher = policy.codes[: policy.codes.index(tier)]
    assert all(aum < minimums[code] for code in higher)
