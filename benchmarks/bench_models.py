"""Benchmark: our scorecard and challenger against the libraries' defaults, on real credit data.

Goals (issue "Financial statements, ratios and credit ratings"): on every data set, with the same
5 stratified folds (StratifiedKFold(5, shuffle=True, random_state=0)), the AUC of
`rmdesk model evaluate --model scorecard` is at least that of optbinning's default scorecard
(BinningProcess with default settings + scikit-learn's LogisticRegression()) minus 0.005, and the
AUC of `--model challenger` at least that of LightGBM's defaults (LGBMClassifier(), text columns
as pandas categories) minus 0.005. The data are German credit, Taiwan card default and Bank
Marketing without `duration` (only known after the call), read from ../shared/data or
RMDESK_SHARED_DATA; Bank Marketing is also judged out of time (first 80% of rows train, rest
test), since its rows are in date order. It prints a side-by-side table, then one JSON line, on
standard output (progress on standard error).

    make bench-models        # or: uv run python benchmarks/bench_models.py [--datasets german ...]
                             #     [--models scorecard challenger]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rmdesk.analytics import metrics  # noqa: E402
from rmdesk.analytics.challenger import ChallengerModel  # noqa: E402
from rmdesk.analytics.evaluate import binary_outcome, load_table, splits  # noqa: E402
from rmdesk.analytics.scorecard import ScorecardModel  # noqa: E402

SHARED_DATA = Path(os.environ.get("RMDESK_SHARED_DATA", ROOT.parent / "shared" / "data"))
TOLERANCE = 0.005
SEED = 0


@dataclass(frozen=True)
class Dataset:
    """One benchmark: a file of the shared data, its target and positive value, and the split."""

    name: str
    file: str
    target: str
    positive: str
    sep: str = ","
    drop: tuple[str, ...] = ()
    split: str = "kfold"


DATASETS = [
    Dataset("german", "german_credit.csv", "creditability", "bad"),
    Dataset("taiwan", "taiwan_credit_card_default.csv", "default.payment.next.month", "1", drop=("ID",)),
    Dataset("bank", "bank_marketing_full.csv", "y", "yes", sep=";", drop=("duration",)),
    Dataset("bank-time", "bank_marketing_full.csv", "y", "yes", sep=";", drop=("duration",), split="time"),
]


def reference_scorecard(columns: list[str]):
    """optbinning's default scorecard: BinningProcess(variable_names) + LogisticRegression()."""
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    return Scorecard(binning_process=BinningProcess(columns), estimator=LogisticRegression())


def reference_lightgbm():
    """LightGBM with every setting at its default, silent."""
    import lightgbm

    return lightgbm.LGBMClassifier(verbose=-1, random_state=SEED)


def as_categories(X: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas categories, the way LightGBM's defaults handle them natively."""
    out = X.copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name]) and not pd.api.types.is_bool_dtype(out[name]):
            out[name] = out[name].astype("category")
    return out


def run(make: Callable[[], object], X: pd.DataFrame, y: np.ndarray, parts) -> dict:
    """Fit a new model from `make` on each training part and score its test part: the mean AUC,
    the mean seconds to fit and the AUC of each fold."""
    aucs, seconds = [], []
    for train, test in parts:
        model = make()
        started = time.perf_counter()
        model.fit(X.iloc[train], y[train])
        seconds.append(time.perf_counter() - started)
        aucs.append(metrics.roc_auc(y[test], model.predict_proba(X.iloc[test])[:, 1]))
    return {"auc": float(np.mean(aucs)), "fit_seconds": float(np.mean(seconds)), "folds": aucs}


def main() -> int:
    """Run every benchmark, print the table and the JSON line; exit 1 if a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [dataset.name for dataset in DATASETS]
    parser.add_argument("--datasets", nargs="+", choices=names, default=names)
    parser.add_argument("--models", nargs="+", choices=["scorecard", "challenger"], default=["scorecard", "challenger"])
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows, results = [], {}
    for dataset in (d for d in DATASETS if d.name in args.datasets):
        path = SHARED_DATA / dataset.file
        if not path.is_file():
            print(f"missing {path}: set RMDESK_SHARED_DATA to the folder holding {dataset.file}", file=sys.stderr)
            return 2
        frame = load_table(path, sep=dataset.sep)
        y = binary_outcome(frame, dataset.target, dataset.positive)
        X = frame.drop(columns=[dataset.target, *dataset.drop])
        parts = splits(y, dataset.split, folds=5, train_fraction=0.8, seed=SEED)
        columns = list(X.columns)
        # Model name -> (ours, the reference, the table the reference is given).
        pairs = {
            "scorecard": (ScorecardModel, partial(reference_scorecard, columns), X),
            "challenger": (ChallengerModel, reference_lightgbm, as_categories(X)),
        }
        results[dataset.name] = {}
        for model, (ours, reference, reference_X) in pairs.items():
            if model not in args.models:
                continue
            print(f"{dataset.name} {model} ...", file=sys.stderr, flush=True)
            mine = run(partial(ours, random_state=SEED), X, y, parts)
            theirs = run(reference, reference_X, y, parts)
            difference = mine["auc"] - theirs["auc"]
            met = bool(difference >= -TOLERANCE)
            results[dataset.name][model] = {
                "split": dataset.split,
                "auc": mine["auc"],
                "reference_auc": theirs["auc"],
                "difference": difference,
                "goal_met": met,
                "fit_seconds": mine["fit_seconds"],
                "reference_fit_seconds": theirs["fit_seconds"],
            }
            rows.append((dataset.name, dataset.split, model, mine, theirs, difference, met))
    print(
        f"{'data':<10} {'split':<6} {'model':<11} {'AUC ours':>9} {'AUC ref':>9} {'diff':>8} {'goal':>5} "
        f"{'fit s ours':>11} {'fit s ref':>10}"
    )
    for name, split, model, mine, theirs, difference, met in rows:
        print(
            f"{name:<10} {split:<6} {model:<11} {mine['auc']:>9.4f} {theirs['auc']:>9.4f} {difference:>+8.4f} "
            f"{'met' if met else 'MISS':>5} {mine['fit_seconds']:>11.2f} {theirs['fit_seconds']:>10.2f}"
        )
    all_met = all(row[-1] for row in rows)
    print(json.dumps({"tolerance": TOLERANCE, "seed": SEED, "all_goals_met": all_met, "results": results}))
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
