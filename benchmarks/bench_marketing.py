"""Benchmark: the marketing portfolio batch on the county bank in PostgreSQL, and its radar scored.

Issue 6: `make bench-marketing` runs the batch (segments, knowledge scores, risk-adjusted
profitability, next best offers, attrition radar) over the whole county bank and prints its
time; scores the attrition radar against the synthetic bank's planted drifters (precision,
recall, median days of warning; goals: recall and precision of at least 70%, at least 30 days
of warning); and prints the knowledge-score distribution.

It starts a throwaway PostgreSQL (or uses --database-url, since the county seed takes about five
minutes), seeds the county bank once if the database is empty, runs the nightly's earlier steps
(rating proposals, classification) once if nobody is rated yet, runs ANALYZE, then:

1. the batch for the seed's business date with no acceptance model fitted yet (the run that
   fits it on the year's take-ups, as the first nightly run of a month does);
2. the batch again for the same date (the nightly's usual run: the month's fit is reused), which
   also shows the batch is safe to rerun (the same rows, no second win-back task);
3. the radar replayed weekly over the seed's year from one load of the frames
   (rmdesk.marketing.evaluation), scored against the planted drifters.

    make bench-marketing               # or: uv run python benchmarks/bench_marketing.py --help
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_book import postgres, rmdesk  # noqa: E402  (the throwaway cluster and the CLI, shared)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help="a PostgreSQL database to use (seeded if empty)")
    parser.add_argument("--scale", default="county", help="scale to seed an empty database with (default county)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every-days", type=int, default=7, help="days between two replayed radar runs (default 7)")
    parser.add_argument("--port", type=int, default=54343, help="port of the throwaway cluster (default 54343)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway cluster for another run")
    args = parser.parse_args()

    with postgres(args.database_url, args.keep, args.port) as url, tempfile.TemporaryDirectory(prefix="rmdesk-bench-var.") as var:
        env = {**os.environ, "DATABASE_URL": url, "RMDESK_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "config.settings"}
        rmdesk(env, "migrate", "--verbosity", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from rmdesk.customers.models import Customer
        from rmdesk.marketing.evaluation import knowledge_distribution, score_radar
        from rmdesk.marketing.facts import first_transaction_on
        from rmdesk.marketing.models import AcceptanceFit, CustomerSnapshot, OfferSnapshot, WinBackTask
        from rmdesk.marketing.services import marketing_batch
        from rmdesk.products.models import Transaction
        from rmdesk.rating.models import Rating
        from rmdesk.rating.services import rating_propose_due
        from rmdesk.risk.tasks import risk_nightly
        from rmdesk.synthetic.models import SeedRun

        if not Customer.objects.exists():
            rmdesk(env, "seed", "--scale", args.scale, "--seed", str(args.seed), "--no-progress")
        scale, as_of = SeedRun.objects.order_by("-pk").values_list("scale", "as_of").first()
        if not Rating.objects.exists():
            # The nightly's earlier steps, untimed: the batch reads their proposed PDs and classifications.
            rating_propose_due(as_of=as_of)
            risk_nightly(as_of=as_of)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        AcceptanceFit.objects.filter(as_of=as_of).delete()

        runs = []
        for label in ("first run of the month (fits the acceptance model)", "rerun (the month's fit reused)"):
            started = time.perf_counter()
            run = marketing_batch(as_of=as_of)
            seconds = time.perf_counter() - started
            steps = {k: v for k, v in dataclasses.asdict(run).items() if k != "as_of"}
            runs.append({"run": label, "total_seconds": round(seconds, 1), **steps})
            runs[-1]["rows"] = {
                "snapshots": CustomerSnapshot.objects.filter(as_of=as_of).count(),
                "offers": OfferSnapshot.objects.filter(as_of=as_of).count(),
                "open win-back tasks": WinBackTask.objects.filter(status="open").count(),
            }
        fit = AcceptanceFit.objects.filter(as_of=as_of).order_by("-fitted_at").first()
        radar = score_radar(first=first_transaction_on(), last=as_of, every_days=args.every_days)
        knowledge = knowledge_distribution(as_of)
        transactions = Transaction.objects.count()

    radar_figures = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in dataclasses.asdict(radar).items()}
    goals = {
        "recall >= 0.70": radar.recall is not None and radar.recall >= 0.70,
        "precision >= 0.70": radar.precision is not None and radar.precision >= 0.70,
        "median days of warning >= 30": radar.median_days_of_warning is not None and radar.median_days_of_warning >= 30,
    }
    print(
        json.dumps(
            {
                "benchmark": f"marketing portfolio batch, {scale} bank, PostgreSQL",
                "as_of": as_of.isoformat(),
                "customers": runs[0]["customers"],
                "transactions": transactions,
                "runs": runs,
                "acceptance_fit": None if fit is None else {
                    "rows": fit.rows, "accepted": fit.accepted, "own_scorecards": len(fit.own_scorecards),
                    "holdout_auc": str(fit.holdout_auc), "seconds": str(fit.seconds),
                },
                "radar": radar_figures,
                "radar_goals_met": goals,
                "knowledge": knowledge,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
