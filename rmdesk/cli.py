"""The `rmdesk` command: Django's management commands under the product's name.

`rmdesk seed --scale demo --seed 1`, `rmdesk demo`, `rmdesk migrate` ... all go through here so
that an operator never needs to know about manage.py or the settings module.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rmdesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
