"""`rmdesk demo`: the desk on this machine with a seeded demo bank, a web server and a worker."""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from rmdesk.customers.models import Customer
from rmdesk.org.models import OrgUnit, User


class Command(BaseCommand):
    help = "Seed the demo bank if the database is empty (and queue its first nightly run), start a task worker and serve the desk."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--seed", type=int, default=1, help="seed of the demo bank (only used when empty)")

    def handle(self, *args, host: str, port: str, seed: int, **options):
        from rmdesk.synthetic.services import DEFAULT_AS_OF, DEMO_PASSWORD, DEMO_SIGN_INS

        if not (Customer.objects.exists() or User.objects.exists() or OrgUnit.objects.exists()):
            call_command("seed", scale="demo", seed=seed, stdout=self.stdout, stderr=self.stderr)
            # The worker below runs the first nightly run over the fresh bank as of its business
            # date, so the demo opens with ratings proposed, loans classified and offers ranked.
            call_command("nightly", as_of=DEFAULT_AS_OF, enqueue=True, stdout=self.stdout, stderr=self.stderr)
        worker = subprocess.Popen(
            [sys.executable, "-m", "rmdesk.cli", "db_worker"],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")},
        )
        address = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nrmdesk is serving at {address}  (Ctrl-C stops it)\n"))
        self.stdout.write(f"Demo sign-ins, all with the password {DEMO_PASSWORD!r}:")
        for username, role in DEMO_SIGN_INS:
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write("")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
