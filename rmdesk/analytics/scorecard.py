"""The statistical scorecard: optimal binning, weight of evidence and logistic regression, in points.

Each factor is cut into bins by optimal binning (Navas-Palencia, "Optimal binning: mathematical
programming formulation", 2020, the optbinning package) and replaced by the weight of evidence
(WoE) of its bin; a logistic regression on the WoE, its regularisation chosen by cross-validated
log loss, gives the probability of the event, and the log-odds are scaled to points with a
points-to-double-the-odds (PDO) as in Siddiqi, "Credit Risk Scorecards" (Wiley, 2006, ch. 6).
The event (`y == 1`) is the outcome the bank wants to predict, a default for a rating model:
more points mean better odds against it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from rmdesk.analytics import metrics

# A text column with more distinct values than this share of its rows (and more than
# IDENTIFIER_MIN_DISTINCT of them) is an identifier or free text: no bin of it generalises.
IDENTIFIER_SHARE = 0.5
IDENTIFIER_MIN_DISTINCT = 50
# Automatic prebin size: optbinning's 5% by default, down to 2% when even a 2% prebin can be
# expected to hold this many cases of the rarer outcome, so that large histories get the finer
# cuts they can support while small ones keep stable event rates in every prebin.
PREBIN_SHARE_RANGE = (0.02, 0.05)
PREBIN_MIN_RARER_CASES = 30
# 95% quantile of the chi-square distribution with one degree of freedom: an IV above
# CHI2_95 / (n p (1 - p)) is significant at 5% (n rows, p the event rate), since for small
# effects the chi-square statistic of a binned factor is about n p (1 - p) times its IV.
CHI2_95 = 3.841


@dataclass(frozen=True)
class FeatureKinds:
    """The columns a model learns from, split by kind, and those it ignores and why."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    ignored: dict[str, str]

    @property
    def used(self) -> list[str]:
        """Numeric then categorical column names, in the order the model sees them."""
        return [*self.numeric, *self.categorical]


def as_frame(X) -> pd.DataFrame:
    """Any table (pandas, polars, a numpy array or a list of rows) as a pandas DataFrame with
    string column names; the caller's object is never modified."""
    if hasattr(X, "to_pandas") and not isinstance(X, pd.DataFrame):
        X = X.to_pandas()
    frame = pd.DataFrame(X).copy()
    frame.columns = [str(column) for column in frame.columns]
    return frame


def feature_kinds(frame: pd.DataFrame) -> FeatureKinds:
    """Which columns are numbers, which are categories, and which cannot be learned from.

    Booleans count as numbers; text and pandas categories are categories. A column that is
    entirely missing or holds a single value carries no information; a text column with a
    distinct value on most rows is an identifier or free text. Those are ignored.
    """
    numeric, categorical, ignored = [], [], {}
    for name in frame.columns:
        column = frame[name]
        distinct = column.nunique(dropna=True)
        if distinct == 0:
            ignored[name] = "entirely missing"
        elif distinct == 1 and column.notna().all():
            ignored[name] = "a single value"
        elif pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            numeric.append(name)
        elif distinct > max(IDENTIFIER_MIN_DISTINCT, IDENTIFIER_SHARE * column.notna().sum()):
            ignored[name] = f"text with {distinct} distinct values (an identifier or free text)"
        else:
            categorical.append(name)
    return FeatureKinds(tuple(numeric), tuple(categorical), ignored)


def learnable_kinds(frame: pd.DataFrame) -> FeatureKinds:
    """`feature_kinds` of a training frame, refused when no column is left to learn from."""
    kinds = feature_kinds(frame)
    if not kinds.used:
        reasons = "; ".join(f"{name}: {why}" for name, why in kinds.ignored.items())
        raise ValueError(f"no column can be learned from ({reasons})")
    return kinds


def conform(frame: pd.DataFrame, kinds: FeatureKinds) -> pd.DataFrame:
    """The used columns of `frame` with the kinds learned at fit time: numbers as floats (text
    that is not a number, and infinity, become missing), categories as text with missing kept
    missing."""
    missing = [name for name in kinds.used if name not in frame.columns]
    if missing:
        raise ValueError(f"the data lacks the columns the model was fitted on: {', '.join(missing)}")
    out = pd.DataFrame(index=frame.index)
    for name in kinds.numeric:
        out[name] = pd.to_numeric(frame[name], errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)
    for name in kinds.categorical:
        out[name] = frame[name].astype(object).map(str, na_action="ignore")
    return out


def binary_target(y) -> tuple[np.ndarray, np.ndarray]:
    """The two class labels (sorted; the second is the event) and `y` as 0/1."""
    labels = np.asarray(y)
    classes = np.unique(labels)
    if classes.size != 2:
        raise ValueError(f"the target must have exactly two classes, got {classes.size}")
    return classes, (labels == classes[1]).astype(int)


def auto_prebin_size(target: np.ndarray) -> float:
    """The smallest share of rows a prebin may hold: the share at which a prebin expects
    PREBIN_MIN_RARER_CASES cases of the rarer outcome, kept within 2% to 5% (optbinning's
    default is 5%; Siddiqi's rule of thumb for a final bin is also 5%)."""
    rarer = min(int(target.sum()), int(len(target) - target.sum()))
    low, high = PREBIN_SHARE_RANGE
    return float(min(high, max(low, PREBIN_MIN_RARER_CASES / max(rarer, 1))))


def iv_threshold(target: np.ndarray, min_iv: float) -> float:
    """The smallest information value a factor needs to enter the model: `min_iv`, or the IV
    significant at 5% in a sample of this size and event rate if that is smaller."""
    p = float(np.mean(target))
    return float(min(min_iv, CHI2_95 / (len(target) * p * (1 - p))))


def pdo_scale(base_points: float, base_odds: float, pdo: float) -> tuple[float, float]:
    """Factor and offset of the points scale: points = offset + factor * ln(odds against the
    event), so that `base_points` stands for odds of `base_odds`:1 and every `pdo` points double
    the odds (Siddiqi, 2006, ch. 6: factor = PDO / ln 2, offset = base - factor * ln(base odds))."""
    factor = pdo / math.log(2.0)
    return factor, base_points - factor * math.log(base_odds)


def points_from_pd(pd_hat, base_points: float = 600.0, base_odds: float = 50.0, pdo: float = 20.0) -> np.ndarray:
    """Points for a probability of the event on the PDO scale of `pdo_scale`."""
    factor, offset = pdo_scale(base_points, base_odds, pdo)
    p = np.clip(np.asarray(pd_hat, dtype=float), 1e-15, 1 - 1e-15)
    return offset + factor * np.log((1 - p) / p)


class ScorecardModel(ClassifierMixin, BaseEstimator):
    """Optimal-binning, WoE and logistic-regression scorecard with points and reason codes.

    Parameters (scikit-learn's estimator contract; learned attributes end in `_`):

    - base_points, base_odds, pdo: the points scale, by default 600 points at odds of 50:1
      against the event, 20 points to double the odds (Siddiqi, 2006, ch. 6).
    - max_n_prebins, min_prebin_size, monotonic_trend, cat_cutoff: optimal binning of each
      factor (optbinning's OptimalBinning). Categories rarer than `cat_cutoff` share one bin.
      `min_prebin_size` None chooses it from the data (`auto_prebin_size`).
    - min_iv: factors whose information value is below it are left out of the regression;
      0.02 is Siddiqi's threshold for an unpredictive characteristic. In a history large
      enough that a smaller IV is statistically significant, the threshold is lowered to that
      IV (`iv_threshold`), so that many weak but real factors are not thrown away.
    - Cs, cv: the inverse regularisation strengths tried, and the folds of the stratified
      cross-validation that picks the one with the lowest log loss.
    - sign_check: drop, one at a time, factors whose weight has the wrong sign (it would make
      points run against the bins' event rates), as Siddiqi (2006, ch. 6) recommends.
    - random_state, n_jobs: for the folds; parallel binning.

    Missing values and special codes get a bin of their own, scored with their empirical WoE
    (0, that is neutral, when the training data had none).
    After fitting, `features_` are the factors in the regression, `information_value_` the IV
    of every factor binned, `C_` the regularisation chosen and `coefficients_` the weights.
    """

    def __init__(
        self,
        *,
        base_points: float = 600.0,
        base_odds: float = 50.0,
        pdo: float = 20.0,
        max_n_prebins: int = 20,
        min_prebin_size: float | None = None,
        monotonic_trend: str = "auto",
        cat_cutoff: float | None = 0.01,
        min_iv: float = 0.02,
        Cs: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0),
        cv: int = 5,
        sign_check: bool = True,
        random_state: int | None = 0,
        n_jobs: int | None = None,
    ):
        self.base_points = base_points
        self.base_odds = base_odds
        self.pdo = pdo
        self.max_n_prebins = max_n_prebins
        self.min_prebin_size = min_prebin_size
        self.monotonic_trend = monotonic_trend
        self.cat_cutoff = cat_cutoff
        self.min_iv = min_iv
        self.Cs = Cs
        self.cv = cv
        self.sign_check = sign_check
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Bin every usable factor, keep the informative ones, fit the regression; returns self."""
        from optbinning import BinningProcess

        frame = as_frame(X)
        self.classes_, target = binary_target(y)
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = len(frame.columns)
        self.kinds_ = learnable_kinds(frame)
        data = conform(frame, self.kinds_)
        self.min_prebin_size_ = self.min_prebin_size or auto_prebin_size(target)
        fit_params = {name: {"monotonic_trend": self.monotonic_trend} for name in self.kinds_.numeric}
        fit_params.update({name: {"cat_cutoff": self.cat_cutoff} for name in self.kinds_.categorical})
        self.binning_process_ = BinningProcess(
            variable_names=self.kinds_.used,
            categorical_variables=list(self.kinds_.categorical),
            max_n_prebins=self.max_n_prebins,
            min_prebin_size=self.min_prebin_size_,
            binning_fit_params=fit_params,
            n_jobs=self.n_jobs,
        )
        with warnings.catch_warnings():
            # optbinning warns about every factor it cannot split; the IV table records those.
            warnings.simplefilter("ignore")
            self.binning_process_.fit(data, target)
        woe = self._woe(data)
        iv = {name: self._bin_table(name).loc["Totals", "IV"] for name in self.kinds_.used}
        self.information_value_ = pd.Series(iv, dtype=float).sort_values(ascending=False)
        self.iv_threshold_ = iv_threshold(target, self.min_iv)
        selected = [name for name, iv in self.information_value_.items() if iv >= self.iv_threshold_]
        # A history with no factor above the threshold still gets a model, on its best factor.
        self.features_ = selected or [self.information_value_.index[0]]
        self.C_ = self._choose_c(woe[self.features_].to_numpy(), target)
        self.estimator_ = LogisticRegression(C=self.C_, max_iter=1000).fit(woe[self.features_].to_numpy(), target)
        while self.sign_check and len(self.features_) > 1 and self.estimator_.coef_[0].max() > 0:
            # A higher WoE means a lower event rate, so every weight must be negative; a positive
            # one (collinear factors) would reverse a factor's bins, so it leaves the model.
            self.features_.pop(int(np.argmax(self.estimator_.coef_[0])))
            self.estimator_ = LogisticRegression(C=self.C_, max_iter=1000).fit(woe[self.features_].to_numpy(), target)
        self._build_point_tables()
        return self

    def _woe(self, data: pd.DataFrame) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            woe = self.binning_process_.transform(
                data, metric="woe", metric_missing="empirical", metric_special="empirical"
            )
        return pd.DataFrame(woe, columns=self.kinds_.used, index=data.index).fillna(0.0)

    def _bin_table(self, name: str) -> pd.DataFrame:
        with warnings.catch_warnings():
            # optbinning's own dtype warning from pandas, about its totals row.
            warnings.simplefilter("ignore")
            return self.binning_process_.get_binned_variable(name).binning_table.build()

    def _choose_c(self, woe: np.ndarray, target: np.ndarray) -> float:
        folds = min(self.cv, int(np.bincount(target).min()))
        if folds < 2:
            return float(max(self.Cs))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        candidates = sorted(self.Cs)
        losses = np.zeros(len(candidates))
        for train, test in splitter.split(woe, target):
            # From the strongest regularisation to the weakest, each fit starting from the last
            # solution: the path of solutions is smooth, so this takes a fraction of the time.
            model = LogisticRegression(max_iter=1000, warm_start=True)
            for index, c in enumerate(candidates):
                model.set_params(C=c).fit(woe[train], target[train])
                losses[index] += log_loss(target[test], model.predict_proba(woe[test])[:, 1], labels=[0, 1])
        return float(candidates[int(np.argmin(losses))])

    def _build_point_tables(self) -> None:
        factor, offset = pdo_scale(self.base_points, self.base_odds, self.pdo)
        count = len(self.features_)
        # Siddiqi's attribute points: each factor's share of the log-odds, plus an equal share of
        # the intercept and offset, so the points of one applicant add up to the score.
        self.factor_, self.offset_ = factor, offset
        self.intercept_points_ = offset / count - factor * self.estimator_.intercept_[0] / count
        self.coefficients_ = pd.Series(self.estimator_.coef_[0], index=self.features_)
        best = {}
        for name in self.features_:
            table = self._bin_table(name)
            woe = table.loc[(table.index != "Totals") & (table["Count"] > 0), "WoE"].astype(float)
            best[name] = self.intercept_points_ - factor * (self.coefficients_[name] * woe).min()
        self.best_points_ = pd.Series(best, dtype=float)

    def points_by_factor(self, X) -> pd.DataFrame:
        """The attribute points of every row, one column per factor in the model; each row
        adds up to its total points."""
        check_is_fitted(self, "estimator_")
        woe = self._woe(conform(as_frame(X), self.kinds_))[self.features_]
        return self.intercept_points_ - self.factor_ * woe * self.coefficients_

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of the event."""
        check_is_fitted(self, "estimator_")
        woe = self._woe(conform(as_frame(X), self.kinds_))[self.features_]
        return self.estimator_.decision_function(woe.to_numpy())

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of [non-event, event] for every row."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """The more likely class label of every row."""
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def points(self, X) -> np.ndarray:
        """Total scorecard points of every row: the sum of its attribute points, equal to
        offset + factor * ln(odds against the event)."""
        return self.points_by_factor(X).sum(axis=1).to_numpy()

    def reason_codes(self, X, n: int = 3) -> pd.DataFrame:
        """The `n` factors that cost each row the most points against the best bin of that
        factor (the "points below maximum" method of adverse-action reasons, Siddiqi 2006,
        ch. 6), worst first; None where fewer factors cost anything."""
        lost = self.best_points_ - self.points_by_factor(X)
        names = np.asarray(self.features_, dtype=object)
        order = np.argsort(-lost.to_numpy(), axis=1, kind="stable")[:, :n]
        values = np.take_along_axis(lost.to_numpy(), order, axis=1)
        reasons = np.where(values > 1e-9, names[order], None)
        columns = [f"reason_{i + 1}" for i in range(reasons.shape[1])]
        return pd.DataFrame(reasons, columns=columns, index=lost.index)

    def bin_tables(self) -> dict[str, pd.DataFrame]:
        """For every factor in the model, optbinning's bin table (bin, count, events, event
        rate, WoE, IV) with the points of each bin; the missing and special bins included."""
        check_is_fitted(self, "estimator_")
        tables = {}
        for name in self.features_:
            table = self._bin_table(name)
            bins = table.index != "Totals"
            table["Points"] = np.nan
            woe = table.loc[bins, "WoE"].astype(float)
            table.loc[bins, "Points"] = self.intercept_points_ - self.factor_ * self.coefficients_[name] * woe
            tables[name] = table
        return tables

    def report(self, X, y, n_groups: int = 10) -> dict:
        """A model report on labelled data: AUC, KS, Gini, calibration by grade (groups of
        predicted PD, 1 = safest), the information value and coefficient of every factor, and
        the bin tables with points. Every value is plain data, ready for JSON."""
        event = (np.asarray(y) == self.classes_[1]).astype(int)
        pd_hat = self.predict_proba(X)[:, 1]
        return {
            **metrics.discrimination(event, pd_hat),
            "calibration": metrics.calibration_table(event, pd_hat, n_groups=n_groups).to_dict(orient="records"),
            "factors": [
                {
                    "name": name,
                    "information_value": float(self.information_value_[name]),
                    "coefficient": float(self.coefficients_[name]),
                }
                for name in self.features_
            ],
            "C": self.C_,
            "bin_tables": {
                name: table.reset_index(names="row").astype({"Bin": str}).to_dict(orient="records")
                for name, table in self.bin_tables().items()
            },
        }
