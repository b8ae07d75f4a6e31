"""Expert scorecard rating: points, score, grade boundaries, default, overrides, what lifts a grade."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.authority import MASTER_SCALE
from rmdesk.domain.rating import (
    RATED_GRADES,
    Answer,
    Factor,
    FactorSource,
    GradeBand,
    GradePD,
    MasterScale,
    RatingErrorCode,
    RatingPolicy,
    Scorecard,
    ScorecardError,
    ValueBin,
    factor_movements,
    factor_points,
    grade_for_score,
    grade_lift,
    notches,
    override_approval_problem,
    override_problems,
    rate,
    rating_due,
    rating_valid_until,
    scorecard_from_data,
)

D = Decimal
BANDS = tuple(GradeBand(g, D(s)) for g, s in zip(RATED_GRADES, (90, 80, 70, 60, 50, 40, 30, 20, 0), strict=True))
SCALE = MasterScale(
    tuple(
        GradePD(g, D(pd), D(lo), D(hi))
        for g, pd, lo, hi in (
            ("AAA", "0.0003", "0", "0.0005"), ("AA", "0.0007", "0.0005", "0.001"), ("A", "0.0017", "0.001", "0.0025"),
            ("BBB", "0.0045", "0.0025", "0.0075"), ("BB", "0.012", "0.0075", "0.02"), ("B", "0.032", "0.02", "0.05"),
            ("CCC", "0.08", "0.05", "0.12"), ("CC", "0.18", "0.12", "0.25"), ("C", "0.35", "0.25", "1"), ("D", "1", "1", "1"),
        )
    )
)


def _bins(*edges_and_points) -> tuple[ValueBin, ...]:
    """_bins(p0, e1, p1, e2, p2 ...): bins cut at the edges, with the points between."""
    points = edges_and_points[0::2]
    edges = [None, *(D(e) for e in edges_and_points[1::2]), None]
    return tuple(ValueBin(edges[i], edges[i + 1], p) for i, p in enumerate(points))


DEBT = Factor("debt_to_assets", "资产负债率", "Debt to assets", FactorSource.RATIO, D("0.4"), 20, True,
              bins=_bins(100, 40, 70, 60, 40, 80, 0), unit="percent")
MONTHS = Factor("months_with_bank", "在本行开户月数", "Months with the bank", FactorSource.MEASURE, D("0.2"), 0, False,
                bins=_bins(20, 12, 60, 36, 100), decimals=0)
MANAGEMENT = Factor("management", "经营者管理能力", "Management", FactorSource.QUESTION, D("0.4"), 60, False,
                    answers=(Answer("strong", "强", "Strong", 100), Answer("adequate", "一般", "Adequate", 60), Answer("weak", "弱", "Weak", 10)))
CARD = Scorecard("test", 1, "enterprise", "测试", "Test", (DEBT, MONTHS, MANAGEMENT), BANDS)


def test_a_number_falls_in_the_bin_from_its_lower_bound_up_to_below_its_upper():
    assert factor_points(DEBT, D("59.9999")).points == 70
    assert factor_points(DEBT, D("60")).points == 40
    assert factor_points(DEBT, D("39.99")).points == 100


def test_a_missing_value_takes_the_documented_missing_points():
    assert factor_points(DEBT, None).points == 20
    assert factor_points(DEBT, None).bin_index is None
    assert factor_points(MANAGEMENT, "").points == 60


def test_a_value_is_rounded_half_up_to_the_factors_decimals_before_binning():
    assert factor_points(MONTHS, D("11.5")).value == D("12")
    assert factor_points(MONTHS, D("11.5")).points == 60


def test_score_is_the_weighted_sum_of_points_worked_example():
    # debt 55% -> 70 x 0.4 = 28; 40 months -> 100 x 0.2 = 20; adequate -> 60 x 0.4 = 24; 72 -> A.
    result = rate(CARD, {"debt_to_assets": D("55"), "months_with_bank": D("40"), "management": "adequate"}, master_scale=SCALE)
    assert result.score == D("72.00")
    assert result.grade == "A"
    assert result.pd == D("0.0017")
    assert [f.weighted for f in result.factors] == [D("28.0"), D("20.0"), D("24.0")]


def test_a_score_exactly_on_a_bands_lowest_score_is_in_that_band():
    assert grade_for_score(BANDS, D("80.00")) == "AA"
    assert grade_for_score(BANDS, D("79.99")) == "A"
    assert grade_for_score(BANDS, D("0")) == "C"
    assert grade_for_score(BANDS, D("100")) == "AAA"


def test_more_than_90_days_past_due_is_d_whatever_the_score():
    values = {"debt_to_assets": D("10"), "months_with_bank": D("100"), "management": "strong"}
    assert rate(CARD, values, master_scale=SCALE, days_past_due=91).grade == "D"
    assert rate(CARD, values, master_scale=SCALE, days_past_due=91).pd == D("1")
    assert rate(CARD, values, master_scale=SCALE, days_past_due=90).grade == "AAA"


def test_the_default_line_is_policy():
    values = {"debt_to_assets": D("10")}
    assert rate(CARD, values, master_scale=SCALE, days_past_due=61, policy=RatingPolicy(default_days_past_due=60)).in_default


def test_a_value_for_a_factor_the_scorecard_does_not_have_is_refused():
    with pytest.raises(ScorecardError, match="no factor debt_ratio"):
        rate(CARD, {"debt_ratio": D("10")}, master_scale=SCALE)


def test_an_answer_not_on_the_list_is_refused():
    with pytest.raises(ScorecardError, match="not one of its answers"):
        factor_points(MANAGEMENT, "excellent")


def test_weights_must_add_up_to_one():
    with pytest.raises(ScorecardError, match="add up to 0.8"):
        Scorecard("bad", 1, "enterprise", "", "", (DEBT, MANAGEMENT), BANDS)


def test_bins_must_join_up_and_cover_every_value():
    with pytest.raises(ScorecardError, match="each bin ends where the next begins"):
        Factor("x", "x", "x", FactorSource.MEASURE, D("1"), 0, False,
               bins=(ValueBin(None, D(1), 10), ValueBin(D(2), None, 20)))
    with pytest.raises(ScorecardError, match="cover every value"):
        Factor("x", "x", "x", FactorSource.MEASURE, D("1"), 0, False, bins=(ValueBin(D(0), None, 10),))


def test_bands_must_be_the_master_scale_in_order_and_descending():
    swapped = (BANDS[1], BANDS[0], *BANDS[2:])
    with pytest.raises(ScorecardError, match="in that order"):
        Scorecard("bad", 1, "enterprise", "", "", CARD.factors, swapped)
    flat = tuple(GradeBand(b.grade, D(50) if b.grade in ("BBB", "BB") else b.min_score) for b in BANDS)
    with pytest.raises(ScorecardError, match="starts below"):
        Scorecard("bad", 1, "enterprise", "", "", CARD.factors, flat)


def test_the_master_scale_bands_join_up_and_rise():
    grades = list(SCALE.grades)
    grades[3] = GradePD("BBB", D("0.0045"), D("0.003"), D("0.0075"))
    with pytest.raises(ScorecardError, match="starts where that of A ends"):
        MasterScale(tuple(grades))


def test_a_scorecard_read_from_data_names_the_place_of_a_mistake():
    factor = {"code": "months_with_bank", "label_zh": "月", "label_en": "Months", "source": "measure", "weight": "1",
              "missing_points": 0, "bins": [{"upper": "12", "points": 20}, {"lower": "12", "points": "a lot"}]}
    with pytest.raises(ScorecardError, match=r"factor 1 months_with_bank, bin 2: points are a whole number"):
        scorecard_from_data(code="s", version=1, customer_kind="individual", label_zh="s", label_en="s",
                            factors=[factor], bands={b.grade: str(b.min_score) for b in BANDS})
    factor["bins"][1]["points"] = 100
    card = scorecard_from_data(code="s", version=1, customer_kind="individual", label_zh="s", label_en="s",
                               factors=[factor], bands={b.grade: str(b.min_score) for b in BANDS})
    assert card.factor("months_with_bank").unit == "months"


def test_bands_read_from_data_follow_the_master_scale_whatever_the_key_order():
    factor = {"code": "months_with_bank", "label_zh": "月", "label_en": "Months", "source": "measure", "weight": "1",
              "missing_points": 0, "bins": [{"points": 100}]}
    shuffled = {b.grade: str(b.min_score) for b in sorted(BANDS, key=lambda b: (len(b.grade), b.grade))}
    card = scorecard_from_data(code="s", version=1, customer_kind="x", label_zh="s", label_en="s", factors=[factor], bands=shuffled)
    assert card.bands == BANDS
    with pytest.raises(ScorecardError, match="no band for A\\+"):
        scorecard_from_data(code="s", version=1, customer_kind="x", label_zh="s", label_en="s", factors=[factor], bands={**shuffled, "A+": "75"})


def test_an_unknown_measure_is_refused_with_the_list_of_measures():
    factor = {"code": "wallet", "label_zh": "x", "label_en": "x", "source": "measure", "weight": "1", "missing_points": 0,
              "bins": [{"points": 1}]}
    with pytest.raises(ScorecardError, match="no such measure"):
        scorecard_from_data(code="s", version=1, customer_kind="x", label_zh="s", label_en="s", factors=[factor], bands={})


# --- what moved the rating ---------------------------------------------------------------------------


def test_movements_show_points_lost_against_the_best_and_the_change_since_last_time():
    result = rate(CARD, {"debt_to_assets": D("55"), "months_with_bank": D("40"), "management": "adequate"}, master_scale=SCALE)
    previous = {"debt_to_assets": D("40"), "months_with_bank": D("12"), "management": D("24")}
    moves = {m.code: m for m in factor_movements(result.factors, previous)}
    assert moves["debt_to_assets"].lost_vs_best == D("12.0")
    assert moves["debt_to_assets"].change_vs_previous == D("-12.0")
    assert moves["months_with_bank"].change_vs_previous == D("8.0")
    assert moves["management"].change_vs_previous == D("0")
    assert [m.code for m in factor_movements(result.factors, previous)] == ["debt_to_assets", "months_with_bank", "management"]


def test_without_a_previous_rating_the_factors_costing_most_come_first():
    result = rate(CARD, {"debt_to_assets": D("55"), "months_with_bank": D("40")}, master_scale=SCALE)
    moves = factor_movements(result.factors)
    assert [m.code for m in moves] == ["management", "debt_to_assets", "months_with_bank"]
    assert all(m.change_vs_previous is None for m in moves)


# --- overrides -------------------------------------------------------------------------------------


POLICY = RatingPolicy()


def test_notches_count_positive_towards_better_grades():
    assert notches("BB", "BBB") == 1
    assert notches("A", "BB") == -2


def test_an_override_needs_a_reason():
    assert override_problems(proposed_grade="BBB", requested_grade="A", reason="  ", in_default=False, policy=POLICY) == (
        RatingErrorCode.REASON_REQUIRED,
    )


def test_an_override_to_the_proposed_grade_is_no_override():
    assert RatingErrorCode.SAME_GRADE in override_problems(
        proposed_grade="BBB", requested_grade="BBB", reason="x", in_default=False, policy=POLICY
    )


def test_a_borrower_in_default_cannot_be_overridden_out_of_d():
    assert override_problems(proposed_grade="D", requested_grade="C", reason="will pay", in_default=True, policy=POLICY) == (
        RatingErrorCode.DEFAULT_IS_A_FACT,
    )


def test_an_override_beyond_every_approvers_notches_cannot_be_requested():
    assert override_problems(proposed_grade="BB", requested_grade="AAA", reason="x", in_default=False, policy=POLICY) == (
        RatingErrorCode.TOO_MANY_NOTCHES,
    )
    assert override_problems(proposed_grade="BB", requested_grade="A", reason="x", in_default=False, policy=POLICY) == ()


def test_nobody_approves_their_own_override():
    assert override_approval_problem(requested_by=7, decided_by=7, decider_role="team_leader", notches_moved=1, policy=POLICY) == (
        RatingErrorCode.OWN_OVERRIDE
    )


def test_only_a_role_the_policy_names_approves_an_override():
    assert override_approval_problem(requested_by=7, decided_by=8, decider_role="account_manager", notches_moved=1, policy=POLICY) == (
        RatingErrorCode.NOT_AN_APPROVER
    )
    assert override_approval_problem(requested_by=7, decided_by=8, decider_role="team_leader", notches_moved=-1, policy=POLICY) is None


def test_a_team_leader_approves_one_notch_and_a_credit_approver_up_to_three():
    assert override_approval_problem(requested_by=7, decided_by=8, decider_role="team_leader", notches_moved=2, policy=POLICY) == (
        RatingErrorCode.BEYOND_APPROVER_NOTCHES
    )
    assert override_approval_problem(requested_by=7, decided_by=8, decider_role="credit_approver", notches_moved=-3, policy=POLICY) is None


# --- what would move the customer up a grade -------------------------------------------------------


WALLET = Factor("share_of_wallet", "本行结算占比", "Share of wallet", FactorSource.MEASURE, D("0.2"), 0, True,
                bins=_bins(0, 20, 50, 50, 80, 80, 100), decimals=2)
PRODUCTS = Factor("products_held", "持有产品种类", "Products held", FactorSource.MEASURE, D("0.2"), 0, True,
                  bins=_bins(0, 2, 50, 4, 100), decimals=0)
LIFT_CARD = Scorecard("lift", 1, "enterprise", "", "", (DEBT, replace(MANAGEMENT, weight=D("0.2")), WALLET, PRODUCTS), BANDS)


def test_grade_lift_worked_example_one_factor_is_enough():
    # debt 55% (70 x .4 = 28), adequate (60 x .2 = 12), wallet 30% (50 x .2 = 10), 3 products (50 x .2 = 10): 60 -> BBB.
    values = {"debt_to_assets": D("55"), "management": "adequate", "share_of_wallet": D("30"), "products_held": D("3")}
    result = rate(LIFT_CARD, values, master_scale=SCALE)
    assert (result.score, result.grade) == (D("60.00"), "BBB")
    lifts = grade_lift(LIFT_CARD, result)
    # A needs 70: +10. One bin of wallet (+6) or products (+10) or debt (+12): products and debt are enough alone.
    # Debt from 55% to below 40% is a smaller relative change (27%) than products from 3 to 4 (33%).
    first = lifts[0]
    assert first.to_grade == "A"
    assert [(c.code, c.target, c.direction) for c in first.changes] == [("debt_to_assets", D("40"), "below")]
    assert first.score_after == D("72.00")
    assert [(c.code, c.target, c.direction) for c in lifts[1].changes] == [("products_held", D("4"), "at_least")]
    assert lifts[1].score_after == D("70.00")
    # Wallet alone is not enough at one bin (+6) but two bins (+10) are: a larger change, ranked after.
    assert [(c.code, c.target, c.steps) for c in lifts[2].changes] == [("share_of_wallet", D("80"), 2)]


def test_grade_lift_never_suggests_what_the_customer_cannot_act_on():
    values = {"debt_to_assets": D("55"), "management": "adequate", "share_of_wallet": D("30"), "products_held": D("3")}
    lifts = grade_lift(LIFT_CARD, rate(LIFT_CARD, values, master_scale=SCALE), limit=50)
    assert all(c.code != "management" for lift in lifts for c in lift.changes)


def test_no_grade_lift_in_default_or_at_the_top():
    values = {"debt_to_assets": D("10"), "management": "strong", "share_of_wallet": D("90"), "products_held": D("5")}
    assert grade_lift(LIFT_CARD, rate(LIFT_CARD, values, master_scale=SCALE)) == ()
    assert grade_lift(LIFT_CARD, rate(LIFT_CARD, {"debt_to_assets": D("55")}, master_scale=SCALE, days_past_due=120)) == ()


def test_a_missing_value_can_be_supplied_to_lift_a_grade():
    result = rate(LIFT_CARD, {"management": "adequate", "share_of_wallet": D("30"), "products_held": D("3")}, master_scale=SCALE)
    # Debt missing: 20 x .4 = 8; total 40 -> B; BB needs 50: a statement with debt below 60% (+20) is one step.
    lifts = grade_lift(LIFT_CARD, result, limit=10)
    debt = [lift.changes[0] for lift in lifts if len(lift.changes) == 1 and lift.changes[0].code == "debt_to_assets"]
    assert [(c.current, c.direction, c.target_index, c.steps) for c in debt] == [(None, "provide", 0, 1), (None, "provide", 1, 1)]


values_strategy = st.fixed_dictionaries(
    {
        "debt_to_assets": st.one_of(st.none(), st.decimals(min_value=0, max_value=150, places=2)),
        "management": st.one_of(st.none(), st.sampled_from(["strong", "adequate", "weak"])),
        "share_of_wallet": st.one_of(st.none(), st.decimals(min_value=0, max_value=120, places=2)),
        "products_held": st.one_of(st.none(), st.integers(min_value=0, max_value=8).map(D)),
    }
)


@given(values_strategy)
def test_every_suggested_lift_reaches_the_next_grade_and_none_of_its_changes_can_be_dropped(values):
    result = rate(LIFT_CARD, values, master_scale=SCALE)
    for lift in grade_lift(LIFT_CARD, result, limit=10):
        after = dict(values)
        for change in lift.changes:
            if change.direction == "provide":
                chosen = LIFT_CARD.factor(change.code).bins[change.target_index]
                after[change.code] = chosen.lower if chosen.lower is not None else chosen.upper - 1
            else:
                after[change.code] = change.target if change.direction != "below" else change.target - D("0.01")
        lifted = rate(LIFT_CARD, after, master_scale=SCALE)
        assert lifted.score_grade == lift.to_grade or RATED_GRADES.index(lifted.score_grade) < RATED_GRADES.index(result.score_grade)
        assert lifted.score >= LIFT_CARD.band(lift.to_grade).min_score
        for dropped in lift.changes:
            without = dict(after)
            without[dropped.code] = values[dropped.code]
            assert rate(LIFT_CARD, without, master_scale=SCALE).score < LIFT_CARD.band(lift.to_grade).min_score


@given(values_strategy)
def test_grade_lift_is_the_same_on_every_run(values):
    result = rate(LIFT_CARD, values, master_scale=SCALE)
    assert grade_lift(LIFT_CARD, result) == grade_lift(LIFT_CARD, result)


@given(values_strategy, st.decimals(min_value=0, max_value=150, places=2), st.decimals(min_value=0, max_value=150, places=2))
def test_a_lower_debt_ratio_never_lowers_the_score(values, a, b):
    low, high = min(a, b), max(a, b)
    assert rate(LIFT_CARD, {**values, "debt_to_assets": low}, master_scale=SCALE).score >= rate(
        LIFT_CARD, {**values, "debt_to_assets": high}, master_scale=SCALE
    ).score


@given(values_strategy)
def test_the_score_is_between_0_and_100_and_the_grade_follows_it(values):
    result = rate(LIFT_CARD, values, master_scale=SCALE)
    assert D(0) <= result.score <= D(100)
    assert result.grade in RATED_GRADES
    assert result.score >= LIFT_CARD.band(result.grade).min_score


@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_a_higher_score_never_gives_a_worse_grade(a, b):
    low, high = min(a, b), max(a, b)
    assert MASTER_SCALE.index(grade_for_score(BANDS, high)) <= MASTER_SCALE.index(grade_for_score(BANDS, low))


def test_a_worse_grade_never_has_a_lower_pd():
    pds = [SCALE.pd(g) for g in MASTER_SCALE]
    assert pds == sorted(pds)


# --- validity ---------------------------------------------------------------------------------------


def test_a_rating_is_valid_for_a_year_less_a_day():
    assert rating_valid_until(date(2026, 3, 15), POLICY) == date(2027, 3, 14)
    assert rating_valid_until(date(2024, 2, 29), POLICY) == date(2025, 2, 27)


def test_a_rating_lapsing_within_the_renewal_window_is_due():
    as_of = date(2026, 10, 31)
    assert rating_due(None, as_of, POLICY)
    assert rating_due(date(2026, 11, 30), as_of, POLICY)
    assert not rating_due(date(2026, 12, 1), as_of, POLICY)
