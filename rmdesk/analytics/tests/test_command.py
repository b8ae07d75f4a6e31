"""`rmdesk model evaluate`: one JSON object on standard output, clear refusals of a bad target."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from rmdesk.analytics.tests.test_models import shared_file, synthetic

ROOT = Path(__file__).resolve().parents[3]
FOLD_KEYS = {"fold", "train_rows", "test_rows", "auc", "ks", "gini", "fit_seconds"}


@pytest.fixture(scope="module")
def loans_csv(tmp_path_factory) -> Path:
    """A small loan history with gaps and text, its outcome as text, separated by semicolons."""
    frame, y = synthetic(800, seed=1)
    frame["outcome"] = np.where(y == 1, "default", "repaid")
    # A numeric column with a few "?" placeholders, as in many public data sets.
    frame["grade_text"] = frame["age"].round().astype(int).astype(str)
    frame.loc[:9, "grade_text"] = "?"
    path = tmp_path_factory.mktemp("data") / "loans.csv"
    frame.to_csv(path, sep=";", index=False)
    return path


def evaluate(*args: str) -> dict:
    out, err = StringIO(), StringIO()
    call_command("model", "evaluate", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue())


def test_kfold_evaluation_prints_means_and_the_same_per_fold(loans_csv):
    result = evaluate(
        str(loans_csv), "--target", "outcome", "--positive", "default", "--sep", ";",
        "--drop", "customer_id", "--folds", "3",
    )  # fmt: skip
    assert {"auc", "ks", "gini", "fit_seconds"} <= set(result)
    assert len(result["folds"]) == 3
    assert all(set(fold) == FOLD_KEYS for fold in result["folds"])
    assert result["auc"] == pytest.approx(np.mean([fold["auc"] for fold in result["folds"]]))
    assert result["gini"] == pytest.approx(2 * result["auc"] - 1)
    assert result["auc"] > 0.7
    assert sum(fold["test_rows"] for fold in result["folds"]) == 800


def test_time_split_trains_on_the_first_rows(loans_csv):
    result = evaluate(
        str(loans_csv), "--target", "outcome", "--positive", "default", "--sep", ";",
        "--model", "challenger", "--split", "time", "--train-fraction", "0.75", "--seed", "3",
    )  # fmt: skip
    assert result["split"] == "time"
    assert result["seed"] == 3
    assert [(fold["train_rows"], fold["test_rows"]) for fold in result["folds"]] == [(600, 200)]


def test_german_credit_through_the_command_line_prints_only_json():
    path = shared_file("german_credit.csv")
    completed = subprocess.run(
        [sys.executable, "-m", "rmdesk.cli", "model", "evaluate", str(path), "--target", "creditability",
         "--positive", "bad", "--model", "challenger", "--folds", "2"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(completed.stdout)
    assert completed.stdout.strip().count("\n") == 0
    assert result["rows"] == 1000 and result["positive_rate"] == pytest.approx(0.3)
    assert result["auc"] > 0.74
    assert "fold 2/2" in completed.stderr


def test_numeric_target_matches_a_positive_written_as_text(tmp_path):
    frame, y = synthetic(400, seed=2)
    frame["default"] = y.astype(float)
    frame.to_csv(tmp_path / "numeric.csv", index=False)
    result = evaluate(str(tmp_path / "numeric.csv"), "--target", "default", "--positive", "1", "--folds", "2")
    assert result["positive_rate"] == pytest.approx(y.mean())


@pytest.mark.parametrize(
    ("target", "positive", "message"),
    [
        ("status", "bad", "target column 'status' is not in the file"),
        ("region", "north", "target column 'region' is not binary: it has 4 distinct values"),
        ("outcome", "late", "--positive 'late' is not one of the two values of target column 'outcome'"),
    ],
)
def test_a_missing_or_not_binary_target_is_refused_by_name(loans_csv, target, positive, message):
    with pytest.raises(CommandError, match=message):
        evaluate(str(loans_csv), "--target", target, "--positive", positive, "--sep", ";")


def test_the_command_line_exits_non_zero_on_a_bad_target(loans_csv):
    completed = subprocess.run(
        [sys.executable, "-m", "rmdesk.cli", "model", "evaluate", str(loans_csv), "--target", "region",
         "--positive", "north", "--sep", ";"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert completed.returncode != 0
    assert completed.stdout == ""
    assert "target column 'region' is not binary" in completed.stderr


def test_dropping_an_unknown_column_is_refused(loans_csv):
    with pytest.raises(CommandError, match="--drop names columns that are not in the file: salary"):
        evaluate(str(loans_csv), "--target", "outcome", "--positive", "default", "--sep", ";", "--drop", "salary")


def test_folds_do_not_go_with_the_time_split(loans_csv):
    with pytest.raises(CommandError, match="--folds applies to --split kfold"):
        evaluate(str(loans_csv), "--target", "outcome", "--positive", "default", "--split", "time", "--folds", "3")


def test_a_mostly_numeric_text_column_is_read_as_numbers(loans_csv):
    from rmdesk.analytics.evaluate import load_table

    messages = []
    frame = load_table(loans_csv, sep=";", progress=messages.append)
    assert pd.api.types.is_numeric_dtype(frame["grade_text"])
    assert any("grade_text" in message for message in messages)


def test_a_file_with_nothing_to_learn_from_is_refused(tmp_path):
    path = tmp_path / "ids.csv"
    pd.DataFrame({"loan_id": [f"L{i}" for i in range(100)], "bad": [0, 1] * 50}).to_csv(path, index=False)
    with pytest.raises(CommandError, match="no column can be learned from .*loan_id"):
        evaluate(str(path), "--target", "bad", "--positive", "1")
