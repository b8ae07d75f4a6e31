#!/usr/bin/env python
"""Django's manage.py; `rmdesk` (rmdesk/cli.py) is the same with the product's name."""

from rmdesk.cli import main

if __name__ == "__main__":
    main()
