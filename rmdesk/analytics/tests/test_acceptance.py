"""The acceptance model on synthetic offer histories and on a small sample of Bank Marketing.

Fast checks of behaviour, not of speed: the benchmark against a plain logistic regression on
the whole data, out of time, is benchmarks/bench_acceptance.py.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from rmdesk.analytics import metrics
from rmdesk.analytics.acceptance import POOLED, AcceptanceModel
from rmdesk.analytics.tests.test_models import shared_file


def offer_history(n: int = 2400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Offers of three products: the young take the credit card, the old the time deposit,
    and idle money helps both; the insurance product was offered too rarely to learn alone.
    Gaps in numbers and text, and a text column with a value nobody accepted."""
    rng = np.random.default_rng(seed)
    product = rng.choice(["card", "deposit", "insurance"], n, p=[0.47, 0.47, 0.06])
    age = rng.uniform(20, 75, n)
    idle = rng.lognormal(9, 1.0, n)
    channel = rng.choice(["branch", "phone", "visit"], n)
    logit = -1.2 + 0.4 * (np.log(idle) - 9)
    logit += np.select([product == "card", product == "deposit"], [-0.08 * (age - 45), 0.08 * (age - 45)], -1.0)
    logit += np.where(channel == "visit", 0.6, 0.0)
    accepted = rng.random(n) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame({"product": product, "age": age, "idle_balance": idle, "channel": channel})
    frame.loc[rng.random(n) < 0.05, "idle_balance"] = np.nan
    frame.loc[rng.random(n) < 0.05, "channel"] = None
    return frame, np.where(accepted, "yes", "no")


@pytest.fixture(scope="module")
def history():
    return offer_history()


@pytest.fixture(scope="module")
def by_product(history):
    frame, y = history
    return AcceptanceModel(product_column="product").fit(frame, y)


def test_fit_returns_the_model_and_learned_attributes_end_in_an_underscore(history):
    frame, y = offer_history(n=600)
    model = AcceptanceModel()
    assert model.fit(frame, y) is model
    assert list(model.classes_) == ["no", "yes"]
    assert model.n_features_in_ == 4
    assert model.product_models_ == {}
    assert not hasattr(AcceptanceModel(), "pooled_")


def test_clone_gives_an_unfitted_model_with_the_same_parameters(by_product):
    copy = clone(by_product)
    assert copy.get_params() == by_product.get_params()
    assert not hasattr(copy, "pooled_")


def test_each_product_with_enough_accepted_and_refused_offers_gets_its_own_scorecard(by_product, history):
    frame, y = history
    insurance = (frame["product"] == "insurance").to_numpy()
    assert min((y[insurance] == "yes").sum(), (y[insurance] == "no").sum()) < 100
    assert sorted(by_product.product_models_) == ["card", "deposit"]
    assert by_product.products_ == ["card", "deposit", "insurance"]
    assert by_product.model_of("insurance") is by_product.pooled_


def test_products_are_ranked_differently_for_the_young_and_the_old(by_product):
    customers = pd.DataFrame(
        {"product": ["card", "deposit", "card", "deposit"], "age": [25, 25, 70, 70],
         "idle_balance": [8000.0] * 4, "channel": ["branch"] * 4}
    )
    card_young, deposit_young, card_old, deposit_old = by_product.predict_proba(customers)[:, 1]
    assert card_young > deposit_young
    assert deposit_old > card_old


def test_segmented_scorecards_rank_offers_better_than_one_pooled_scorecard(by_product):
    frame, y = offer_history(seed=1)
    event = (y == "yes").astype(int)
    segmented = metrics.roc_auc(event, by_product.predict_proba(frame)[:, 1])
    pooled = metrics.roc_auc(event, by_product.pooled_.predict_proba(frame)[:, 1])
    assert segmented > pooled + 0.05


def test_gaps_unseen_text_and_a_product_never_offered_before_are_still_scored(by_product):
    rows = pd.DataFrame(
        {"product": ["loan", "card", "deposit"], "age": [40.0, np.nan, 60.0],
         "idle_balance": [np.nan, np.nan, 5000.0], "channel": ["wechat", None, "visit"]}
    )
    p = by_product.predict_proba(rows)
    assert p.shape == (3, 2)
    assert np.all((p > 0) & (p < 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert list(by_product.predict(rows)) == [by_product.classes_[int(v >= 0.5)] for v in p[:, 1]]


def test_reasons_name_the_factors_that_raise_the_odds_of_accepting(by_product):
    rows = pd.DataFrame(
        {"product": ["deposit", "insurance"], "age": [72.0, 40.0], "idle_balance": [90000.0, 9000.0],
         "channel": ["visit", "phone"]}
    )
    reasons = by_product.reasons(rows, n=2)
    assert list(reasons.columns) == ["reason_1", "reason_2", "scorecard"]
    assert list(reasons["scorecard"]) == ["deposit", POOLED]
    assert set(reasons.loc[0, ["reason_1", "reason_2"]]) <= {"age", "idle_balance", "channel"}
    assert reasons.loc[0, "reason_1"] is not None


def test_a_missing_or_empty_product_column_is_refused_with_its_name(history):
    frame, y = history
    with pytest.raises(ValueError, match="'offered'"):
        AcceptanceModel(product_column="offered").fit(frame, y)
    gappy = frame.copy()
    gappy.loc[3, "product"] = None
    with pytest.raises(ValueError, match=r"empty in rows \[3\]"):
        AcceptanceModel(product_column="product").fit(gappy, y)


def test_outcomes_must_match_the_rows(history):
    frame, y = history
    with pytest.raises(ValueError, match="2400 rows but y has 10"):
        AcceptanceModel().fit(frame, y[:10])


def test_on_a_sample_of_bank_marketing_it_ranks_callers_better_than_chance():
    frame = pd.read_csv(shared_file("bank_marketing_full.csv"), sep=";")
    frame = frame.sample(n=3000, random_state=0).drop(columns=["duration"])
    y = (frame.pop("y") == "yes").astype(int).to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(frame, y, test_size=0.3, stratify=y, random_state=0)
    model = AcceptanceModel().fit(X_train, y_train)
    assert metrics.roc_auc(y_test, model.predict_proba(X_test)[:, 1]) > 0.65
