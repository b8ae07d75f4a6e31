"""The challenger: gradient-boosted trees (LightGBM) with monotone constraints found in the data.

A challenger model is run beside the champion scorecard to show what a less constrained model
would gain (the champion-challenger practice of model risk management, e.g. the US supervisors'
SR 11-7 "Guidance on model risk management", 2011, on benchmarking). To keep it explainable, each
numeric factor whose event rate rises or falls steadily across its range is constrained to act
in that direction only; a factor with a U shape or no clear trend is left free.

Boosting stops early on held-out data: the training rows are cut into `n_models` stratified
folds, one booster is grown on each fold's complement until its held-out log loss stops
improving, and the boosters' log-odds are averaged (cross-fitted bagging), so every training row
is used and no fixed number of trees has to be guessed for data of unknown size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.stats import chi2
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from rmdesk.analytics.scorecard import as_frame, binary_target, conform, learnable_kinds


def _log_likelihood(events: np.ndarray, counts: np.ndarray, rates: np.ndarray) -> float:
    rates = np.clip(rates, 1e-12, 1 - 1e-12)
    return float(np.sum(events * np.log(rates) + (counts - events) * np.log(1 - rates)))


def monotone_direction(x, y, bins: int = 10, min_share: float = 0.9, p_value: float = 0.01) -> int:
    """+1 if the event rate rises with `x`, -1 if it falls, 0 if neither holds clearly.

    The non-missing values are cut into up to `bins` quantile bins (each distinct value is a bin
    when there are fewer). The best increasing and decreasing step functions through the bins'
    event rates are found by isotonic regression (weighted by bin counts). A direction is
    returned only if its fit keeps at least `min_share` of the log-likelihood gain that free
    bin-by-bin rates have over one overall rate, and that gain is significant at `p_value` by a
    likelihood-ratio test with one degree of freedom.
    """
    values = pd.to_numeric(pd.Series(np.asarray(x)), errors="coerce")
    target = pd.Series(np.asarray(y, dtype=float), index=values.index)[values.notna()]
    values = values.dropna()
    if values.nunique() < 2 or target.nunique() < 2:
        return 0
    if values.nunique() <= bins:
        groups = values
    else:
        groups = pd.qcut(values.rank(method="first"), bins, labels=False)
        # Ties must share a bin, so each value goes to the bin where its first occurrence fell.
        groups = groups.groupby(values).transform("min")
    stats = target.groupby(groups).agg(["sum", "count"]).sort_index()
    events, counts = stats["sum"].to_numpy(), stats["count"].to_numpy()
    if len(counts) < 2:
        return 0
    rates = events / counts
    base = _log_likelihood(events, counts, np.full(len(counts), events.sum() / counts.sum()))
    free_gain = _log_likelihood(events, counts, rates) - base
    if free_gain <= 0:
        return 0
    order = np.arange(len(counts))
    gains = {}
    for direction in (1, -1):
        fitted = IsotonicRegression(increasing=direction == 1).fit_transform(order, rates, sample_weight=counts)
        gains[direction] = _log_likelihood(events, counts, fitted) - base
    direction = max(gains, key=gains.get)
    if gains[direction] < min_share * free_gain or 2 * gains[direction] < chi2.isf(p_value, 1):
        return 0
    return direction


class ChallengerModel(ClassifierMixin, BaseEstimator):
    """LightGBM with monotone constraints found in the data, and early-stopped cross-fitted bagging.

    Parameters (scikit-learn's estimator contract; learned attributes end in `_`):

    - n_models: folds of the training data, one early-stopped booster each, averaged.
    - max_estimators, early_stopping_rounds: the most trees a booster may grow, and how many
      rounds without a better held-out log loss stop it.
    - learning_rate, num_leaves, min_child_samples, subsample, colsample_bytree, reg_lambda,
      cat_smooth: LightGBM's tree settings, chosen for tabular credit data of a few hundred to
      millions of rows (small leaves and shrinkage, row and column sampling).
    - monotone: derive constraints per numeric factor with `monotone_direction` (False: none).
    - random_state, n_jobs: seeds of the folds and boosters; how many boosters grow at once
      (joblib's convention: -1 = one per processor), each on one thread.

    Text columns are categories (LightGBM's own categorical splits); missing values are left to
    LightGBM, which learns on which side of each split they go.
    """

    def __init__(
        self,
        *,
        n_models: int = 5,
        max_estimators: int = 5000,
        early_stopping_rounds: int = 100,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 20,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        cat_smooth: float = 10.0,
        monotone: bool = True,
        random_state: int | None = 0,
        n_jobs: int | None = -1,
    ):
        self.n_models = n_models
        self.max_estimators = max_estimators
        self.early_stopping_rounds = early_stopping_rounds
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.cat_smooth = cat_smooth
        self.monotone = monotone
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _prepare(self, X) -> pd.DataFrame:
        data = conform(as_frame(X), self.kinds_)
        for name in self.kinds_.categorical:
            data[name] = data[name].astype(self.category_types_[name])
        # LightGBM refuses column names with JSON punctuation, which a bank's exports may have.
        data.columns = [f"f{index}" for index in range(data.shape[1])]
        return data

    def fit(self, X, y):
        """Find the monotone constraints, then grow one early-stopped booster per fold; returns self."""
        import lightgbm

        frame = as_frame(X)
        self.classes_, target = binary_target(y)
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = len(frame.columns)
        self.kinds_ = learnable_kinds(frame)
        raw = conform(frame, self.kinds_)
        self.category_types_ = {
            name: pd.CategoricalDtype(sorted(raw[name].dropna().unique())) for name in self.kinds_.categorical
        }
        data = self._prepare(frame)
        self.features_ = list(self.kinds_.used)
        self.monotone_constraints_ = {
            name: monotone_direction(raw[name], target) if self.monotone and name in self.kinds_.numeric else 0
            for name in self.kinds_.used
        }
        folds = max(2, min(self.n_models, int(np.bincount(target).min())))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        seed = 0 if self.random_state is None else self.random_state
        constraints = [self.monotone_constraints_[name] for name in self.kinds_.used]

        def grow(index: int, train: np.ndarray, valid: np.ndarray):
            booster = lightgbm.LGBMClassifier(
                n_estimators=self.max_estimators,
                learning_rate=self.learning_rate,
                num_leaves=self.num_leaves,
                min_child_samples=self.min_child_samples,
                subsample=self.subsample,
                subsample_freq=1,
                colsample_bytree=self.colsample_bytree,
                reg_lambda=self.reg_lambda,
                cat_smooth=self.cat_smooth,
                monotone_constraints=constraints,
                monotone_constraints_method="advanced",
                random_state=seed + index,
                # One thread per booster, the boosters side by side: OpenMP's threads within
                # one booster wait on each other and slow to a crawl on a busy machine.
                n_jobs=1,
                verbose=-1,
            )
            return booster.fit(
                data.iloc[train],
                target[train],
                eval_X=data.iloc[valid],
                eval_y=target[valid],
                eval_metric="binary_logloss",
                callbacks=[lightgbm.early_stopping(self.early_stopping_rounds, verbose=False)],
            )

        self.boosters_ = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(grow)(index, train, valid) for index, (train, valid) in enumerate(splitter.split(data, target))
        )
        self.n_estimators_ = [booster.best_iteration_ or self.max_estimators for booster in self.boosters_]
        return self

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of the event: the mean of the boosters' raw scores."""
        check_is_fitted(self, "boosters_")
        data = self._prepare(X)
        return np.mean([booster.predict(data, raw_score=True) for booster in self.boosters_], axis=0)

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of [non-event, event] for every row."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """The more likely class label of every row."""
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    @property
    def feature_importances_(self) -> pd.Series:
        """Total gain of the splits on each factor, summed over the boosters, largest first."""
        check_is_fitted(self, "boosters_")
        gains = sum(booster.booster_.feature_importance(importance_type="gain") for booster in self.boosters_)
        return pd.Series(gains, index=self.kinds_.used).sort_values(ascending=False)

