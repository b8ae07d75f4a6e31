"""`rmdesk seed`: generate and load the synthetic bank (DESIGN.md section 6).

    rmdesk seed --scale demo|county --seed N [--reset] [--as-of YYYY-MM-DD] [--no-progress]

Deterministic for a seed. Refuses, changing nothing, on a database that already holds data
unless ``--reset`` is given. The whole bank is written in one transaction, so an interrupted
run (or a failed one) leaves the database exactly as it was, old data included.
"""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from rmdesk.synthetic.scales import SCALES
from rmdesk.synthetic.services import DEFAULT_AS_OF, SeedRefused, bank_seed


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = "Generate and load the synthetic bank: deterministic for a seed, refuses a non-empty database without --reset."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo", help="demo (about 3,000 customers) or county (200,000)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same bank (default 1)")
        parser.add_argument("--reset", action="store_true", help="empty the bank's tables first, replacing what is there")
        parser.add_argument("--as-of", default=DEFAULT_AS_OF.isoformat(), help=f"last day of the 12 months of flows (default {DEFAULT_AS_OF})")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, scale: str, seed: int, reset: bool, as_of: str, no_progress: bool, **options):
        if seed < 0:
            raise CommandError(f"--seed must be 0 or more, not {seed}")
        day = _day(as_of)
        started = time.monotonic()
        try:
            run = bank_seed(scale=scale, seed=seed, as_of=day, reset=reset, progress=not no_progress)
        except SeedRefused as refusal:
            raise CommandError(str(refusal)) from None
        seconds = time.monotonic() - started
        width = max(len(label) for label in run.counts)
        self.stdout.write(f"Seeded the {scale} bank, seed {seed}, 12 months up to {day}:")
        for label, rows in run.counts.items():
            self.stdout.write(f"  {label:<{width}}  {rows:>12,}")
        self.stdout.write(f"  {'total':<{width}}  {sum(run.counts.values()):>12,}")
        self.stdout.write(self.style.SUCCESS(f"Done in {seconds:.1f} s (seed run {run.pk})."))
