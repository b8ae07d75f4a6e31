"""Cross-validated evaluation of a model on any CSV with a binary target.

The engine behind `rmdesk model evaluate`: read the file (text columns become categories, cells
such as "?" in a numeric column become missing), turn the target into 0/1 against the value the
user calls positive, cut the rows into stratified k folds or an out-of-time split (the first
rows train, the rest test), fit the scorecard or the challenger on each training part and
measure AUC, KS, Gini and the time taken to fit on the matching test part.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from rmdesk.analytics import metrics
from rmdesk.analytics.scorecard import learnable_kinds

MODELS = ("scorecard", "challenger")
SPLITS = ("kfold", "time")
# A text column is read as numbers when at least this share of its values are numbers: the rest
# are placeholders for missing values ("?", "n/a", "-") that would otherwise turn it into text.
NUMERIC_SHARE = 0.95


class EvaluationError(ValueError):
    """The file, the target or the options cannot give an evaluation; the message says why."""


def _report(progress: Callable[[str], None] | None, message: str) -> None:
    if progress is not None:
        progress(message)


def load_table(path: str | Path, sep: str = ",", progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Read a delimited text file into a DataFrame: numbers as numbers, text as text, empty
    cells and the usual markers (NA, NaN, null ...) as missing; a mostly numeric column with a
    few non-numbers in it is read as numbers with those cells missing."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"no such file: {path}")
    try:
        frame = pd.read_csv(path, sep=sep, skipinitialspace=True, low_memory=False, encoding_errors="replace")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as error:
        raise EvaluationError(f"cannot read {path} as a table separated by {sep!r}: {error}") from error
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.shape[1] < 2:
        raise EvaluationError(
            f"{path} has {frame.shape[1]} column when read with separator {sep!r}; is the separator right (--sep)?"
        )
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        present = column.dropna()
        numbers = pd.to_numeric(present, errors="coerce")
        if len(present) and numbers.notna().mean() >= NUMERIC_SHARE:
            _report(progress, f"column {name!r}: {int(numbers.isna().sum())} non-numeric cells read as missing")
            frame[name] = pd.to_numeric(column, errors="coerce")
    return frame


def _matches(value, positive: str, numeric: bool) -> bool:
    if numeric:
        try:
            return float(value) == float(positive)
        except ValueError:
            return False
    return str(value).strip().casefold() == positive.strip().casefold()


def _require_target(frame: pd.DataFrame, target: str) -> None:
    if target not in frame.columns:
        columns = ", ".join(frame.columns)
        raise EvaluationError(f"target column {target!r} is not in the file; its columns are: {columns}")


def binary_outcome(frame: pd.DataFrame, target: str, positive: str) -> np.ndarray:
    """The target column as 1 where it equals `positive`, else 0; the column must hold exactly
    two distinct values, one of them `positive` (compared as numbers when the column is numeric,
    so "1" matches 1.0; otherwise as text, ignoring case and surrounding spaces). Rows with a
    missing target must have been removed."""
    _require_target(frame, target)
    column = frame[target]
    values = column.dropna().unique()
    if len(values) != 2:
        shown = ", ".join(repr(v) for v in sorted(values.tolist(), key=str)[:10])
        raise EvaluationError(
            f"target column {target!r} is not binary: it has {len(values)} distinct values"
            + (f" ({shown}{', ...' if len(values) > 10 else ''})" if len(values) else "")
        )
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    hits = [value for value in values if _matches(value, positive, numeric)]
    if len(hits) != 1:
        raise EvaluationError(
            f"--positive {positive!r} is not one of the two values of target column {target!r}: "
            + ", ".join(repr(v) for v in values.tolist())
        )
    return (column == hits[0]).to_numpy(dtype=int)


def make_model(name: str, seed: int):
    """A new unfitted model by its command-line name: `scorecard` or `challenger`."""
    if name == "scorecard":
        from rmdesk.analytics.scorecard import ScorecardModel

        return ScorecardModel(random_state=seed)
    if name == "challenger":
        from rmdesk.analytics.challenger import ChallengerModel

        return ChallengerModel(random_state=seed)
    raise EvaluationError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")


def splits(
    y: np.ndarray, split: str, folds: int, train_fraction: float, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train and test row positions: `kfold` is StratifiedKFold(folds, shuffle=True,
    random_state=seed); `time` trains on the first `train_fraction` of the rows, in file order,
    and tests on the rest."""
    if split == "kfold":
        smaller_class = int(np.bincount(y, minlength=2).min())
        if folds < 2:
            raise EvaluationError(f"--folds must be at least 2, got {folds}")
        if folds > smaller_class:
            raise EvaluationError(f"--folds {folds} is more than the {smaller_class} rows of the rarer target value")
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(y)), y))
    if split == "time":
        if not 0 < train_fraction < 1:
            raise EvaluationError(f"--train-fraction must be between 0 and 1, got {train_fraction}")
        cut = int(round(len(y) * train_fraction))
        train, test = np.arange(cut), np.arange(cut, len(y))
        for part, rows in (("training", train), ("test", test)):
            if len(np.unique(y[rows])) < 2:
                raise EvaluationError(f"the {part} part of the time split holds only one target value")
        return [(train, test)]
    raise EvaluationError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")


def evaluate_frame(
    frame: pd.DataFrame,
    *,
    target: str,
    positive: str,
    drop: Sequence[str] = (),
    model: str = "scorecard",
    split: str = "kfold",
    folds: int = 5,
    train_fraction: float = 0.8,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Evaluate `model` on a table: the mean AUC, KS, Gini and fit seconds over the folds, and
    the same per fold under `folds`, as a dictionary ready for JSON."""
    if model not in MODELS:
        raise EvaluationError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    unknown = [name for name in drop if name not in frame.columns]
    if unknown:
        raise EvaluationError(f"--drop names columns that are not in the file: {', '.join(unknown)}")
    if target in drop:
        raise EvaluationError(f"--drop names the target column {target!r}")
    _require_target(frame, target)
    unlabelled = int(frame[target].isna().sum())
    if unlabelled:
        _report(progress, f"{unlabelled} rows without a value in {target!r} are left out")
        frame = frame[frame[target].notna()].reset_index(drop=True)
    y = binary_outcome(frame, target, positive)
    X = frame.drop(columns=[target, *drop])
    try:
        kinds = learnable_kinds(X)
    except ValueError as error:
        raise EvaluationError(str(error)) from error
    for name, why in kinds.ignored.items():
        _report(progress, f"column {name!r} is not learned from: {why}")
    results = []
    parts = splits(y, split, folds, train_fraction, seed)
    for number, (train, test) in enumerate(parts, start=1):
        estimator = make_model(model, seed)
        started = time.perf_counter()
        estimator.fit(X.iloc[train], y[train])
        seconds = time.perf_counter() - started
        scores = metrics.discrimination(y[test], estimator.predict_proba(X.iloc[test])[:, 1])
        results.append(
            {"fold": number, "train_rows": len(train), "test_rows": len(test), **scores, "fit_seconds": seconds}
        )
        _report(progress, f"{model} fold {number}/{len(parts)}: AUC {scores['auc']:.4f}, fit {seconds:.1f} s")
    return {
        "model": model,
        "split": split,
        "seed": seed,
        "rows": len(y),
        "features": X.shape[1],
        "positive_rate": float(y.mean()),
        **{key: float(np.mean([fold[key] for fold in results])) for key in ("auc", "ks", "gini", "fit_seconds")},
        "folds": results,
    }


def evaluate_file(
    path: str | Path, *, sep: str = ",", progress: Callable[[str], None] | None = None, **options
) -> dict:
    """`evaluate_frame` on a CSV file read by `load_table`; the result names the file."""
    frame = load_table(path, sep=sep, progress=progress)
    return {"file": str(path), "target": options["target"], **evaluate_frame(frame, progress=progress, **options)}
