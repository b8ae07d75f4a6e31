"""`rmdesk messages`: bring the zh-hans and en catalogues up to date with the code."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

MAKEMESSAGES_ARGS = [
    "--locale=zh_Hans",
    "--locale=en",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=tests",
    "--ignore=*/tests/*",
    "--ignore=benchmarks",
    "--no-location",
    "--no-obsolete",
]


class Command(BaseCommand):
    help = "Extract every translatable string into rmdesk/locale (then translate the new ones)."

    def handle(self, *args, **options):
        call_command("makemessages", *MAKEMESSAGES_ARGS, verbosity=options["verbosity"])
