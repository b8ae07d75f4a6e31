"""Benchmark: the nightly proposal of every rating due, on the county bank in PostgreSQL.

Issue 4: `make bench-rating` proposes ratings for the whole county bank and prints customers
rated per second. It starts a throwaway PostgreSQL (or uses --database-url), seeds the county
bank once if the database is empty, runs ANALYZE, then repeats: remove the proposals of the
previous repeat, run `rating_propose_due` over the whole bank (every borrower and every
enterprise: due, since nobody is rated yet), and time it. The median of the repeats is quoted.

The peer, timed in the same run right before each repeat, is the single query no flow-based
rating can avoid: 12 months of transactions summed per customer, alone. A second proposal
right after the last repeat shows the run is idempotent (it must propose nothing).

    make bench-rating                  # or: uv run python benchmarks/bench_rating.py --help
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
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
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway cluster for another run")
    args = parser.parse_args()

    with postgres(args.database_url, args.keep) as url, tempfile.TemporaryDirectory(prefix="rmdesk-bench-var.") as var:
        env = {**os.environ, "DATABASE_URL": url, "RMDESK_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "config.settings"}
        rmdesk(env, "migrate", "--verbosity", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection
        from django.db.models import Count, Sum

        from rmdesk.customers.models import Customer
        from rmdesk.products.models import Transaction
        from rmdesk.rating.models import Rating, RatingStatus
        from rmdesk.rating.services import rating_propose_due
        from rmdesk.synthetic.models import SeedRun

        if not Customer.objects.exists():
            rmdesk(env, "seed", "--scale", args.scale, "--seed", str(args.seed), "--no-progress")
        scale, as_of = SeedRun.objects.order_by("-pk").values_list("scale", "as_of").first() or (args.scale, datetime.date(2026, 10, 31))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        customers = Customer.objects.count()

        repeats = []
        for _ in range(args.repeats):
            # In SQL: deleting through the ORM would write an audit entry per rating, which is not what is measured.
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {Rating._meta.db_table} WHERE status = %s", [RatingStatus.PROPOSED.value])
            started = time.perf_counter()
            flows = (
                Transaction.objects.filter(booked_on__gt=as_of - datetime.timedelta(days=365), booked_on__lte=as_of)
                .values("customer_id")
                .annotate(total=Sum("amount"))
                .order_by()
            )
            flow_rows = len(list(flows.values_list("customer_id", "total")))
            peer = time.perf_counter() - started
            started = time.perf_counter()
            run = rating_propose_due(as_of=as_of)
            seconds = time.perf_counter() - started
            repeats.append(
                {
                    "due": run.due,
                    "proposed": run.proposed,
                    "seconds": round(seconds, 2),
                    "customers_per_second": round(run.proposed / seconds),
                    "peer_seconds": round(peer, 2),
                    "peer_rows": flow_rows,
                }
            )
        again = rating_propose_due(as_of=as_of)
        by_kind = run.by_kind
        grades = dict(
            sorted(
                (grade, count)
                for grade, count in Rating.objects.filter(status=RatingStatus.PROPOSED)
                .values_list("proposed_grade")
                .annotate(n=Count("pk"))
            )
        )

    median_seconds = statistics.median(r["seconds"] for r in repeats)
    median_peer = statistics.median(r["peer_seconds"] for r in repeats)
    print(
        json.dumps(
            {
                "benchmark": f"nightly rating proposal, {scale} bank, PostgreSQL",
                "as_of": as_of.isoformat(),
                "customers": customers,
                "repeats": repeats,
                "median_seconds": median_seconds,
                "median_customers_per_second": statistics.median(r["customers_per_second"] for r in repeats),
                "median_peer_seconds": median_peer,
                "proposal_over_peer": round(median_seconds / median_peer, 1) if median_peer else None,
                "proposed_by_kind": by_kind,
                "proposed_grades": grades,
                "second_run_proposed": again.proposed,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
