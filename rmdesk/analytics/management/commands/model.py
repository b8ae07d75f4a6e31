"""`rmdesk model evaluate FILE --target COLUMN --positive VALUE ...`: cross-validate a model on a CSV.

    rmdesk model evaluate FILE --target COLUMN --positive VALUE [--sep SEP] [--drop COLUMN ...]
        [--model scorecard|challenger] [--split kfold --folds 5 | --split time --train-fraction 0.8]
        [--seed 0]

It prints one JSON object on standard output: the mean `auc`, `ks`, `gini` and `fit_seconds`
over the folds and the same per fold under `folds`. Progress and warnings go to standard error,
so the output can be piped into another program; a bad file, target or option ends with a
message on standard error and a non-zero exit status.
"""

from __future__ import annotations

import contextlib
import json
import sys
import warnings

from django.core.management.base import BaseCommand, CommandError

DEFAULT_FOLDS = 5
DEFAULT_TRAIN_FRACTION = 0.8


def _separator(text: str) -> str:
    # A shell passes a tab typed as `\t` literally; accept that spelling too.
    return {"\\t": "\t", "tab": "\t"}.get(text, text)


class Command(BaseCommand):
    help = "Statistical models trained on the bank's own history: `rmdesk model evaluate FILE ...`."
    # Evaluating a file needs neither the database nor the project's checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        evaluate = actions.add_parser(
            "evaluate",
            help="cross-validate a model on a CSV with a binary target; prints one JSON object",
            description="Cross-validate a model on a CSV with a binary target and print the mean and "
            "per-fold AUC, KS, Gini and fit seconds as one JSON object on standard output.",
        )
        evaluate.add_argument("file", metavar="FILE", help="CSV file with a header row")
        evaluate.add_argument("--target", required=True, metavar="COLUMN", help="the outcome column")
        evaluate.add_argument(
            "--positive", required=True, metavar="VALUE", help="its value for the event (e.g. bad, 1, yes)"
        )
        evaluate.add_argument("--sep", default=",", type=_separator, metavar="SEP", help="field separator (default ,)")
        evaluate.add_argument(
            "--drop", nargs="+", action="extend", default=[], metavar="COLUMN", help="columns not to learn from"
        )
        evaluate.add_argument("--model", choices=["scorecard", "challenger"], default="scorecard")
        evaluate.add_argument("--split", choices=["kfold", "time"], default="kfold")
        evaluate.add_argument(
            "--folds", type=int, default=None, help=f"folds of --split kfold (default {DEFAULT_FOLDS})"
        )
        evaluate.add_argument(
            "--train-fraction",
            type=float,
            default=None,
            help=f"share of the first rows that train under --split time (default {DEFAULT_TRAIN_FRACTION})",
        )
        evaluate.add_argument("--seed", type=int, default=0, help="seed of the folds and the models (default 0)")

    def handle(self, *args, action: str, **options):
        if options["split"] == "time" and options["folds"] is not None:
            raise CommandError("--folds applies to --split kfold, not to --split time")
        if options["split"] == "kfold" and options["train_fraction"] is not None:
            raise CommandError("--train-fraction applies to --split time, not to --split kfold")
        from rmdesk.analytics.evaluate import EvaluationError, evaluate_file

        def progress(message: str) -> None:
            if options["verbosity"] >= 1:
                self.stderr.write(message)

        try:
            # Only the JSON belongs on standard output: anything a library prints while fitting
            # goes to standard error, and its warnings are noise for this report.
            with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = evaluate_file(
                    options["file"],
                    sep=options["sep"],
                    target=options["target"],
                    positive=options["positive"],
                    drop=options["drop"],
                    model=options["model"],
                    split=options["split"],
                    folds=options["folds"] or DEFAULT_FOLDS,
                    train_fraction=options["train_fraction"] or DEFAULT_TRAIN_FRACTION,
                    seed=options["seed"],
                    progress=progress,
                )
        except EvaluationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result))
