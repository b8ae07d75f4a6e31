"""How good a credit model is, and whether the population it scores has moved.

Discrimination (AUC, KS, Gini), calibration by grade, and the population stability index (PSI)
per factor and for the score. Every function takes plain arrays (or pandas objects) and returns
plain numbers or a pandas table, so the same code serves the `rmdesk model evaluate` command,
a model report and the monitoring of a deployed model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binom, rankdata

# The industry convention for the PSI (Siddiqi, "Credit Risk Scorecards", 2006, ch. 8; Yurdakul,
# "Statistical properties of population stability index", 2018): below 0.1 no significant
# change, 0.1 to 0.25 a change worth investigating, 0.25 and above a significant shift.
PSI_MONITOR = 0.10
PSI_SHIFT = 0.25
# An empty bin would make the PSI infinite; this share stands in for it, as is usual.
PSI_EMPTY_SHARE = 1e-4
MISSING_BIN = "Missing"


def _binary(y) -> np.ndarray:
    labels = np.asarray(y)
    values = np.unique(labels)
    if not set(values.tolist()) <= {0, 1} or len(values) != 2:
        raise ValueError(f"the outcome must hold both 0 and 1 (1 = the event), got values {values[:5].tolist()}")
    return labels.astype(int)


def roc_auc(y, score) -> float:
    """Area under the ROC curve: the probability that a random event scores above a non-event.

    Computed by the Mann-Whitney rank-sum identity (Hanley & McNeil, Radiology 143, 1982), ties
    counting one half, which equals sklearn.metrics.roc_auc_score. `y` is 1 for the event.
    """
    labels = _binary(y)
    ranks = rankdata(np.asarray(score, dtype=float))
    events = int(labels.sum())
    non_events = labels.size - events
    rank_sum = ranks[labels == 1].sum()
    return float((rank_sum - events * (events + 1) / 2) / (events * non_events))


def ks_statistic(y, score) -> float:
    """Kolmogorov-Smirnov statistic: the largest gap between the score distributions of events
    and non-events, max |F_event(s) - F_non_event(s)| over all thresholds s (the two-sample KS of
    scipy.stats.ks_2samp; equal to max(TPR - FPR) of the ROC curve for a score rising with risk).
    """
    labels = _binary(y)
    values = np.asarray(score, dtype=float)
    thresholds = np.unique(values)
    event_cdf = np.searchsorted(np.sort(values[labels == 1]), thresholds, side="right") / labels.sum()
    non_event_cdf = np.searchsorted(np.sort(values[labels == 0]), thresholds, side="right") / (labels == 0).sum()
    return float(np.max(np.abs(event_cdf - non_event_cdf)))


def gini(y, score) -> float:
    """Gini coefficient (accuracy ratio) of a score: 2 * AUC - 1 (Engelmann, Hayden & Tasche,
    "Testing rating accuracy", Risk, 2003)."""
    return 2.0 * roc_auc(y, score) - 1.0


def discrimination(y, score) -> dict[str, float]:
    """AUC, KS and Gini of a score (higher score = more likely the event) in one dictionary."""
    return {"auc": roc_auc(y, score), "ks": ks_statistic(y, score), "gini": gini(y, score)}


def calibration_table(y, pd_hat, grades=None, n_groups: int = 10) -> pd.DataFrame:
    """Predicted against observed event rates by grade, with a one-sided binomial test per grade.

    `grades` labels each row (e.g. the rating grade it was given); without it the rows are put in
    `n_groups` quantile groups of predicted PD, 1 = lowest. For each grade: the count, events,
    observed rate, mean predicted PD and the probability of seeing at least that many events if
    the mean PD were right (the binomial test of Basel Committee Working Paper 14, "Studies on
    the validation of internal rating systems", 2005): a small p-value says the grade
    underestimates risk.
    """
    labels = _binary(y)
    predicted = np.asarray(pd_hat, dtype=float)
    if grades is None:
        ranks = rankdata(predicted, method="ordinal")
        grades = np.ceil(ranks * n_groups / predicted.size).astype(int)
    frame = pd.DataFrame({"grade": np.asarray(grades), "event": labels, "pd": predicted})
    table = (
        frame.groupby("grade", sort=True)
        .agg(count=("event", "size"), events=("event", "sum"), mean_pd=("pd", "mean"))
        .reset_index()
    )
    table["observed_rate"] = table["events"] / table["count"]
    table["binomial_p_value"] = binom.sf(table["events"] - 1, table["count"], table["mean_pd"])
    return table[["grade", "count", "events", "observed_rate", "mean_pd", "binomial_p_value"]]


def psi_status(value: float) -> str:
    """`stable` below 0.1, `monitor` from 0.1, `shift` from 0.25 (the industry convention)."""
    if value >= PSI_SHIFT:
        return "shift"
    if value >= PSI_MONITOR:
        return "monitor"
    return "stable"


@dataclass(frozen=True)
class StabilityResult:
    """The PSI of one factor or score, its status and the per-bin shares it was computed from."""

    psi: float
    status: str
    table: pd.DataFrame

    def as_dict(self) -> dict:
        """The PSI and its status, ready for JSON."""
        return {"psi": self.psi, "status": self.status}


def _bin_labels(expected: pd.Series, actual: pd.Series, bins: int) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_numeric_dtype(expected) and not pd.api.types.is_bool_dtype(expected):
        present = expected.dropna().astype(float)
        # Quantile edges of the reference sample, so that each bin holds about the same share of
        # it; open outer edges catch new values beyond the reference range.
        edges = np.unique(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])) if len(present) else np.array([])
        edges = np.concatenate([[-np.inf], edges, [np.inf]])

        def label(values: pd.Series) -> pd.Series:
            numbers = pd.to_numeric(values, errors="coerce")
            codes = pd.Series(np.searchsorted(edges, numbers.to_numpy(dtype=float), side="left"), index=values.index)
            return codes.astype(str).where(numbers.notna(), MISSING_BIN)

        return label(expected), label(actual)

    def label(values: pd.Series) -> pd.Series:
        return values.astype(object).where(values.notna(), MISSING_BIN).astype(str)

    return label(expected), label(actual)


def population_stability(expected, actual, bins: int = 10) -> StabilityResult:
    """Population stability index of one variable between a reference and a current sample.

    PSI = sum over bins of (a - e) * ln(a / e), with e and a the shares of the reference and
    current samples in each bin (Siddiqi, 2006, ch. 8). Numbers are cut at the reference
    sample's deciles (or `bins` quantiles); text is binned by value; missing values are a bin of
    their own. An empty bin counts as a share of 0.0001.
    """
    expected_labels, actual_labels = _bin_labels(pd.Series(expected), pd.Series(actual), bins)
    table = pd.DataFrame(
        {
            "expected": expected_labels.value_counts(normalize=True),
            "actual": actual_labels.value_counts(normalize=True),
        }
    ).fillna(0.0)
    e = table["expected"].clip(lower=PSI_EMPTY_SHARE)
    a = table["actual"].clip(lower=PSI_EMPTY_SHARE)
    table["psi"] = (a - e) * np.log(a / e)
    value = float(table["psi"].sum())
    return StabilityResult(psi=value, status=psi_status(value), table=table.rename_axis("bin").reset_index())


def drift_report(model, reference: pd.DataFrame, current: pd.DataFrame, bins: int = 10) -> dict:
    """PSI of every factor the model uses and of its score, between the data it was built on
    (or last validated on) and new data: {"score": {...}, "factors": {name: {...}}}.

    The factors are the model's `features_` (the columns it learns from). The score is the
    model's predicted probability of the event (a scorecard's points are a monotone map of it,
    so the PSI over score deciles is the same). Each entry holds the PSI and its status against
    the 0.1 / 0.25 thresholds.
    """
    factors = {
        name: population_stability(reference[name], current[name], bins).as_dict()
        for name in model.features_
    }
    score = population_stability(
        pd.Series(model.predict_proba(reference)[:, 1]), pd.Series(model.predict_proba(current)[:, 1]), bins
    )
    return {"score": score.as_dict(), "factors": factors}
