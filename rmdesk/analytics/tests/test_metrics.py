"""The metric functions agree with scikit-learn and scipy, and with worked examples by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score, roc_curve

from rmdesk.analytics import metrics


def test_auc_of_the_textbook_example_is_three_quarters():
    # scikit-learn's own documentation example: 3 of the 4 event/non-event pairs are ordered right.
    y, score = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    assert metrics.roc_auc(y, score) == pytest.approx(0.75)
    assert metrics.gini(y, score) == pytest.approx(0.5)


def test_auc_counts_ties_as_one_half_like_scikit_learn():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 500)
    score = rng.integers(0, 10, 500) + y  # few distinct values: many ties
    assert metrics.roc_auc(y, score) == pytest.approx(roc_auc_score(y, score))


def test_ks_is_the_largest_gap_between_true_and_false_positive_rates():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 1000)
    score = rng.normal(size=1000) + 0.8 * y
    fpr, tpr, _ = roc_curve(y, score)
    assert metrics.ks_statistic(y, score) == pytest.approx(np.max(tpr - fpr))
    assert metrics.ks_statistic(y, score) == pytest.approx(ks_2samp(score[y == 1], score[y == 0]).statistic)


def test_ks_of_a_perfect_score_is_one_and_of_a_constant_score_is_zero():
    assert metrics.ks_statistic([0, 0, 1, 1], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert metrics.ks_statistic([0, 0, 1, 1], [5, 5, 5, 5]) == pytest.approx(0.0)


def test_gini_is_twice_the_auc_less_one():
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 300)
    score = rng.random(300) + 0.3 * y
    assert metrics.gini(y, score) == pytest.approx(2 * roc_auc_score(y, score) - 1)


def test_metrics_need_both_outcomes():
    with pytest.raises(ValueError, match="both 0 and 1"):
        metrics.roc_auc([1, 1, 1], [0.1, 0.2, 0.3])


def test_calibration_by_grade_tests_each_grade_against_its_mean_pd():
    # Grade A: 10 borrowers, PD 10% each, 3 defaults. P(at least 3 | n=10, p=0.1) by hand:
    # 1 - 0.9^10 - 10 * 0.1 * 0.9^9 - 45 * 0.01 * 0.9^8.
    expected_p = 1 - 0.9**10 - 10 * 0.1 * 0.9**9 - 45 * 0.01 * 0.9**8
    y = [1, 1, 1] + [0] * 7 + [0] * 19 + [1]
    pd_hat = [0.1] * 10 + [0.05] * 20
    table = metrics.calibration_table(y, pd_hat, grades=["A"] * 10 + ["B"] * 20)
    a = table.set_index("grade").loc["A"]
    assert (a["count"], a["events"]) == (10, 3)
    assert a["observed_rate"] == pytest.approx(0.3)
    assert a["mean_pd"] == pytest.approx(0.1)
    assert a["binomial_p_value"] == pytest.approx(expected_p)
    assert table.set_index("grade").loc["B", "observed_rate"] == pytest.approx(0.05)


def test_calibration_without_grades_uses_equal_groups_of_predicted_pd():
    rng = np.random.default_rng(5)
    pd_hat = rng.random(1000)
    y = (rng.random(1000) < pd_hat).astype(int)
    table = metrics.calibration_table(y, pd_hat, n_groups=10)
    assert list(table["grade"]) == list(range(1, 11))
    assert set(table["count"]) == {100}
    assert table["mean_pd"].is_monotonic_increasing


def test_psi_of_a_worked_example():
    # Shares 50/50 become 70/30: 0.2 ln(0.7/0.5) + (-0.2) ln(0.3/0.5).
    result = metrics.population_stability(["a"] * 50 + ["b"] * 50, ["a"] * 70 + ["b"] * 30)
    assert result.psi == pytest.approx(0.2 * math.log(1.4) - 0.2 * math.log(0.6))
    assert result.status == "monitor"


def test_psi_of_identical_samples_is_zero():
    sample = np.random.default_rng(1).normal(size=5000)
    result = metrics.population_stability(sample, sample.copy())
    assert result.psi == pytest.approx(0.0)
    assert result.status == "stable"


def test_psi_of_a_shifted_sample_passes_the_shift_threshold():
    rng = np.random.default_rng(2)
    result = metrics.population_stability(rng.normal(size=5000), rng.normal(loc=1.0, size=5000))
    assert result.psi >= metrics.PSI_SHIFT
    assert result.status == "shift"


def test_psi_counts_missing_values_and_new_values_in_bins_of_their_own():
    reference = pd.Series([1.0, 2.0, 3.0, 4.0] * 250)
    current = pd.Series([1.0, 2.0, np.nan, 99.0] * 250)
    table = metrics.population_stability(reference, current).table.set_index("bin")
    assert table.loc[metrics.MISSING_BIN, "expected"] == 0
    assert table.loc[metrics.MISSING_BIN, "actual"] == pytest.approx(0.25)


@pytest.mark.parametrize(("value", "status"), [(0.0, "stable"), (0.099, "stable"), (0.1, "monitor"), (0.25, "shift")])
def test_psi_thresholds_are_the_industry_convention(value, status):
    assert metrics.psi_status(value) == status
