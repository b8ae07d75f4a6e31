"""The scorecard and the challenger on German credit and on synthetic frames with gaps and text."""

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from rmdesk.analytics import metrics
from rmdesk.analytics.challenger import ChallengerModel, monotone_direction
from rmdesk.analytics.scorecard import (
    ScorecardModel,
    auto_prebin_size,
    feature_kinds,
    iv_threshold,
    points_from_pd,
)

SHARED_DATA = Path(os.environ.get("RMDESK_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data"))


def shared_file(name: str) -> Path:
    """A file of the shared real data; skipped when absent, but failed in CI, which has it."""
    path = SHARED_DATA / name
    if not path.is_file():
        missing = f"{path} is missing (set RMDESK_SHARED_DATA to the folder of the shared real data)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run every test, but {missing}", pytrace=False)
        pytest.skip(missing)
    return path


@pytest.fixture(scope="module")
def german():
    frame = pd.read_csv(shared_file("german_credit.csv"))
    y = (frame.pop("creditability") == "bad").astype(int).to_numpy()
    return train_test_split(frame, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def german_scorecard(german):
    X_train, _, y_train, _ = german
    return ScorecardModel().fit(X_train, y_train)


def synthetic(n: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Income lowers risk, arrears raise it, age has a U shape; region and channel are text;
    there are gaps everywhere, an identifier column and a constant column."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10, 0.5, n)
    arrears = rng.poisson(1.0, n).astype(float)
    age = rng.uniform(20, 70, n)
    region = rng.choice(["north", "south", "east", "west"], n)
    logit = -1.0 - 1.2 * (np.log(income) - 10) + 0.7 * arrears + 0.002 * (age - 45) ** 2
    logit += np.select([region == "north", region == "south"], [0.8, -0.5], 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame(
        {
            "income": income,
            "arrears": arrears,
            "age": age,
            "region": region,
            "channel": rng.choice(["branch", "online", None], n),
            "customer_id": [f"C{i:06d}" for i in range(n)],
            "country": "CN",
        }
    )
    for name in ("income", "arrears", "region"):
        frame.loc[rng.random(n) < 0.1, name] = None
    return frame, y


def test_identifiers_constants_and_empty_columns_are_not_learned_from():
    frame, _ = synthetic(300)
    frame["nothing"] = np.nan
    kinds = feature_kinds(frame)
    assert kinds.numeric == ("income", "arrears", "age")
    assert kinds.categorical == ("region", "channel")
    assert set(kinds.ignored) == {"customer_id", "country", "nothing"}


def test_points_scale_puts_600_at_odds_of_50_to_1_and_doubles_the_odds_every_20_points():
    assert points_from_pd(1 / 51) == pytest.approx(600.0)
    assert points_from_pd(1 / 101) == pytest.approx(620.0)
    assert points_from_pd(1 / 51, base_points=500, base_odds=20, pdo=40) == pytest.approx(500 + 40 * math.log2(50 / 20))


@pytest.mark.parametrize(("events", "rows", "share"), [(240, 800, 0.05), (1000, 10_000, 0.03), (4000, 36_000, 0.02)])
def test_prebins_get_finer_only_where_the_history_has_enough_events(events, rows, share):
    target = np.zeros(rows, dtype=int)
    target[:events] = 1
    assert auto_prebin_size(target) == pytest.approx(share)


def test_the_iv_threshold_is_siddiqis_002_unless_the_history_makes_a_smaller_iv_significant():
    small = np.array([1] * 240 + [0] * 560)
    large = np.array([1] * 5000 + [0] * 20_000)
    assert iv_threshold(small, 0.02) == pytest.approx(0.02)
    # 3.841 / (25000 * 0.2 * 0.8): the IV of a chi-square of 3.841 with one degree of freedom.
    assert iv_threshold(large, 0.02) == pytest.approx(3.841 / 4000)


def test_scorecard_on_german_credit_discriminates_and_its_points_fall_as_pd_rises(german, german_scorecard):
    _, X_test, _, y_test = german
    model = german_scorecard
    pd_hat = model.predict_proba(X_test)[:, 1]
    assert metrics.roc_auc(y_test, pd_hat) > 0.74
    points = model.points(X_test)
    order = np.argsort(pd_hat)
    assert np.all(np.diff(points[order]) <= 1e-9)
    assert points == pytest.approx(points_from_pd(pd_hat))
    assert "status_of_existing_checking_account" in model.features_


def test_bin_tables_give_each_bin_its_points_and_they_add_up_to_the_score(german, german_scorecard):
    X_test = german[1]
    model = german_scorecard
    tables = model.bin_tables()
    assert set(tables) == set(model.features_)
    duration = tables["duration_in_month"]
    assert {"Bin", "Count", "Event rate", "WoE", "IV", "Points"} <= set(duration.columns)
    # Longer loans are riskier: the bins of duration lose points as they go up.
    bins = duration[(duration.index != "Totals") & ~duration["Bin"].isin(["Special", "Missing"])]
    assert bins["Points"].is_monotonic_decreasing
    applicant = X_test.iloc[[0]]
    by_factor = model.points_by_factor(applicant).iloc[0]
    per_bin = {name: set(np.round(table["Points"].dropna(), 6)) for name, table in tables.items()}
    assert all(round(by_factor[name], 6) in per_bin[name] for name in model.features_)
    assert by_factor.sum() == pytest.approx(model.points(applicant)[0])


def test_reason_codes_name_the_factors_that_cost_the_most_points(german, german_scorecard):
    X_test = german[1]
    model = german_scorecard
    reasons = model.reason_codes(X_test, n=3)
    assert list(reasons.columns) == ["reason_1", "reason_2", "reason_3"]
    lost = model.best_points_ - model.points_by_factor(X_test)
    for row, (_, codes) in zip(lost.itertuples(index=False), reasons.iterrows(), strict=True):
        lost_row = pd.Series(row, index=lost.columns).sort_values(ascending=False, kind="stable")
        costly = [name for name in lost_row.index[:3] if lost_row[name] > 1e-9]
        assert list(codes.dropna()) == costly


def test_scorecard_report_holds_metrics_calibration_and_bin_tables(german, german_scorecard):
    _, X_test, _, y_test = german
    model = german_scorecard
    report = model.report(X_test, y_test)
    assert report["gini"] == pytest.approx(2 * report["auc"] - 1)
    assert len(report["calibration"]) == 10
    assert sum(row["count"] for row in report["calibration"]) == len(y_test)
    assert set(report["bin_tables"]) == set(model.features_)
    assert json.loads(json.dumps(report))["C"] == model.C_


def test_scorecard_handles_gaps_text_and_unseen_categories():
    frame, y = synthetic()
    model = ScorecardModel().fit(frame.iloc[:1000], y[:1000])
    assert set(model.kinds_.ignored) == {"customer_id", "country"}
    test = frame.iloc[1000:].copy()
    test.loc[test.index[:5], "region"] = "mars"
    pd_hat = model.predict_proba(test)[:, 1]
    assert np.isfinite(pd_hat).all()
    assert metrics.roc_auc(y[1000:], pd_hat) > 0.7


def test_models_follow_the_scikit_learn_estimator_contract():
    frame, y = synthetic(600)
    for model in (ScorecardModel(cv=3), ChallengerModel(n_models=2)):
        copy = clone(model)
        assert copy.get_params() == model.get_params()
        assert copy.fit(frame, y) is copy
        expected = (copy.predict_proba(frame.head())[:, 1] >= 0.5).astype(int)
        assert copy.predict(frame.head()).tolist() == expected.tolist()
        assert not hasattr(model, "classes_")


def test_monotone_direction_follows_the_trend_of_the_event_rate():
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, 5000)
    rising = (rng.random(5000) < 1 / (1 + np.exp(-x))).astype(int)
    u_shape = (rng.random(5000) < 1 / (1 + np.exp(2 - x**2))).astype(int)
    noise = rng.integers(0, 2, 5000)
    assert monotone_direction(x, rising) == 1
    assert monotone_direction(-x, rising) == -1
    assert monotone_direction(x, u_shape) == 0
    assert monotone_direction(x, noise) == 0


def test_challenger_constrains_monotone_factors_and_keeps_predictions_monotone_in_them():
    frame, y = synthetic()
    model = ChallengerModel().fit(frame.iloc[:1000], y[:1000])
    assert model.monotone_constraints_["income"] == -1
    assert model.monotone_constraints_["arrears"] == 1
    assert model.monotone_constraints_["age"] == 0
    assert metrics.roc_auc(y[1000:], model.predict_proba(frame.iloc[1000:])[:, 1]) > 0.7
    grid = pd.concat([frame.iloc[[3]]] * 50, ignore_index=True)
    grid["income"] = np.linspace(5_000, 100_000, 50)
    assert np.all(np.diff(model.predict_proba(grid)[:, 1]) <= 1e-12)


def test_challenger_on_german_credit(german):
    X_train, X_test, y_train, y_test = german
    model = ChallengerModel().fit(X_train, y_train)
    assert metrics.roc_auc(y_test, model.predict_proba(X_test)[:, 1]) > 0.74
    assert model.feature_importances_.index[0] in X_train.columns


def test_drift_report_flags_a_shifted_factor_and_score():
    frame, y = synthetic()
    model = ScorecardModel(cv=3).fit(frame, y)
    same = metrics.drift_report(model, frame, frame)
    assert same["score"] == {"psi": pytest.approx(0.0), "status": "stable"}
    assert all(factor["status"] == "stable" for factor in same["factors"].values())
    shifted = frame.copy()
    shifted["arrears"] = shifted["arrears"] + 3
    report = metrics.drift_report(model, frame, shifted)
    assert report["factors"]["arrears"]["status"] == "shift"
    assert report["factors"]["income"]["status"] == "stable"
    assert report["score"]["psi"] >= metrics.PSI_MONITOR
