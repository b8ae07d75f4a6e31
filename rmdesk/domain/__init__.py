"""The domain core of rmdesk: the rules a bank must be able to trust, as plain Python.

Money, identifiers, amortisation, customer tiers (and, as they arrive, classification,
rating, profitability, policy checks and early-warning rules) are pure functions over
plain data: frozen dataclasses, ``Decimal`` money with explicit rounding, enums for error
codes. The core never imports Django (nor Polars, nor any other part of rmdesk): the Django
shell calls into it, never the other way round, so every rule is tested in milliseconds
without a database. The import-linter contract in ``pyproject.toml`` and
``tests/test_independence.py`` fail the build if that ever changes.
"""
