"""`rmdesk nightly [--as-of DATE] [--enqueue]`: run the nightly run now, or queue it for a worker."""

import datetime
import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from rmdesk.nightly import nightly, nightly_run


class Command(BaseCommand):
    help = "Run the nightly run over the whole portfolio (first step: propose the ratings due)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None, help="business date, YYYY-MM-DD (default today)")
        parser.add_argument("--enqueue", action="store_true", help="queue the run for the task worker instead of running it here")

    def handle(self, *args, as_of, enqueue, **options):
        as_of = as_of or timezone.localdate()
        if enqueue:
            result = nightly.enqueue(as_of=as_of.isoformat())
            self.stdout.write(f"queued nightly run for {as_of}: task {result.id}")
            return
        self.stdout.write(json.dumps(nightly_run(as_of=as_of), ensure_ascii=False))
