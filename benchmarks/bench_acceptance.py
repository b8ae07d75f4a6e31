"""Benchmark: the acceptance model against a plain logistic regression, on real marketing data.

Goal (issue 6, "Marketing"): on Bank Marketing (bank-full, a Portuguese bank's term-deposit
telemarketing in date order) with `duration` dropped (only known after the call) and an
out-of-time split (train on the first 80% of rows, test on the rest), the AUC of
rmdesk.analytics.acceptance.AcceptanceModel is not lower than that of a plain logistic
regression on the same split. The peer is a fair one: every text column one-hot encoded (values
unseen in training ignored), every numeric column standardised, scikit-learn's
LogisticRegression with its default C = 1 (max_iter raised so that it converges).

The data are read from ../shared/data or RMDESK_SHARED_DATA. Each model is fitted `--repeats`
times (AUC is the same every time; the median fit seconds are quoted). It prints a table, then
one JSON line, on standard output (progress on standard error), and exits 1 if the goal is missed.

    make bench-acceptance    # or: uv run python benchmarks/bench_acceptance.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rmdesk.analytics import metrics  # noqa: E402
from rmdesk.analytics.acceptance import AcceptanceModel  # noqa: E402
from rmdesk.analytics.evaluate import binary_outcome, load_table, splits  # noqa: E402

SHARED_DATA = Path(os.environ.get("RMDESK_SHARED_DATA", ROOT.parent / "shared" / "data"))
FILE = "bank_marketing_full.csv"
TRAIN_FRACTION = 0.8
SEED = 0


def plain_logistic_regression(X: pd.DataFrame):
    """One-hot text columns, standardised numbers, LogisticRegression() with its default C."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [name for name in X.columns if pd.api.types.is_numeric_dtype(X[name])]
    text = [name for name in X.columns if name not in numeric]
    encode = ColumnTransformer(
        [("numbers", StandardScaler(), numeric), ("text", OneHotEncoder(handle_unknown="ignore"), text)]
    )
    return make_pipeline(encode, LogisticRegression(max_iter=5000))


def run(make: Callable[[], object], X: pd.DataFrame, y: np.ndarray, train, test, repeats: int) -> dict:
    """Fit `repeats` new models from `make` on the training rows; the test AUC and fit seconds."""
    seconds, aucs = [], []
    for _ in range(repeats):
        model = make()
        started = time.perf_counter()
        model.fit(X.iloc[train], y[train])
        seconds.append(time.perf_counter() - started)
        aucs.append(metrics.roc_auc(y[test], model.predict_proba(X.iloc[test])[:, 1]))
    return {
        "auc": aucs[0],
        "auc_same_every_repeat": bool(np.allclose(aucs, aucs[0], rtol=0, atol=1e-12)),
        "fit_seconds_median": statistics.median(seconds),
        "fit_seconds": seconds,
    }


def main() -> int:
    """Run both models on the out-of-time split, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="fits of each model (default 3)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    warnings.simplefilter("ignore")
    path = SHARED_DATA / FILE
    if not path.is_file():
        print(f"missing {path}: set RMDESK_SHARED_DATA to the folder holding {FILE}", file=sys.stderr)
        return 2
    frame = load_table(path, sep=";")
    y = binary_outcome(frame, "y", "yes")
    X = frame.drop(columns=["y", "duration"])
    [(train, test)] = splits(y, "time", folds=5, train_fraction=TRAIN_FRACTION, seed=SEED)
    print(f"acceptance model, {args.repeats} fit(s) ...", file=sys.stderr, flush=True)
    ours = run(lambda: AcceptanceModel(random_state=SEED), X, y, train, test, args.repeats)
    print(f"plain logistic regression, {args.repeats} fit(s) ...", file=sys.stderr, flush=True)
    peer = run(lambda: plain_logistic_regression(X), X, y, train, test, args.repeats)
    difference = ours["auc"] - peer["auc"]
    met = bool(difference >= 0)
    print(f"{'model':<26} {'AUC':>7} {'fit s (median)':>15}")
    for name, result in (("acceptance model", ours), ("plain logistic regression", peer)):
        print(f"{name:<26} {result['auc']:>7.4f} {result['fit_seconds_median']:>15.2f}")
    print(f"difference {difference:+.4f}: goal {'met' if met else 'MISSED'} (not lower than the plain regression)")
    print(
        json.dumps(
            {
                "data": FILE,
                "rows": len(y),
                "train_rows": len(train),
                "test_rows": len(test),
                "train_positive_rate": float(y[train].mean()),
                "test_positive_rate": float(y[test].mean()),
                "dropped": ["duration"],
                "split": f"time, first {TRAIN_FRACTION:.0%} of rows train",
                "seed": SEED,
                "acceptance_model": ours,
                "plain_logistic_regression": peer,
                "difference": difference,
                "goal_met": met,
            }
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
